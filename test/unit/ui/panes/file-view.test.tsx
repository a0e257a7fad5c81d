/**
 * The file view through the whole App: text with line numbers, scroll and wrap; binary as a hex
 * dump; older versions of a path; saving, and save errors shown rather than thrown.
 */
import React from 'react';
import '../../../support/ui/env.js';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { LoadedImage } from '../../../../src/model/image.js';
import {
  diveImage,
  diveLayerMember,
  openImage,
  paneLines,
  renderApp,
  treeLines,
  type Rendered,
} from '../../../support/ui/render.js';

let img: LoadedImage;
before(async () => {
  img = await diveImage();
});

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
    const app = await renderApp({ start: openImage(() => img) }, { columns: 100, rows: 30 });
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
    const app = await renderApp({ start: openImage(() => img) }, { columns: 100, rows: 30 });
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
    assert.ok(saved.equals(diveLayerMember(0, 'bin/[')), 'the saved bytes are the layer tar member');
    app.unmount();
  });

  it(
    'a path removed by the layer shows the version below it; ' + 'an unreadable source is an error in the view',
    async () => {
      const app = await renderApp({ start: openImage(() => img) }, { columns: 100, rows: 30 });
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
      const app2 = await renderApp({ start: openImage(() => lost) });
      f = await viewFile(app2, 'tag.sh');
      body = paneLines(f, 'File /');
      assert.equal(body[1], '✗ this source cannot be read again (no file contents available)');
      await app2.press('x');
      await app2.waitFor((x) => x.includes('save as: ./tag.sh'), 'x still offers a save: the version is known');
      await app2.press('esc');
      await app2.press('esc');
      await app2.waitFor((x) => !x.includes('File /'));
      app2.unmount();
    },
  );

  it('save errors are shown, never thrown', async () => {
    const app = await renderApp({ start: openImage(() => img) });
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
    assert.ok(fs.readFileSync(path.join(dir, 'tag.sh')).equals(diveLayerMember(10, 'root/.data/tag.sh')));
    app.unmount();
  });
});
