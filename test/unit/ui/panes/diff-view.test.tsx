/** The diff screen through the whole App: both loads, shared layers, file differences, both versions of a file. */
import React from 'react';
import '../../../support/ui/env.js';
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { LoadedImage } from '../../../../src/model/image.js';
import { Analysis } from '../../../../src/model/analysis.js';
import { diveImage, diveLayerMember, paneLines, renderApp } from '../../../support/ui/render.js';

let img: LoadedImage;
before(async () => {
  img = await diveImage();
});

describe('diff screen', () => {
  /** dive's image cut after layer 8 (A) against the whole image (B). */
  function before9(): LoadedImage {
    const a = new Analysis(img.analysis.table);
    for (let i = 0; i < 9; i++) a.addLayer(img.analysis.layers[i]);
    return {
      ...img,
      analysis: a,
      layers: img.layers.slice(0, 9),
      meta: { ...img.meta, repoTags: ['dive-test:before'] },
    };
  }

  it('loads both, then shared layers and file differences largest first; filter; Tab to the layers', async () => {
    const app = await renderApp(
      { start: { kind: 'diff', labels: ['a.tar', 'b.tar'], load: [async () => before9(), async () => img] } },
      { columns: 100, rows: 30 },
    );
    let f = await app.waitFor((x) => x.includes('Files 1/'), 'the diff');
    assert.match(f, /^strata │ diff A dive-test:before → B dive-test:latest/);
    assert.match(f, /Layers · 9 shared · 0 only in A · 5 only in B/);
    assert.match(f, /= A L0 · B L0 {2}23bc2b70b201\s+1\.2 MB {2}shared/);
    assert.match(
      f,
      /^A dive-test:before 9 layers, 1\.2 MB · B dive-test:latest 14 layers, 1\.2 MB · B ships \+21\.4 kB$/m,
    );
    assert.match(
      f,
      /^9 shared layers \(1\.2 MB, the first 9 in common\) · files: \+5 \(\+15\.0 kB\) -5 \(-12\.8 kB\) ~1 \(±0 B\)$/m,
    );
    const [header, ...files] = paneLines(f, 'Files ');
    assert.match(header, /^ +CHANGE +SIZE A → B {2}PATH/);
    assert.ok(files[0].startsWith('▶'), 'the first file row is selected');
    assert.ok(
      files.every((l) => /^[▶ ][+~-] /.test(l)),
      files.join('\n'),
    );
    assert.ok(
      files.some((l) => /^ - {4}-6\.4 kB\s+6\.4 kB {2}\/root\/example\/somefile1\.txt$/.test(l)),
      files.join('\n'),
    );
    await app.press('f');
    await app.type('saved');
    await app.press('enter');
    f = await app.waitFor((x) => x.includes('filter "saved"'));
    assert.ok(
      paneLines(f, 'Files ')
        .slice(1)
        .every((l) => l.includes('saved')),
    );
    assert.match(f, /\d+ of \d+ differing paths · filter "saved"/);
    await app.press('x');
    await app.waitFor((x) => !x.includes('filter "saved"'));
    await app.press('tab');
    await app.press('j');
    f = await app.waitFor((x) => /╔═ ▶ Layers/.test(x));
    assert.match(f, /▶= A L1 · B L1/);
    await app.press('q');
    assert.equal(app.exitCode(), 0);
    app.unmount();
  });

  it('Enter or v on a file shows both versions: sizes and hashes, a unified diff of text; Esc goes back', async () => {
    const app = await renderApp(
      { start: { kind: 'diff', labels: ['a.tar', 'b.tar'], load: [async () => before9(), async () => img] } },
      { columns: 100, rows: 30 },
    );
    await app.waitFor((x) => x.includes('Files 1/'), 'the diff');
    // The file removed by B (layer 9's rm): A's bytes, B has none, so every line is a removal.
    await app.press('f');
    await app.type('somefile1');
    await app.press('enter');
    await app.waitFor((x) => x.includes('filter "somefile1"'));
    await app.press('enter');
    let f = await app.waitFor(
      (x) => x.includes('A ↔ B /root/example/somefile1.txt') && x.includes('@@'),
      'the comparison',
    );
    const expected = diveLayerMember(3, 'root/example/somefile1.txt');
    const sha = (await import('node:crypto')).createHash('sha256').update(expected).digest('hex');
    assert.ok(f.includes(`sha256 ${sha.slice(0, 40)}`), f);
    assert.match(f, /B: .*does not exist/);
    assert.match(f, /^[│║]?--- A\/root\/example\/somefile1\.txt/m);
    assert.match(f, /@@ -1,\d+ \+0,0 @@/);
    await app.press('esc');
    await app.waitFor((x) => x.includes('Files 1/') && !x.includes('A ↔ B'));
    // The modification of B: the same content with new metadata.
    await app.press('x');
    await app.press('f');
    await app.type('saved.txt');
    await app.press('enter');
    f = await app.waitFor((x) => x.includes('filter "saved.txt"'));
    const row = paneLines(f, 'Files ')
      .slice(1)
      .findIndex((l) => /^[▶ ]~/.test(l));
    assert.ok(row >= 0, f);
    await app.press('down', row);
    await app.press('v');
    f = await app.waitFor((x) => x.includes('the contents are the same'), 'same content');
    const hashes = [...f.matchAll(/sha256 ([0-9a-f]{16})/g)].map((m) => m[1]);
    assert.equal(hashes.length, 2);
    assert.equal(hashes[0], hashes[1]);
    await app.press('q');
    await app.waitFor((x) => x.includes('Files 1/'));
    app.unmount();
  });
});
