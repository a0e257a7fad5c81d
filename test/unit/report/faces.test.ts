/**
 * The faces' side of "names are bytes" (docs/semantics.md, "Names"): JSON path entries, the
 * terminal-safe JSON text, wrapping that never splits an escape, and the text summary, CI verdict
 * and TUI rows of an analysis whose names are byte strings.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { escapeText, nameFromText } from '../../../src/model/names.js';
import { jsonFileRow, jsonPath, jsonText } from '../../../src/report/json.js';
import { cutPoint, wrap } from '../../../src/ui/present/text.js';
import { createHash } from 'node:crypto';
import { Analysis } from '../../../src/model/analysis.js';
import { LayerBuilder } from '../../../src/model/layer-data.js';
import { PathTable } from '../../../src/model/path-table.js';
import { TreeIndex, flatten, searchMatches } from '../../../src/model/tree-rows.js';
import { snapshot } from '../../../src/model/tree.js';
import { newLayerInfo, configView, type LoadedImage } from '../../../src/model/image.js';
import { textReport } from '../../../src/report/text.js';
import { reportText } from '../../../src/report/json.js';
import { buildReport } from '../../../src/report/image-report.js';
import { evaluateCi, formatCi, loadCiConfig } from '../../../src/report/ci.js';
import { treeRowText } from '../../../src/ui/panes/FileTree.js';
import { INITIAL_TREE } from '../../../src/ui/state/tree.js';

const bytes = (...b: number[]) => Buffer.from(b).toString('latin1');

test('JSON paths: the display form, and pathBase64 exactly when the display form does not give the bytes back', () => {
  assert.deepEqual(jsonPath('/etc/passwd'), { path: '/etc/passwd' });
  assert.deepEqual(jsonPath(nameFromText('/café/日本')), { path: '/café/日本' });
  const latin = `/caf${bytes(0xe9)}`;
  assert.deepEqual(jsonPath(latin), { path: '/caf\\xe9', pathBase64: Buffer.from(latin, 'latin1').toString('base64') });
  const bidi = nameFromText('/invoice\u202efdp.exe');
  assert.deepEqual(jsonPath(bidi), {
    path: '/invoice\\u202efdp.exe',
    pathBase64: Buffer.from('/invoice\u202efdp.exe').toString('base64'),
  });
  // A backslash would make `\xNN` ambiguous: a name spelled `caf\xe9` with a real backslash.
  assert.deepEqual(jsonPath('/caf\\xe9'), {
    path: '/caf\\xe9',
    pathBase64: Buffer.from('/caf\\xe9').toString('base64'),
  });
});

test('JSON file rows: keys in the spec order, pathBase64 after path, linkTargetBase64 after linkTarget', () => {
  const row = jsonFileRow({
    path: `/l${bytes(0xff)}`,
    change: 'added',
    type: 'symlink',
    size: 0,
    mode: 0o777,
    uid: 0,
    gid: 0,
    linkTarget: `t${bytes(0xfe)}`,
  });
  assert.deepEqual(Object.keys(row), [
    'path',
    'pathBase64',
    'change',
    'type',
    'size',
    'mode',
    'uid',
    'gid',
    'linkTarget',
    'linkTargetBase64',
  ]);
  assert.equal(row.linkTarget, 't\\xfe');
  assert.equal(Buffer.from(row.linkTargetBase64 as string, 'base64')[1], 0xfe);
  const plain = jsonFileRow({ path: '/a', change: 'removed', type: 'file', size: 1, mode: 0o644, uid: 1, gid: 2 });
  assert.deepEqual(Object.keys(plain), ['path', 'change', 'type', 'size', 'mode', 'uid', 'gid']);
});

test('JSON text: C1, bidi and zero-width characters as \\u escapes, the values unchanged', () => {
  const value = { s: 'a\u009b[2Jb\u202ec\u200bd\u001b' };
  const text = jsonText(value);
  // eslint-disable-next-line no-control-regex
  assert.doesNotMatch(text, /[\u0000-\u001f\u007f-\u009f\u200b\u202e]/);
  assert.deepEqual(JSON.parse(text), value);
});

test('wrapping escaped text never splits an escape; a cut falls before it', () => {
  const s = escapeText('sha256:abcdef\r\u001b]8;;http://x\u0007click\u202e');
  // Widths of at least the longest escape (`\uNNNN`, 6 characters); a narrower line must cut one.
  for (const w of [6, 7, 8, 9, 10, 11, 13, 17]) {
    const lines = wrap(s, w);
    assert.equal(lines.join(''), s, `width ${w}: nothing lost`);
    for (const l of lines) {
      assert.ok(l.length <= w, `width ${w}: ${l}`);
      // A line never ends inside an escape (a lone backslash, `\x0`, `\u20` ...).
      assert.doesNotMatch(l, /\\(x[0-9a-f]?|u[0-9a-f]{0,3})?$/, `width ${w}: ${JSON.stringify(lines)}`);
    }
  }
  assert.equal(cutPoint('abc\\x07', 5), 3);
  assert.equal(cutPoint('abcd\\e', 5), 4);
  assert.equal(cutPoint('abcdef', 5), 5);
});

// ---------------------------------------------------------------------------------------------
// An analysis whose names are byte strings, as the layer reader hands them over, on every face.

const UTF8 = nameFromText('héllo wörld');
const LATIN = `caf${bytes(0xe9)}`;
const BIDI = nameFromText('invoice\u202efdp.exe');

function byteImage(): LoadedImage {
  const table = new PathTable();
  const a = new Analysis(table);
  const layer = (i: number, files: [string, string][]) => {
    const b = new LayerBuilder(table, `layer ${i}`);
    for (const [name, content] of files) {
      b.add({
        name,
        type: 'file',
        mode: 0o644,
        uid: 0,
        gid: 0,
        size: content.length,
        linkname: null,
        hash: createHash('md5').update(content).digest(),
      });
    }
    return b.finish(`sha256:${String(i).padStart(64, '0')}`, 0);
  };
  a.addLayer(
    layer(0, [
      [`${UTF8}/a.txt`, 'aaaa'],
      [LATIN, 'latin'],
      [BIDI, 'pdf'],
      ['plain.txt', 'p'],
    ]),
  );
  a.addLayer(
    layer(1, [
      [LATIN, 'rewritten'],
      [BIDI, 'again'],
    ]),
  );
  return {
    source: { kind: 'archive', ref: 'test.tar' },
    origin: { kind: 'none' },
    meta: {
      id: 'sha256:1',
      repoTags: ['t:1'],
      repoDigests: [],
      os: 'linux',
      architecture: 'amd64',
      created: '',
      config: configView(null),
    },
    layers: [0, 1].map((i) => ({ ...newLayerInfo(i, `sha256:${String(i).padStart(64, '0')}`), merged: true })),
    history: [],
    analysis: a,
    baseLayers: 1,
    warnings: [],
    complete: true,
    reference: null,
  };
}

test('byte-string names: the text summary and the CI gate show display forms; --ignore matches them', () => {
  const img = byteImage();
  const text = textReport(img);
  assert.ok(text.includes('/caf\\xe9'), text);
  assert.ok(text.includes('/invoice\\u202efdp.exe'), text);
  // eslint-disable-next-line no-control-regex
  assert.doesNotMatch(text, /[\u0000-\u0009\u000b-\u001f\u007f-\u00a0\u202e]/, 'no raw byte or control');
  const strict = loadCiConfig(undefined, {
    highestStrataWastedBytes: '0',
    lowestEfficiency: 'disabled',
    highestUserWastedPercent: 'disabled',
  });
  assert.equal(evaluateCi(img, strict).passed, false);
  const ignoring = loadCiConfig(
    undefined,
    { highestStrataWastedBytes: '0', lowestEfficiency: 'disabled', highestUserWastedPercent: 'disabled' },
    ['/caf\\xe9', '/invoice*'],
  );
  const res = evaluateCi(img, ignoring);
  assert.equal(res.passed, true, formatCi(res, ignoring));
});

test('byte-string names: JSON paths in display form, pathBase64 only where needed, exact bytes back', () => {
  const img = byteImage();
  const rep = JSON.parse([...reportText(img, buildReport(img, { files: true }))].join(''));
  const files = rep.layers[0].files as { path: string; pathBase64?: string }[];
  const by = (p: string) => files.find((f) => f.path === p);
  assert.equal(by('/héllo wörld/a.txt')?.pathBase64, undefined, 'valid UTF-8 is its own display form');
  assert.equal(Buffer.from(by('/caf\\xe9')!.pathBase64!, 'base64').toString('latin1'), `/${LATIN}`);
  assert.equal(
    Buffer.from(by('/invoice\\u202efdp.exe')!.pathBase64!, 'base64').toString('utf8'),
    '/invoice\u202efdp.exe',
  );
  assert.deepEqual(rep.wasted.map((w: { path: string }) => w.path).sort(), ['/caf\\xe9', '/invoice\\u202efdp.exe']);
  assert.ok(rep.wasted.every((w: { pathBase64?: string }) => w.pathBase64));
});

test('byte-string names: tree rows show display forms; search matches what is shown (\\xe9, é)', () => {
  const img = byteImage();
  const idx = new TreeIndex(img.analysis, snapshot(img.analysis, 0, 'layer', 1));
  const rows = flatten(idx, idx.visibility({ hidden: [], path: '', minSize: 0 }), 'name', {
    expandDepth: Infinity,
    toggled: new Set(),
  });
  const names = Array.from(rows.ids, (p) => treeRowText(rows, INITIAL_TREE, p, 80, false).name);
  assert.ok(names.includes('héllo wörld/'), JSON.stringify(names));
  assert.ok(names.includes('caf\\xe9'));
  assert.ok(names.includes('invoice\\u202efdp.exe'));
  const order = rows.ids; // every directory is open: the rows are the order a search walks
  const found = (q: string) =>
    searchMatches(idx, order, q).map((i) => treeRowText(rows, INITIAL_TREE, order[i], 80, false).name);
  assert.deepEqual(found('\\xe9'), ['caf\\xe9']);
  assert.deepEqual(found('HÉLLO'), ['héllo wörld/'], 'case-insensitive on the display form');
  assert.deepEqual(found('\\u202e'), ['invoice\\u202efdp.exe']);
  // The path filter keeps a match and its directories.
  const vis = idx.visibility({ hidden: [], path: 'wörld/a', minSize: 0 });
  assert.equal(vis[img.analysis.table.lookup(nameFromText('/héllo wörld/a.txt'))], 1);
  assert.equal(vis[img.analysis.table.lookup(LATIN)], 0);
});
