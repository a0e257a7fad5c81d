/**
 * What the App asks of the terminal, through the whole App: mouse reports (never keystrokes), a
 * click, OSC 52 copy, Ctrl+C's exit status, Ctrl+Z's suspend.
 */
import React from 'react';
import '../../support/ui/env.js';
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { LoadedImage } from '../../../src/model/image.js';
import {
  diveImage,
  exploreDive,
  fakeTerminal,
  openImage,
  renderApp,
  statusLine,
  treeLines,
} from '../../support/ui/render.js';

let img: LoadedImage;
before(async () => {
  img = await diveImage();
});

const BIG = { columns: 120, rows: 40 };

describe('mouse reports and exit status', () => {
  it('a wheel report over the tree scrolls the tree, never the layers; with the mouse off it is dropped', async () => {
    const term = fakeTerminal();
    const app = await exploreDive(BIG, { terminal: term });
    const tree0 = app.frame();
    // Wheel down three notches at column 80, row 6: the File tree (right column, top).
    for (let i = 0; i < 3; i++) await app.press('\x1b[<65;80;6M');
    let f = await app.waitFor((x) => x !== tree0, 'the tree moved');
    assert.match(f, /Layers 1\/15/, 'the layer did not change');
    assert.match(f, /▶ Layers/, 'the focus did not move');
    assert.ok(!treeLines(f)[0].startsWith('▶'), 'the tree cursor went down');
    await app.press('M');
    f = await app.waitFor((x) => x.includes('mouse off'));
    assert.deepEqual(term.mouseCalls, [false]);
    const frozen = treeLines(f).join('\n');
    await app.press('\x1b[<65;80;6M');
    await app.press('\x1b[<0;10;5M');
    await app.press('\x1b[<0;10');
    f = app.frame();
    assert.equal(treeLines(f).join('\n'), frozen);
    assert.match(f, /Layers 1\/15/);
    assert.match(f, /▶ Layers/);
    app.unmount();
  });
  it('a click selects the row under the pointer and focuses its pane', async () => {
    const app = await exploreDive(BIG, { terminal: fakeTerminal() });
    // Row 2 of the screen is the Layers title; rows 3.. are its rows: click the 4th layer row.
    await app.press('\x1b[<0;5;6M');
    await app.press('\x1b[<0;5;6m');
    let f = await app.waitFor((x) => x.includes('Layers 4/15'), 'layer 4 selected');
    await app.press('\x1b[<0;80;5M');
    f = await app.waitFor((x) => /▶ File tree/.test(x), 'the tree focused');
    assert.ok(treeLines(f)[2].startsWith('▶'), treeLines(f).join('\n'));
    app.unmount();
  });
  it('y copies the selected path with OSC 52 and says so', async () => {
    const term = fakeTerminal();
    const app = await exploreDive(BIG, { terminal: term });
    await app.press('2');
    await app.press('y');
    const f = await app.waitFor((x) => x.includes('copied'));
    const path = /copied (\S+) to the clipboard/.exec(statusLine(f))![1];
    assert.ok(path.startsWith('/'), path);
    assert.deepEqual(term.writes, [`\x1b]52;c;${Buffer.from(path).toString('base64')}\x07`]);
    app.unmount();
  });
  it('Ctrl+C exits 130, also while the image is still loading', async () => {
    const app = await renderApp({ start: openImage(() => img) });
    await app.waitFor((x) => x.includes('Layers 1/15'));
    await app.press('ctrl+c');
    assert.equal(app.exitCode(), 130);
    app.unmount();
    const slow = await renderApp({
      start: { kind: 'image', label: 'never', load: () => new Promise<LoadedImage>(() => {}) },
    });
    await slow.waitFor((x) => x.includes('reading never'));
    await slow.press('ctrl+c');
    assert.equal(slow.exitCode(), 130);
    slow.unmount();
  });
  it('Ctrl+Z asks the terminal to suspend', async () => {
    const term = fakeTerminal();
    const app = await exploreDive(BIG, { terminal: term });
    await app.press('\x1a');
    assert.equal(term.suspends, 1);
    app.unmount();
  });
});
