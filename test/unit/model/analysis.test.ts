/**
 * The pure merge (docs/semantics.md, "Layer changes" and "Sizes and waste") on synthetic layers:
 * every change kind, whiteouts, opaque directories, type changes, hard links, implied parents,
 * duplicates, deep paths.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Analysis } from '../../../src/model/analysis.js';
import { CHANGE_KINDS } from '../../../src/model/changes.js';
import { LayerFormatError } from '../../../src/model/layer-data.js';
import { PathTable, normalisePath } from '../../../src/model/path-table.js';
import { layerFiles } from '../../../src/model/file-rows.js';
import { wastedPaths, userWastedBytes } from '../../../src/model/waste.js';
import { snapshot, C_NONE } from '../../../src/model/tree.js';
import { analyse, buildLayer, dir, file } from '../../support/layers.js';

const changes = (a: Analysis, i: number) => layerFiles(a, i).map((f) => `${f.change} ${f.path}`);

test('added, modified (content, chmod, chown), unchanged (touch), removed', () => {
  const a = analyse([
    [
      dir('etc'),
      file('etc/a', 'one'),
      file('etc/b', 'bee'),
      file('etc/c', 'sea'),
      file('etc/d', 'dee'),
      file('etc/e', 'eee'),
    ],
    [
      dir('etc'),
      file('etc/a', 'two'),
      file('etc/b', 'bee', 0o600),
      file('etc/c', 'sea'),
      file('etc/d', 'dee', 0o644, { uid: 1000 }),
      { name: 'etc/.wh.e' },
    ],
  ]);
  assert.deepEqual(changes(a, 1), [
    'modified /etc/a',
    'modified /etc/b',
    'unchanged /etc/c',
    'modified /etc/d',
    'removed /etc/e',
  ]);
  assert.equal(a.layerTotals[1].modified.count, 3);
  assert.deepEqual(a.layerTotals[1].removed, { count: 1, bytes: 3 });
  // Waste: every lower copy that the top no longer shows.
  assert.equal(a.layerBytes, 15 + 12);
  assert.equal(a.unionBytes, 12);
  assert.equal(a.wastedBytes, 15);
  const w = wastedPaths(a);
  assert.equal(
    w.reduce((s, x) => s + x.bytes, 0),
    a.wastedBytes,
  );
  assert.deepEqual(
    w.find((x) => x.path === '/etc/c'),
    {
      path: '/etc/c',
      bytes: 3,
      versions: [{ layer: 0, change: 'added', size: 3 }],
      hiddenBy: { layer: 1, change: 'unchanged' },
      pathId: a.table.lookup('/etc/c'),
    },
  );
  assert.equal(w.find((x) => x.path === '/etc/e')!.hiddenBy.change, 'removed');
  assert.equal(userWastedBytes(a, 1), 15);
  assert.equal(userWastedBytes(a, 2), 0);
});

test('directories are never "unchanged", but a chmod of one is modified', () => {
  const a = analyse([[dir('d'), file('d/x', 'x')], [dir('d')], [dir('d', 0o700)]]);
  assert.deepEqual(changes(a, 1), []);
  assert.deepEqual(changes(a, 2), ['modified /d']);
});

test('whiteout of a directory removes its whole subtree, directories counted', () => {
  const a = analyse([[dir('a'), dir('a/b'), file('a/b/f', '12345'), file('a/g', '1')], [{ name: '.wh.a' }]]);
  assert.deepEqual(changes(a, 1), ['removed /a', 'removed /a/b', 'removed /a/b/f', 'removed /a/g']);
  assert.deepEqual(a.layerTotals[1].removed, { count: 4, bytes: 6 });
  assert.equal(a.unionFiles, 0);
});

test("opaque directory hides every lower descendant wherever the marker stands, not its own layer's entries", () => {
  const a = analyse([
    [dir('d'), file('d/old', 'old'), dir('d/sub'), file('d/sub/x', 'x'), file('d/keep', 'same')],
    // the marker comes last in the tar: it still applies first
    [dir('d'), file('d/keep', 'same'), file('d/new', 'new'), { name: 'd/.wh..wh..opq' }],
  ]);
  assert.deepEqual(changes(a, 1), [
    'unchanged /d/keep',
    'added /d/new',
    'removed /d/old',
    'removed /d/sub',
    'removed /d/sub/x',
  ]);
  const snap = snapshot(a, 1, 'layer', 1);
  assert.equal(snap.change[a.table.lookup('/d/old')], 2);
  assert.equal(snap.change[a.table.lookup('/d')], C_NONE);
  assert.equal(a.unionFiles, 2);
});

test('whiteouts never hide entries of their own layer', () => {
  const a = analyse([[file('f', 'lower')], [file('f', 'upper'), { name: '.wh.f' }]]);
  assert.deepEqual(changes(a, 1), ['modified /f']);
  assert.equal(a.unionBytes, 5);
});

test('file -> directory and directory -> file are type changes; a file over a directory hides its subtree', () => {
  const a = analyse([
    [file('x', 'file'), dir('y'), file('y/inner', 'abc'), dir('y/deep'), file('y/deep/z', 'z')],
    [dir('x'), file('x/child', 'c'), file('y', 'now a file')],
  ]);
  assert.deepEqual(changes(a, 1), [
    'modified /x',
    'added /x/child',
    'modified /y',
    'removed /y/deep',
    'removed /y/deep/z',
    'removed /y/inner',
  ]);
  const files = layerFiles(a, 1);
  assert.equal(files.find((f) => f.path === '/x')!.type, 'dir');
  assert.equal(files.find((f) => f.path === '/y')!.type, 'file');
  assert.equal(a.wastedBytes, 4 + 3 + 1);
});

test('a re-pointed symlink is modified; the same target is unchanged', () => {
  const a = analyse([
    [
      { name: 'l', type: 'symlink', linkname: '/a', mode: 0o777 },
      { name: 'm', type: 'symlink', linkname: 'b', mode: 0o777 },
    ],
    [
      { name: 'l', type: 'symlink', linkname: '/b', mode: 0o777 },
      { name: 'm', type: 'symlink', linkname: 'b', mode: 0o777 },
    ],
  ]);
  assert.deepEqual(changes(a, 1), ['modified /l', 'unchanged /m']);
  assert.equal(layerFiles(a, 1)[0].linkTarget, '/b');
});

test('hard links carry no bytes; their target is named', () => {
  const a = analyse([[file('bin/tool', '0123456789'), { name: 'bin/alias', type: 'hardlink', linkname: 'bin/tool' }]]);
  assert.equal(a.layerBytes, 10);
  assert.equal(a.unionBytes, 10);
  assert.equal(a.unionFiles, 2);
  const alias = layerFiles(a, 0).find((f) => f.path === '/bin/alias')!;
  assert.equal(alias.type, 'hardlink');
  assert.equal(alias.linkTarget, '/bin/tool');
  assert.equal(alias.size, 0);
});

test('duplicate entries: the last wins, the first copy is waste, with a warning', () => {
  const a = analyse([[file('f', 'first!'), file('f', 'second')]]);
  assert.equal(a.layerBytes, 12);
  assert.equal(a.unionBytes, 6);
  assert.equal(a.wastedBytes, 6);
  assert.equal(wastedPaths(a)[0].bytes, 6);
  assert.match(a.warnings.join('\n'), /1 duplicate entries/);
});

test('missing parent directories are implied (and warned about)', () => {
  const a = analyse([[file('usr/lib/x', 'x')]]);
  assert.deepEqual(changes(a, 0), ['added /usr', 'added /usr/lib', 'added /usr/lib/x']);
  assert.match(a.warnings.join('\n'), /2 parent directories missing/);
});

test('a whiteout of a path that does not exist is a warning; a bare .wh. is an error', () => {
  const a = analyse([[file('f', 'x')], [{ name: '.wh.ghost' }]]);
  assert.deepEqual(changes(a, 1), []);
  assert.match(a.warnings.join('\n'), /1 whiteout\(s\) name paths that do not exist/);
  assert.throws(() => buildLayer(new PathTable(), 0, [{ name: 'dir/.wh.' }]), LayerFormatError);
});

test('.wh..wh.plnk metadata is skipped; names are normalised and confined to the root', () => {
  const a = analyse([
    [
      { name: './a/./b/', type: 'dir' },
      { name: '.wh..wh.plnk', type: 'file' },
      file('/abs/file', 'x'),
      file('../../up', 'y'),
    ],
  ]);
  assert.deepEqual(changes(a, 0), ['added /a', 'added /a/b', 'added /abs', 'added /abs/file', 'added /up']);
  assert.match(a.warnings.join('\n'), /2 entry names were absolute or climbed above the root/);
  assert.deepEqual(normalisePath('a/../../b'), { path: 'b', escaped: true });
});

test('5 000-deep paths: no recursion anywhere', () => {
  const deep = Array.from({ length: 5000 }, (_, i) => `d${i}`).join('/');
  const a = analyse([[file(`${deep}/leaf`, 'x')], [{ name: '.wh.d0' }]]);
  assert.equal(a.layerTotals[0].added.count, 5001);
  assert.equal(a.layerTotals[1].removed.count, 5001);
  assert.equal(a.table.path(a.table.lookup(`/${deep}/leaf`)).length, deep.length + 6);
  assert.equal(snapshot(a, 1, 'layer', 1).shown, 5001);
});

test('aggregated view colours changes since the base', () => {
  const a = analyse([
    [file('base', 'b'), file('gone', 'g')],
    [file('new', 'n')],
    [file('base', 'B'), { name: '.wh.gone' }],
  ]);
  const s = snapshot(a, 2, 'aggregated', 1);
  const kind = (p: string) => CHANGE_KINDS[s.change[a.table.lookup(p)]] ?? 'none';
  assert.equal(kind('/new'), 'added');
  assert.equal(kind('/base'), 'modified');
  assert.equal(kind('/gone'), 'removed');
});
