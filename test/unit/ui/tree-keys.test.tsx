/**
 * Keys that act on the tree from every pane (dive's habits: Ctrl aliases, the regex filter), the
 * metadata-only build steps, search over hidden rows and the size sort, through the whole App.
 */
import React from 'react';
import '../../support/ui/env.js';
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { exploreDive, statusLine, treeLines, type Rendered } from '../../support/ui/render.js';

const BIG = { columns: 120, rows: 40 };

describe('tree keys from every pane', () => {
  let app: Rendered;
  after(() => app.unmount());
  it('/ in the Layers pane opens the search; the tree takes the focus', async () => {
    app = await exploreDive(BIG);
    assert.match(app.frame(), /▶ Layers/, 'the Layers pane has the focus at first');
    await app.press('/');
    const f = await app.waitFor((x) => x.includes('search: █'), 'the search prompt');
    assert.match(f, /▶ File tree/);
    await app.press('esc');
  });
  it('a, s and . from the Waste pane act on the tree, the focus stays', async () => {
    await app.press('3');
    await app.press('a');
    await app.press('s');
    await app.press('.');
    const f = await app.waitFor((x) => x.includes('aggregated since base · sort: size · hidden: .untouched'));
    assert.match(f, /▶ Waste/);
    await app.press('x');
    await app.waitFor((x) => x.includes('hidden: none'), 'x clears from the Waste pane');
  });
  it('Ctrl+F (dive) opens the path filter from the Details pane; R a regex filter', async () => {
    await app.press('4');
    await app.press('\x06');
    await app.waitFor((x) => x.includes('path filter: █'), 'the path filter prompt');
    await app.press('esc');
    await app.press('R');
    await app.type('pass(wd)?$');
    let f = await app.waitFor((x) => x.includes('path filter (regex): pass(wd)?$'));
    await app.press('enter');
    await app.press('e');
    f = await app.waitFor((x) => treeLines(x).some((l) => l.endsWith(' passwd')), 'passwd shown');
    assert.ok(
      treeLines(f).every((l) => /(\/|passwd)$/.test(l.split(' ⇒ ')[0])),
      treeLines(f).join('\n'),
    );
    await app.press('R');
    await app.type('(');
    await app.waitFor((x) => x.includes('✗ not a regular expression'));
    await app.press('esc');
    await app.press('x');
  });
  it(
    'Ctrl+A / Ctrl+L in the Layers pane: aggregated or layer changes; ' + 'Ctrl+B hides the attribute columns',
    async () => {
      await app.press('1');
      await app.press('\x01');
      await app.waitFor((x) => x.includes('aggregated since base'));
      await app.press('\x01');
      assert.match(app.frame(), /aggregated since base/, 'Ctrl+A sets, it does not toggle');
      await app.press('\x0c');
      await app.waitFor((x) => x.includes('· layer changes ·'));
      const before = treeLines(app.frame())[0];
      assert.match(before, /drwx/);
      await app.press('\x02');
      const f = await app.waitFor((x) => !/drwx/.test(treeLines(x)[0] ?? 'drwx'), 'no mode column');
      assert.match(treeLines(f)[0], /▾ \/?\w/);
      await app.press('\x02');
      await app.waitFor((x) => /drwx/.test(treeLines(x)[0] ?? ''));
    },
  );
});

describe('metadata-only steps, search and sort', () => {
  let app: Rendered;
  after(() => app.unmount());
  it('the CMD step shows no changes and a title that says so; a shows the filesystem as of it', async () => {
    app = await exploreDive(BIG);
    await app.press('down');
    let f = await app.waitFor((x) => x.includes('metadata only · no file changes'));
    assert.match(f, /File tree · step 2 · metadata only/);
    assert.match(f, /a metadata-only step: no file changes/);
    assert.ok(!treeLines(f).some((l) => /[+~-] [d-]r/.test(l)), 'no change rows from the layer below');
    await app.press('a');
    f = await app.waitFor((x) => x.includes('filesystem as of L0, unmarked'));
    assert.ok(treeLines(f).length > 1);
    await app.press('a');
  });
  it('search counts matches while typing and says when the filters hide them; Enter shows them', async () => {
    await app.press(']', 9);
    await app.waitFor((x) => x.includes('File tree · L9 · layer changes'));
    await app.press('-');
    await app.press('.');
    await app.waitFor((x) => x.includes('hidden: -removed .untouched'));
    await app.press('/');
    await app.type('somefile');
    let f = await app.waitFor((x) => /0 matches shown · \d+ more hidden by the filters/.test(x), 'the hidden count');
    const hidden = Number(/0 matches shown · (\d+) more hidden/.exec(f)![1]);
    assert.ok(hidden >= 2, f);
    await app.press('enter');
    f = await app.waitFor((x) => x.includes('filters cleared'), 'the filters lifted');
    assert.match(statusLine(f), new RegExp(`filters cleared: ${hidden} matches were hidden by them`));
    assert.match(f, /hidden: none/);
    assert.ok(
      treeLines(f).some((l) => l.startsWith('▶') && l.includes('somefile')),
      f,
    );
    await app.press('esc');
  });
  it('size sort puts the cursor on the largest entry, at the top', async () => {
    await app.press('[', 10);
    await app.press('2');
    await app.press('G');
    await app.waitFor((x) => !treeLines(x)[0]?.startsWith('▶'), 'cursor away from the top');
    await app.press('s');
    const f = await app.waitFor((x) => x.includes('sort: size'));
    const rows = treeLines(f);
    assert.ok(rows[0].startsWith('▶'), rows.join('\n'));
    const sizeOf = (l: string) => /\s(\d+(?:\.\d+)?) (B|kB|MB)\s/.exec(l);
    const unit: Record<string, number> = { B: 1, kB: 1e3, MB: 1e6 };
    const sizes = rows
      .filter((l) => /[▾▸] /.test(l.slice(0, 45)) || true)
      .map((l) => sizeOf(l))
      .filter(Boolean)
      .map((m) => Number(m![1]) * unit[m![2]]);
    assert.equal(sizes[0], Math.max(...sizes), 'the top row is the largest shown');
  });
});
