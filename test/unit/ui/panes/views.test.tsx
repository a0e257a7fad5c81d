/**
 * Render tests of the views added for issue 5 through the whole App: the file view (text, hex,
 * save), the diff screen, the containers list and the shared-layers view (with stand-in services;
 * the real Engine is exercised in engine-views.test.tsx), and cancelling a load on quit.
 */
import React from 'react';
import '../../../support/ui/env.js';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import type { LoadedImage } from '../../../../src/model/image.js';
import type { SharedReport } from '../../../../src/sources/engine/shared-layers.js';
import { Analysis } from '../../../../src/model/analysis.js';
import { DIVE_IMAGE, diveImage, paneLines, renderApp, treeLines, type Rendered } from '../../../support/ui/render.js';
import type { Services } from '../../../../src/ui/App.js';

let img: LoadedImage;
before(async () => {
  img = await diveImage();
});

const open = (image: () => LoadedImage) => ({ kind: 'image' as const, label: 'dive-test', load: async () => image() });

/** A member of one layer of the dive archive, read with the system tar (independent of Strata). */
function layerMember(layer: number, member: string): Buffer {
  const manifest = JSON.parse(execFileSync('tar', ['-xOf', DIVE_IMAGE, 'manifest.json'], { encoding: 'utf8' }));
  const layerTar = execFileSync('tar', ['-xOf', DIVE_IMAGE, manifest[0].Layers[layer]], { maxBuffer: 64 << 20 });
  return execFileSync('tar', ['-xOf', '-', member], { input: layerTar, maxBuffer: 64 << 20 });
}

/** Open the image, select the top layer, search the tree for `name` and view it. */
async function viewFile(app: Rendered, name: string): Promise<string> {
  await app.waitFor((f) => f.includes('Layers 1/15'), 'the image');
  await app.press('end');
  await app.press('2');
  await app.press('/');
  // Pasted with its Enter, as terminals deliver it: one chunk "busybox\r".
  await app.press(`${name}\r`);
  await app.waitFor(
    (f) => treeLines(f).some((l) => l.startsWith('▶') && l.includes(name)) && !f.includes('search: '),
    `the cursor on ${name}`,
  );
  await app.press('v');
  return app.waitFor((f) => f.includes('File /') && !f.includes('reading…'), 'the file view');
}

describe('file view', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-ui-view-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('text: header with layer, change and size; numbered lines; scroll; wrap; Esc closes', async () => {
    const app = await renderApp({ start: open(() => img) }, { columns: 100, rows: 30 });
    let f = await viewFile(app, 'tag.sh');
    const body = paneLines(f, 'File /root/.data/tag.sh');
    assert.equal(body[0], 'added in L10 · 917 B (917 B) · text, 37 lines');
    assert.equal(body[1], 'x saves this version · w wraps · m text/hex');
    assert.equal(body[2], ' 1 │ #!/bin/bash');
    assert.equal(body[3], ' 2 │ set -u');
    assert.match(f, /File \/root\/\.data\/tag\.sh · 1-22\/37/);
    assert.match(f, /file view · as of layer 13 · text, long lines cut/);
    await app.press('j', 3);
    f = await app.waitFor((x) => x.includes('· 4-25/37'));
    assert.equal(paneLines(f, 'File /')[2], ' 4 │ BOLD=$(tput bold)');
    await app.press('end');
    await app.waitFor((x) => x.includes('· 16-37/37'));
    await app.press('w');
    f = await app.waitFor((x) => x.includes('text, long lines wrapped'));
    await app.press('m');
    f = await app.waitFor((x) => x.includes('hex dump, 16 bytes a row'));
    assert.equal(
      paneLines(f, 'File /')[2],
      '00000000  23 21 2f 62 69 6e 2f 62  61 73 68 0a 73 65 74 20  |#!/bin/bash.set |',
    );
    await app.press('esc');
    f = await app.waitFor((x) => !x.includes('File /') && x.includes('File tree · L13'));
    assert.ok(
      treeLines(f).some((l) => l.startsWith('▶') && l.endsWith('tag.sh')),
      'back on the tree, cursor kept',
    );
    await app.press('q');
    assert.equal(app.exitCode(), 0);
    app.unmount();
  });

  it('binary: hex dump (offset, hex, ASCII), hard link and truncation noted; x saves the whole file', async () => {
    const app = await renderApp({ start: open(() => img) }, { columns: 100, rows: 30 });
    let f = await viewFile(app, 'busybox');
    const body = paneLines(f, 'File /bin/busybox');
    assert.equal(body[0], 'added in L0 · 1.1 MB (1075464 B) · hard link to /bin/[ · hex dump, 16 bytes a row');
    assert.match(body[1], /^⚠ truncated: the first 1\.0 MB of 1\.1 MB are shown \(x saves the whole file\)/);
    assert.equal(body[2], '00000000  7f 45 4c 46 02 01 01 00  00 00 00 00 00 00 00 00  |.ELF............|');
    assert.match(f, /File \/bin\/busybox · 1-22\/65536/);
    assert.ok(!f.includes('\x1b'), 'no raw bytes reach the terminal');
    await app.press('x');
    f = await app.waitFor((x) => x.includes('save as: ./busybox█'));
    await app.press('ctrl+u');
    await app.type(path.join(dir, 'bb'));
    await app.press('enter');
    f = await app.waitFor((x) => x.includes('✓ saved') || x.includes('✗ not saved'), 'the save', 20000);
    assert.match(f, /✓ saved \/bin\/busybox \(L0, 1075464 B\) to /);
    const saved = fs.readFileSync(path.join(dir, 'bb'));
    assert.equal(saved.length, 1075464);
    assert.ok(saved.equals(layerMember(0, 'bin/[')), 'the saved bytes are the layer tar member');
    app.unmount();
  });

  it('a path removed by the layer shows the version below it; an unreadable source is an error in the view', async () => {
    const app = await renderApp({ start: open(() => img) }, { columns: 100, rows: 30 });
    await app.waitFor((f) => f.includes('Layers 1/15'));
    await app.press(']', 10);
    await app.press('2');
    await app.press('/');
    await app.type('somefile2');
    await app.press('enter');
    await app.press('v');
    let f = await app.waitFor((x) => x.includes('File /root/example/somefile2.txt') && !x.includes('reading…'));
    let body = paneLines(f, 'File /');
    assert.match(body[0], /^added in L5 · 6\.4 kB \(6405 B\) · text, \d+ lines$/);
    assert.equal(body[1], 'removed in L9: showing the version below it');
    await app.press('q');
    await app.waitFor((x) => x.includes('File tree · L9'));
    app.unmount();

    const lost: LoadedImage = { ...img, origin: { kind: 'none' } };
    const app2 = await renderApp({ start: open(() => lost) });
    f = await viewFile(app2, 'tag.sh');
    body = paneLines(f, 'File /');
    assert.equal(body[1], '✗ this source cannot be read again (no file contents available)');
    await app2.press('x');
    await app2.waitFor((x) => x.includes('save as: ./tag.sh'), 'x still offers a save: the version is known');
    await app2.press('esc');
    await app2.press('esc');
    await app2.waitFor((x) => !x.includes('File /'));
    app2.unmount();
  });

  it('save errors are shown, never thrown', async () => {
    const app = await renderApp({ start: open(() => img) });
    await viewFile(app, 'tag.sh');
    await app.press('x');
    await app.press('ctrl+u');
    await app.type(path.join(dir, 'no', 'such', 'dir', 'f'));
    await app.press('enter');
    const f = await app.waitFor((x) => x.includes('✗ not saved'));
    assert.match(f, /✗ not saved: no such directory: /);
    await app.press('x');
    await app.press('ctrl+u');
    await app.type(dir);
    await app.press('enter');
    await app.waitFor((x) => x.includes('✓ saved /root/.data/tag.sh (L10, 917 B) to '));
    assert.ok(fs.readFileSync(path.join(dir, 'tag.sh')).equals(layerMember(10, 'root/.data/tag.sh')));
    app.unmount();
  });
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
    const expected = layerMember(3, 'root/example/somefile1.txt');
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

  it('shows both loads while they run; q cancels them (AbortSignal)', async () => {
    const aborted: string[] = [];
    const pending = (name: string) => (_l: unknown, signal: AbortSignal) =>
      new Promise<LoadedImage>((_res, rej) =>
        signal.addEventListener('abort', () => {
          aborted.push(name);
          rej(new Error('cancelled'));
        }),
      );
    const app = await renderApp({
      start: { kind: 'diff', labels: ['a.tar', 'b.tar'], load: [pending('a'), pending('b')] },
    });
    await app.waitFor((x) => x.includes('reading A a.tar…') && x.includes('reading B b.tar…'));
    await app.press('q');
    assert.deepEqual(aborted.sort(), ['a', 'b']);
    assert.equal(app.exitCode(), 0);
    app.unmount();
  });
});

describe('cancelling', () => {
  it('q while an image loads aborts the load', async () => {
    let signal: AbortSignal | null = null;
    const app = await renderApp({
      start: {
        kind: 'image',
        label: 'slow',
        load: (_l, s) => {
          signal = s;
          return new Promise<LoadedImage>(() => {});
        },
      },
    });
    await app.waitFor((x) => x.includes('reading slow…'));
    assert.equal(signal!.aborted, false);
    await app.press('q');
    assert.equal(signal!.aborted, true);
    app.unmount();
  });
});

describe('containers and shared layers (stand-in services)', () => {
  const report: SharedReport = {
    images: [
      {
        id: 'sha256:aaa1',
        repoTags: ['alpine:latest'],
        created: 2,
        sizeBytes: 8_000_000,
        sharedBytes: 7_000_000,
        uniqueBytes: 1_000_000,
        containers: 1,
        official: true,
        floating: true,
        dangling: false,
        layers: [
          {
            index: 0,
            chainId: 'c0',
            diffId: 'sha256:d0d0d0d0d0d0d0',
            sizeBytes: 7_000_000,
            sharedWith: ['sha256:bbb2'],
          },
          { index: 1, chainId: 'c1', diffId: 'sha256:d1d1d1d1d1d1', sizeBytes: 1_000_000, sharedWith: [] },
        ],
      },
      {
        id: 'sha256:bbb2',
        repoTags: ['me/app:1.0'],
        created: 1,
        sizeBytes: 7_500_000,
        sharedBytes: 7_000_000,
        uniqueBytes: 500_000,
        containers: 0,
        official: false,
        floating: false,
        dangling: false,
        layers: [
          {
            index: 0,
            chainId: 'c0',
            diffId: 'sha256:d0d0d0d0d0d0d0',
            sizeBytes: 7_000_000,
            sharedWith: ['sha256:aaa1'],
          },
          { index: 1, chainId: 'c2', diffId: 'sha256:d2d2d2d2d2d2', sizeBytes: 500_000, sharedWith: [] },
        ],
      },
      {
        id: 'sha256:ccc3',
        repoTags: [],
        created: 0,
        sizeBytes: 100,
        sharedBytes: 0,
        uniqueBytes: 100,
        containers: 0,
        official: false,
        floating: false,
        dangling: true,
        layers: [],
      },
    ],
    layers: [],
    storedBytes: 8_500_100,
    unsharedBytes: 15_500_100,
    savedBytes: 7_000_000,
    warnings: [],
  };
  const opened: string[] = [];
  const services: Services = {
    listImages: async () => [{ Id: 'sha256:aaa1', RepoTags: ['alpine:latest'], Created: 2, Size: 8_000_000 }],
    openImage: async () => img,
    listContainers: async () => [
      {
        Id: 'f00dbabe0001',
        Names: ['/web'],
        Image: 'alpine:latest',
        State: 'running',
        Status: 'Up 2 hours',
        Created: 1_700_000_000,
      },
      {
        Id: 'f00dbabe0002',
        Names: ['/job\x1b[31m'],
        Image: 'me/app:1.0',
        State: 'exited',
        Status: 'Exited (0)',
        Created: 1_600_000_000,
      },
    ],
    openContainer: async (row) => {
      opened.push(row.id);
      return {
        img,
        container: {
          id: row.id,
          name: row.name,
          image: row.image,
          imageId: 'sha256:aaa1',
          state: row.state,
          sizeRw: 5,
          changes: { added: 1, changed: 0, deleted: 0 },
        },
      };
    },
    sharedLayers: async () => report,
  };

  it('c switches the list to containers (name, image, state); Enter opens one; b comes back to the containers', async () => {
    const app = await renderApp({ start: { kind: 'images' }, services });
    await app.waitFor((x) => x.includes('Images 1/1 · ◆ official · c: containers'));
    await app.press('c');
    let f = await app.waitFor((x) => x.includes('Containers 1/2'));
    assert.match(f, /▶ {2}web\s+alpine:latest\s+● running\s+f00dbabe0001 2023-11-14 22:13/);
    assert.match(f, /job\\e\[31m\s+me\/app:1\.0\s+○ exited/);
    assert.ok(!f.includes('\x1b'));
    assert.match(f, /strata │ containers on the Engine/);
    await app.press('j');
    await app.press('enter');
    f = await app.waitFor((x) => x.includes('Layers 1/15'));
    assert.match(f, /^strata │ container job\\e\[31m on me\/app:1\.0 \(exited\) │ 14 layers/);
    assert.deepEqual(opened, ['f00dbabe0002']);
    await app.press('b');
    await app.waitFor((x) => x.includes('Containers 2/2'));
    await app.press('c');
    await app.waitFor((x) => x.includes('Images 1/1'));
    app.unmount();
  });

  it('s opens the shared view: sizes, shared, unique; the selected image layers and who shares them; totals', async () => {
    const app = await renderApp({ start: { kind: 'images' }, services });
    await app.waitFor((x) => x.includes('Images 1/1'));
    await app.press('s');
    let f = await app.waitFor((x) => x.includes('Images 1/3 · ◆ official · ⇄ shared'));
    assert.match(f, /^strata │ shared layers │ stored once 8\.5 MB · unshared 15\.5 MB · saving 7\.0 MB/);
    assert.match(f, /▶◆ alpine:latest\s+8\.0 MB\s+7\.0 MB\s+1\.0 MB\s+1 ⚠ latest/);
    assert.match(f, /<none> ccc3\s+100 B\s+0 B\s+100 B\s+0 ⚠ dangling/);
    assert.match(f, /Layers of alpine:latest 1\/2/);
    assert.match(f, /⇄L0 {6}7\.0 MB d0d0d0d0d0d0 shared with 1: me\/app:1\.0/);
    assert.match(f, / L1 {6}1\.0 MB d1d1d1d1d1d1 only this image/);
    await app.press('j');
    f = await app.waitFor((x) => x.includes('Layers of me/app:1.0'));
    assert.match(f, /shared with 1: alpine:latest/);
    await app.press('tab');
    await app.press('j');
    f = await app.waitFor((x) => /╔═ ▶ Layers of me\/app:1\.0 2\/2/.test(x));
    await app.press('esc');
    await app.waitFor((x) => x.includes('Images 1/1 · ◆ official'));
    app.unmount();
  });

  it('without the services, the views say why', async () => {
    const app = await renderApp({
      start: { kind: 'images' },
      services: { listImages: async () => [], openImage: async () => img },
    });
    await app.waitFor((x) => x.includes('the Engine has no images'));
    await app.press('s');
    await app.waitFor((x) => x.includes('✗ the shared-layers view needs an Engine'));
    await app.press('b');
    await app.press('c');
    await app.waitFor((x) => x.includes('✗ containers need an Engine'));
    app.unmount();
  });
});
