/** Pure reducers and derivations of every pane, on dive's test image (no rendering). */
import '../../../support/ui/env.js';
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { LoadedImage } from '../../../../src/model/image.js';
import { diveImage } from '../../../support/ui/render.js';
import { ImageView, buildSteps } from '../../../../src/ui/state/image-view.js';
import { INITIAL_TREE, reduceTree, type TreeState, type TreeCtx } from '../../../../src/ui/state/tree.js';
import { reduceList, clampList, EMPTY_LIST } from '../../../../src/ui/state/list.js';
import { initialState, type AppCtx, type AppState } from '../../../../src/ui/state/app-state.js';
import { command, handleKey } from '../../../../src/ui/state/router.js';
import { treeRows } from '../../../../src/ui/state/selectors.js';
import { detailLines } from '../../../../src/ui/present/details.js';
import { treeRowText } from '../../../../src/ui/panes/FileTree.js';
import { stepLine } from '../../../../src/ui/panes/LayerStack.js';
import { Analysis } from '../../../../src/model/analysis.js';

let img: LoadedImage;
let model: ImageView;
before(async () => {
  img = await diveImage();
  model = new ImageView(img);
});

const SIZE = { columns: 100, rows: 30 };
const ctxOf = (): AppCtx => ({ size: SIZE, model, images: [] });

function treeCtx(s: TreeState, layer: number): TreeCtx {
  const q = { layer, mode: s.mode, sort: s.sort, filters: s.filters, expansion: s };
  return { rows: model.rows(q), height: 20, order: () => model.order(q), matches: (x) => model.matches(q, x) };
}

function names(s: TreeState, layer: number): string[] {
  const rows = treeCtx(s, layer).rows!;
  return [...rows.ids].map((p) => {
    const t = treeRowText(rows, s, p, 80, false);
    return `${t.sym} ${t.indent}${t.name}`.trimEnd();
  });
}

describe('list reducer', () => {
  it('clamps moves, pages, home and end', () => {
    let s = reduceList(EMPTY_LIST, { type: 'move', delta: -3 }, 10, 4);
    assert.deepEqual(s, { cursor: 0, offset: 0 });
    s = reduceList(s, { type: 'move', delta: 5 }, 10, 4);
    assert.deepEqual(s, { cursor: 5, offset: 2 });
    s = reduceList(s, { type: 'page', dir: 1 }, 10, 4);
    assert.deepEqual(s, { cursor: 9, offset: 6 });
    s = reduceList(s, { type: 'home' }, 10, 4);
    assert.deepEqual(s, { cursor: 0, offset: 0 });
    s = reduceList(s, { type: 'end' }, 10, 4);
    assert.deepEqual(s, { cursor: 9, offset: 6 });
    assert.deepEqual(clampList({ cursor: 9, offset: 6 }, 3, 4), { cursor: 2, offset: 0 });
    assert.deepEqual(reduceList(EMPTY_LIST, { type: 'move', delta: 1 }, 0, 4), { cursor: 0, offset: 0 });
  });
});

describe('layers: build steps', () => {
  it('one row per build step, the metadata-only CMD step kept in place', () => {
    const steps = buildSteps(img);
    assert.equal(steps.length, 15);
    assert.deepEqual(
      steps.map((s) => (s.kind === 'meta' ? 'meta' : s.layer)),
      [0, 'meta', 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13],
    );
    assert.equal(steps[1].layer, 0, 'a metadata step shows the filesystem of the layer below it');
  });

  it('[ and ] move the selected step from any pane; the tree follows', () => {
    let s: AppState = initialState('image');
    for (let i = 0; i < 10; i++) s = handleKey(s, ']', ']', ctxOf())[0];
    assert.equal(s.layers.cursor, 10);
    assert.equal(treeRows(s, ctxOf())!.index.snap.layer, 9);
    s = handleKey(s, '[', '[', ctxOf())[0];
    assert.equal(treeRows(s, ctxOf())!.index.snap.layer, 8);
    s = handleKey(s, 'G', 'G', ctxOf())[0];
    assert.equal(s.layers.cursor, 14);
  });
});

describe('tree reducer', () => {
  const expanded: TreeState = { ...INITIAL_TREE, expandDepth: Infinity };

  it('layer 9: /root/example removed with its 4 descendants', () => {
    const s: TreeState = { ...expanded, filters: { hidden: ['untouched'], path: '', minSize: 0 } };
    assert.deepEqual(names(s, 9), [
      '  ▾ root/',
      '-   ▾ example/',
      '-     ▾ really/',
      '-         nested/',
      '-       somefile1.txt',
      '-       somefile2.txt',
    ]);
  });

  it('layer 7 (mv): somefile3.txt removed, /root/saved.txt added', () => {
    const s: TreeState = { ...expanded, filters: { hidden: ['untouched'], path: '', minSize: 0 } };
    assert.deepEqual(names(s, 7), ['  ▾ root/', '    ▾ example/', '-       somefile3.txt', '+     saved.txt']);
  });

  it('aggregated mode at layer 13: everything changed since the base', () => {
    const s: TreeState = { ...expanded, mode: 'aggregated', filters: { hidden: ['untouched'], path: '', minSize: 0 } };
    assert.deepEqual(names(s, 13), [
      '  ▾ root/',
      '+   ▾ .data/',
      '+       saved.again2.txt',
      '+       tag.sh',
      '+       test.sh',
      '+     .saved.txt',
      '+     saved.txt',
      '+   somefile.txt',
      '  ▾ tmp/',
      '+     saved.again1.txt',
    ]);
  });

  it('collapse and expand one directory; expand all; collapse all', () => {
    let s: TreeState = { ...INITIAL_TREE, filters: { hidden: ['untouched'], path: '', minSize: 0 } };
    assert.deepEqual(names(s, 9), ['  ▾ root/', '-   ▸ example/']);
    s = reduceTree(s, { type: 'list', action: { type: 'move', delta: 1 } }, treeCtx(s, 9));
    s = reduceTree(s, { type: 'toggle' }, treeCtx(s, 9));
    assert.deepEqual(names(s, 9).slice(0, 3), ['  ▾ root/', '-   ▾ example/', '-     ▸ really/']);
    s = reduceTree(s, { type: 'collapse' }, treeCtx(s, 9));
    assert.deepEqual(names(s, 9), ['  ▾ root/', '-   ▸ example/']);
    s = reduceTree(s, { type: 'expandAll' }, treeCtx(s, 9));
    assert.equal(names(s, 9).length, 6);
    s = reduceTree(s, { type: 'collapseAll' }, treeCtx(s, 9));
    assert.deepEqual(names(s, 9), ['  ▸ root/']);
  });

  it('hides each change kind, and filters by path and by size', () => {
    let s: TreeState = { ...expanded, filters: { hidden: ['untouched'], path: '', minSize: 0 } };
    s = reduceTree(s, { type: 'hide', kind: 'removed' }, treeCtx(s, 7));
    assert.deepEqual(names(s, 7), ['  ▾ root/', '+     saved.txt']);
    s = reduceTree(s, { type: 'filters', filters: { hidden: [], path: '/etc/passwd', minSize: 0 } }, treeCtx(s, 13));
    assert.deepEqual(names(s, 13), ['  ▾ etc/', '      passwd']);
    s = reduceTree(s, { type: 'filters', filters: { hidden: [], path: '', minSize: 1_000_000 } }, treeCtx(s, 13));
    assert.deepEqual(names(s, 13), ['  ▾ bin/', '      [']);
  });

  it('sorts by size (directories by their total), kept across layer changes', () => {
    let s: TreeState = { ...INITIAL_TREE };
    s = reduceTree(s, { type: 'sort' }, treeCtx(s, 0));
    assert.equal(s.sort, 'size');
    assert.deepEqual(names(s, 0).slice(0, 1), ['+ ▾ bin/']);
    const top = [...treeCtx(s, 13).rows!.ids]
      .filter((p) => img.analysis.table.depth(p) === 1)
      .map((p) => img.analysis.table.name(p));
    assert.deepEqual(top.slice(0, 3), ['bin', 'root', 'somefile.txt']);
  });

  it('incremental search jumps to the first match and reveals it; n / N cycle', () => {
    let s: TreeState = { ...INITIAL_TREE };
    s = reduceTree(s, { type: 'search', query: 'somefile', from: -1 }, treeCtx(s, 9));
    const t = img.analysis.table;
    assert.equal(t.path(s.cursorPath), '/root/example/somefile1.txt');
    assert.ok(treeCtx(s, 9).rows!.rowOf[s.cursorPath] >= 0, 'the match is a visible row (ancestors expanded)');
    s = reduceTree(s, { type: 'searchStep', dir: 1 }, treeCtx(s, 9));
    assert.equal(t.path(s.cursorPath), '/root/example/somefile2.txt');
    s = reduceTree(s, { type: 'searchStep', dir: 1 }, treeCtx(s, 9));
    assert.equal(t.path(s.cursorPath), '/somefile.txt');
    s = reduceTree(s, { type: 'searchStep', dir: 1 }, treeCtx(s, 9));
    assert.equal(t.path(s.cursorPath), '/root/example/somefile1.txt', 'wraps around');
    s = reduceTree(s, { type: 'searchStep', dir: -1 }, treeCtx(s, 9));
    assert.equal(t.path(s.cursorPath), '/somefile.txt');
    // Navigation still works while searching and filtered.
    s = reduceTree(
      { ...s, filters: { hidden: ['untouched'], path: '', minSize: 0 } },
      { type: 'list', action: { type: 'home' } },
      treeCtx({ ...s, filters: { hidden: ['untouched'], path: '', minSize: 0 } }, 9),
    );
    assert.equal(t.path(s.cursorPath), '/root');
  });
});

describe('waste reducer', () => {
  it('Enter jumps to the path in the tree at the layer that hid it', () => {
    let s: AppState = { ...initialState('image'), focus: 'waste', wasteView: { grouped: false, expanded: -1 } };
    s = command(s, 'down', ctxOf())[0];
    s = command(s, 'down', ctxOf())[0];
    s = command(s, 'down', ctxOf())[0];
    [s] = command(s, 'jump', ctxOf());
    assert.equal(s.focus, 'tree');
    const rows = treeRows(s, ctxOf())!;
    assert.equal(rows.index.snap.layer, 13);
    assert.equal(img.analysis.table.path(s.tree.cursorPath), '/root/saved.txt');
    assert.ok(rows.rowOf[s.tree.cursorPath] >= 0);
  });

  it('a jump clears the filters that would hide the path', () => {
    let s: AppState = { ...initialState('image'), focus: 'waste', wasteView: { grouped: false, expanded: -1 } };
    s = { ...s, tree: { ...s.tree, filters: { hidden: ['removed'], path: 'zzz', minSize: 0 } } };
    [s] = command(s, 'jump', ctxOf());
    assert.equal(img.analysis.table.path(s.tree.cursorPath), '/root/example/somefile1.txt');
    assert.deepEqual(s.tree.filters.hidden, []);
  });
});

describe('waste by step reducer', () => {
  it('t toggles grouped and flat; space opens a pair; Enter on a path jumps to the layer that hid it', () => {
    let s: AppState = { ...initialState('image'), focus: 'waste' };
    assert.notEqual(s.wasteView?.grouped, false, 'grouped by default');
    [s] = command(s, 'toggleDir', ctxOf());
    assert.equal(s.wasteView?.expanded, 0);
    [s] = command(s, 'down', ctxOf());
    [s] = command(s, 'jump', ctxOf());
    assert.equal(s.focus, 'tree');
    // The first pair is the largest; its first path is its largest, shown at the hiding layer.
    const rows = treeRows(s, ctxOf())!;
    const hid = img.analysis.waste.filter((w) => w.path === s.tree.cursorPath).map((w) => w.hiddenBy);
    assert.ok(hid.includes(rows.index.snap.layer));
    [s] = command({ ...s, focus: 'waste' }, 'wasteGroup', ctxOf());
    assert.equal(s.wasteView?.grouped, false);
  });
});

describe('details', () => {
  it('the layer and the image config', () => {
    const text = detailLines(img, model.steps()[10], 60)
      .map((l) => l.text)
      .join('\n');
    assert.match(text, /RUN rm -rf \/root\/example\//);
    assert.match(text, /diff_id\s+sha256:bc2e36423fa3/);
    assert.match(text, /Cmd\s+\["sh"\]/);
    assert.match(text, /platform\s+linux\/amd64/);
    assert.match(text, /dive-test:latest/);
  });

  it('real newlines in a command start lines; a literal backslash-n stays as written', () => {
    const step = model.steps()[10];
    const edited = {
      ...img,
      history: img.history.map((h) =>
        h === step.history ? { ...h, createdBy: "/bin/sh -c printf 'a\\n' > f &&\n    echo \u001b[2J done" } : h,
      ),
    };
    const lines = detailLines(
      edited,
      { ...step, history: { ...step.history!, createdBy: "/bin/sh -c printf 'a\\n' > f &&\n    echo \u001b[2J done" } },
      80,
    ).map((l) => l.text);
    const i = lines.indexOf('Command');
    assert.equal(lines[i + 1], "  RUN printf 'a\\n' > f &&");
    assert.equal(lines[i + 2], '  echo \\e[2J done');
  });
});

describe('layer rows while an export streams', () => {
  it('reading with a percentage against the known size; parsed and next in line; waiting', () => {
    const a = new Analysis(img.analysis.table);
    for (let i = 0; i < 3; i++) a.addLayer(img.analysis.layers[i]);
    const none = { blobBytes: 0, tarBytes: 0, entries: 0, expectedBytes: null };
    const layers = img.layers.map((l, i) => {
      if (i < 3) return l;
      if (i === 3)
        return {
          ...l,
          merged: false,
          parsed: false,
          progress: { blobBytes: 4096, tarBytes: 4096, entries: 2, expectedBytes: 8192 },
        };
      if (i === 4) return { ...l, merged: false, parsed: true };
      return { ...l, merged: false, parsed: false, progress: none };
    });
    const partial: LoadedImage = { ...img, analysis: a, complete: false, layers };
    const steps = buildSteps(partial);
    const line = (layer: number) => stepLine(partial, steps.find((s) => s.kind === 'layer' && s.layer === layer)!, 100);
    assert.match(line(2), /^ {2}2 +0 B +\S{12} RUN mkdir/);
    // Bytes read are shown as progress; the size column waits for the merged layer's size.
    assert.match(line(3), /^ {2}3 +… .*⋯ reading 50% · 4\.1 kB read {2}RUN cp/);
    assert.match(line(4), /⋯ parsed, next in line {2}RUN chmod/);
    assert.match(line(5), /⋯ waiting {2}RUN cp/);
  });
});
