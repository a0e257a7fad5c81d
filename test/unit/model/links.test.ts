/**
 * Hard links as link groups (docs/semantics.md, "Hard links"): the merge on synthetic layers, then
 * layer tars written by GNU tar, checked against GNU tar's own extraction of the same layers.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { Analysis } from '../../../src/model/analysis.js';
import { PathTable } from '../../../src/model/path-table.js';
import { layerFiles } from '../../../src/model/file-rows.js';
import { wastedPaths } from '../../../src/model/waste.js';
import { snapshot } from '../../../src/model/tree.js';
import { TreeIndex } from '../../../src/model/tree-rows.js';
import { versionAt } from '../../../src/sources/read-back.js';
import { parseLayer } from '../../../src/archive/layer-parser.js';
import type { LoadedImage } from '../../../src/model/image.js';
import { gnuExtract as extractLayers } from '../../support/gnu-extract.js';
import { analyse, file, gone, link } from '../../support/layers.js';

/** The figures that must always hold together: waste adds up, the tree's root is the union. */
function consistent(a: Analysis): void {
  assert.equal(a.wastedBytes, a.layerBytes - a.unionBytes);
  assert.equal(
    wastedPaths(a).reduce((s, w) => s + w.bytes, 0),
    a.wastedBytes,
    'the wasted[] list sums to wastedBytes',
  );
  for (let k = 0; k < a.layerCount; k++) {
    const idx = new TreeIndex(a, snapshot(a, k, 'layer', 1));
    if (k === a.layerCount - 1) assert.equal(idx.size[0], a.unionBytes, "the tree's root total is unionBytes");
  }
}

const img = (a: Analysis) => ({ analysis: a, layers: new Array(a.layerCount) }) as unknown as LoadedImage;
const BLOB = 'b'.repeat(3000);

test('chmod of one name (a copy-up): the other names keep the old bytes, nothing is wasted', () => {
  const a = analyse([
    [file('data/blob', BLOB), link('data/blob.l1', 'data/blob'), link('data/blob.l2', '/data/blob')],
    [file('data/blob', BLOB, 0o600)],
  ]);
  assert.equal(a.layerBytes, 6000);
  assert.equal(a.unionBytes, 6000, 'two inodes: the rewritten blob and the group of l1, l2');
  assert.equal(a.wastedBytes, 0);
  assert.deepEqual(wastedPaths(a), []);
  assert.equal(a.unionFiles, 3, 'unionFiles counts names');
  consistent(a);
  const idx = new TreeIndex(a, snapshot(a, 1, 'layer', 1));
  const size = (x: TreeIndex, p: string) => x.size[a.table.lookup(p)];
  // The group {blob.l1, blob.l2} lost the name that shipped it: counted on the first other name.
  const names = ['/data/blob', '/data/blob.l1', '/data/blob.l2'];
  assert.deepEqual(
    [...names, '/data'].map((p) => size(idx, p)),
    [3000, 3000, 0, 6000],
  );
  // The layer-0 tree: one group of three names, counted once, on the name that shipped it.
  const zero = new TreeIndex(a, snapshot(a, 0, 'layer', 1));
  assert.deepEqual(
    [...names, '/'].map((p) => size(zero, p)),
    [3000, 0, 0, 3000],
  );
});

test('rm of one name wastes nothing; rm of the last name wastes the group, hidden by that layer', () => {
  const a = analyse([
    [file('data/blob', BLOB), link('data/l1', 'data/blob'), link('data/l2', 'data/blob')],
    [gone('data/blob')],
    [gone('data/l1')],
    [file('other', 'x'), gone('data/l2')],
  ]);
  assert.equal(a.unionBytes, 1);
  assert.equal(a.wastedBytes, 3000);
  assert.deepEqual(
    wastedPaths(a).map(({ pathId: _, ...w }) => w),
    [
      {
        path: '/data/blob',
        bytes: 3000,
        versions: [{ layer: 0, change: 'added', size: 3000 }],
        hiddenBy: { layer: 3, change: 'removed' },
      },
    ],
  );
  consistent(a);
  // Layer by layer: the group is in the union until its last name goes.
  const one = analyse([[file('data/blob', BLOB), link('data/l1', 'data/blob')], [gone('data/blob')]]);
  assert.equal(one.unionBytes, 3000);
});

test('echo > f rewrites one name: the link keeps the old bytes, the file view reads the old bytes', () => {
  const a = analyse([[file('d/f', BLOB), link('d/f.hl', 'd/f')], [file('d/f', '\n')]]);
  assert.equal(a.unionBytes, 3001);
  assert.equal(a.wastedBytes, 0);
  consistent(a);
  const v = versionAt(img(a), '/d/f.hl');
  assert.deepEqual(v, { name: '/d/f.hl', path: '/d/f', layer: 0, entry: 0, size: 3000, change: 'added' });
  assert.equal(versionAt(img(a), '/d/f').size, 1);
  assert.equal(versionAt(img(a), '/d/f.hl', 0).size, 3000);
  // Layer 1 lists only f: the link did not change (its own bytes are the old inode's).
  assert.deepEqual(
    layerFiles(a, 1).map((f) => `${f.change} ${f.path}`),
    ['modified /d/f'],
  );
});

test('the whole group rewritten (every name shipped again): the old bytes are wasted once', () => {
  const a = analyse([
    [file('d/f', BLOB), link('d/g', 'd/f'), link('d/h', 'd/f')],
    [file('d/f', BLOB, 0o600), link('d/g', 'd/f'), link('d/h', 'd/f')],
  ]);
  assert.equal(a.unionBytes, 3000);
  assert.equal(a.wastedBytes, 3000);
  const w = wastedPaths(a);
  assert.deepEqual(
    w.map(({ pathId: _, ...x }) => x),
    [
      {
        path: '/d/f',
        bytes: 3000,
        versions: [{ layer: 0, change: 'added', size: 3000 }],
        hiddenBy: { layer: 1, change: 'modified' },
      },
    ],
  );
  // g and h name the same target, but its content is a new file: unchanged (mode and bytes agree).
  const listed = layerFiles(a, 1).map((f) => `${f.change} ${f.path}`);
  assert.deepEqual(listed, ['modified /d/f', 'unchanged /d/g', 'unchanged /d/h']);
  consistent(a);
});

test('a re-shipped link whose target changed content is modified', () => {
  const a = analyse([
    [file('f', 'one'), link('l', 'f')],
    [file('f', 'two'), link('l', 'f')],
  ]);
  assert.deepEqual(
    layerFiles(a, 1).map((f) => `${f.change} ${f.path}`),
    ['modified /f', 'modified /l'],
  );
  assert.equal(versionAt(img(a), '/l').layer, 1);
  consistent(a);
});

test('links across layers and chains: a link joins the inode its target names at that point', () => {
  const a = analyse([
    [file('a', BLOB)],
    [link('b', 'a')],
    [link('c', 'b'), file('a', 'new a')],
    [gone('a'), gone('b')],
  ]);
  // c joined a's layer-0 inode through b; a was rewritten in the same layer, after that.
  assert.equal(versionAt(img(a), '/c').layer, 0);
  assert.equal(versionAt(img(a), '/c').path, '/a');
  assert.equal(a.unionBytes, 3000);
  assert.deepEqual(
    wastedPaths(a).map((w) => [w.path, w.bytes, w.hiddenBy.layer]),
    [['/a', 5, 3]],
  );
  consistent(a);
  // Linked in a later layer than the file, then every name removed.
  const b = analyse([[file('a', BLOB)], [link('b', 'a')], [gone('a')], [gone('b')]]);
  const wb = wastedPaths(b).map((w) => [w.path, w.bytes, w.versions[0].layer, w.hiddenBy.layer]);
  assert.deepEqual(wb, [['/a', 3000, 0, 3]]);
  consistent(b);
});

test('a link before its target in the tar joins the file below; the file then gets a new inode', () => {
  const a = analyse([[file('f', BLOB)], [link('l', 'f'), file('f', 'two')]]);
  assert.equal(versionAt(img(a), '/l').layer, 0);
  assert.equal(a.unionBytes, 3003);
  assert.equal(a.wastedBytes, 0);
  consistent(a);
});

test('links to nothing, to themselves, to directories and in circles: kept as empty names, with a warning', () => {
  const a = analyse([
    [
      { name: 'dir', type: 'dir' },
      link('nothing', 'no/such'),
      link('self', 'self'),
      link('todir', 'dir'),
      link('x', 'y'),
      link('y', 'x'),
      link('root', '/'),
    ],
    [link('later', 'nothing')],
  ]);
  assert.equal(a.unionBytes, 0);
  assert.equal(a.unionFiles, 7);
  const warned = (re: RegExp) =>
    assert.ok(
      a.warnings.some((w) => re.test(w)),
      a.warnings.join('\n'),
    );
  warned(/layer 0: 6 hard link\(s\) name a target that does not exist/);
  assert.ok(a.warnings.some((w) => /layer 1: 1 hard link/.test(w)));
  assert.throws(() => versionAt(img(a), '/nothing'), /hard link whose target did not exist/);
  consistent(a);
});

test('a link under a directory that its own layer replaced with a file has no target', () => {
  const deep = Array.from({ length: 50 }, (_, i) => `s${i}`).join('/');
  const a = analyse([
    [file(`d/${deep}/f`, BLOB), file('e/f', 'kept')],
    [file('d', 'now a file'), ...Array.from({ length: 20 }, (_, i) => link(`l${i}`, `d/${deep}/f`)), link('m', 'e/f')],
  ]);
  assert.ok(
    a.warnings.some((w) => /layer 1: 20 hard link\(s\) name a target that does not exist/.test(w)),
    a.warnings.join('\n'),
  );
  assert.equal(versionAt(img(a), '/m').size, 4);
  assert.equal(a.unionBytes, 10 + 4);
  consistent(a);
});

test('a whiteout of the same layer hides the lower name, not the file a link of that layer names', () => {
  // Whiteouts act on the layers below wherever they stand in the tar, so the order of the two
  // entries does not matter: the link joins the lower file, and the file stays while it shows it.
  for (const layer of [
    [gone('f'), link('l', 'f')],
    [link('l', 'f'), gone('f')],
  ]) {
    const a = analyse([[file('f', BLOB)], layer]);
    assert.equal(a.unionBytes, BLOB.length);
    assert.deepEqual(wastedPaths(a), []);
    consistent(a);
  }
});

// ---------------------------------------------------------------------------------------------
// Layer tars written by GNU tar, against GNU tar's extraction of the same layers.

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-links-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));

function sh(cmd: string, cwd: string): string {
  return execFileSync('sh', ['-c', cmd], { cwd, encoding: 'utf8' });
}

/**
 * Each step runs a shell script in a fresh directory (only the layer's own files) and becomes a
 * layer tar written by GNU tar in `format`; `drop` names members removed from the tar afterwards
 * (`tar --delete`), which leaves a hard link to a name of a lower layer.
 */
function gnuLayers(format: string, steps: { script: string; drop?: string[] }[]): Buffer[] {
  return steps.map((s, i) => {
    const dir = fs.mkdtempSync(path.join(tmp, `layer${i}-`));
    sh(s.script, dir);
    const out = path.join(tmp, `${path.basename(dir)}.tar`);
    sh(`tar --format=${format} --sort=name --numeric-owner -cf ${out} .`, dir);
    for (const d of s.drop ?? []) sh(`tar --delete -f ${out} ./${d}`, dir);
    return fs.readFileSync(out);
  });
}

const gnuExtract = (layers: Buffer[]) => extractLayers(layers, tmp);

async function analyseTars(layers: Buffer[]): Promise<Analysis> {
  const table = new PathTable();
  const a = new Analysis(table);
  for (const [i, blob] of layers.entries()) {
    const r = await parseLayer(Readable.from([blob]), { table, label: `layer ${i}` });
    a.addLayer(r.data);
  }
  return a;
}

const blobDir = fs.mkdtempSync(path.join(tmp, 'blob-'));
sh('head -c 3000000 /dev/urandom > blob', blobDir);
const BLOB_FILE = path.join(blobDir, 'blob');

for (const format of ['gnu', 'posix', 'ustar']) {
  test(`GNU tar --format=${format}: link groups through chmod, rm, echo >, cross-layer links`, async () => {
    const layers = gnuLayers(format, [
      {
        script: `mkdir data d && cp ${BLOB_FILE} data/blob && \
          ln data/blob data/blob.l1 && ln data/blob data/blob.l2 && \
          printf 'old content\\n' > d/f && ln d/f d/f.hl && ln d/f d/f.hl2`,
      },
      // chmod 600 data/blob in a container: overlay copies that one name up, with the same bytes.
      { script: `mkdir data && cp ${BLOB_FILE} data/blob && chmod 600 data/blob` },
      // echo > d/f: a new file under that name; rm data/blob.l1; a whiteout of nothing.
      { script: 'mkdir d data && echo > d/f && touch .wh.never-existed data/.wh.blob.l1' },
      // A new name for d/f.hl's inode, from a layer that does not ship d/f.hl (GNU tar links to the
      // file below): the tar holds only the link.
      { script: 'mkdir d && echo x > d/f.hl && ln d/f.hl d/zz-again', drop: ['d/f.hl'] },
    ]);
    const a = await analyseTars(layers);
    const ref = gnuExtract(layers);
    assert.equal(ref.bytes, 6000000 + 12 + 1);
    assert.equal(a.unionBytes, ref.bytes, 'unionBytes is what GNU tar extracts, each inode once');
    assert.equal(a.unionFiles, ref.nonDirs, 'unionFiles: the non-directory names');
    assert.equal(a.wastedBytes, 0);
    consistent(a);
    // The old d/f content stays through f.hl, f.hl2 and the new link d/zz-again.
    assert.equal(fs.readFileSync(path.join(ref.root, 'd/zz-again'), 'utf8'), 'old content\n');
    const v = versionAt(img(a), '/d/zz-again');
    assert.deepEqual([v.path, v.layer, v.size], ['/d/f', 0, 12]);
    assert.equal(versionAt(img(a), '/d/f.hl').size, 12);
    assert.equal(versionAt(img(a), '/d/f').size, 1);
    assert.equal(versionAt(img(a), '/data/blob.l2').layer, 0);
    assert.equal(versionAt(img(a), '/data/blob').layer, 1);
  });
}

test('GNU tar: chmod copy-up of a 3 MB file with two links, then rm of every name', async () => {
  const layers = gnuLayers('gnu', [
    { script: `mkdir data && cp ${BLOB_FILE} data/blob && ln data/blob data/blob.l1 && ln data/blob data/blob.l2` },
    { script: `mkdir data && cp ${BLOB_FILE} data/blob && chmod 600 data/blob` },
  ]);
  const a = await analyseTars(layers);
  const ref = gnuExtract(layers);
  assert.equal(ref.bytes, 6000000);
  assert.equal(a.unionBytes, ref.bytes);
  assert.equal(a.wastedBytes, 0);
  consistent(a);
  // Then every old name goes: the layer-0 bytes are wasted, hidden by the layer that removed the last.
  const rm = (name: string) => ({ script: `mkdir data && touch data/.wh.${name}` });
  const rms = gnuLayers('gnu', [rm('blob.l1'), rm('blob.l2')]);
  const more = [...layers, ...rms];
  const b = await analyseTars(more);
  const refMore = gnuExtract(more);
  assert.equal(b.unionBytes, refMore.bytes);
  assert.equal(b.unionFiles, refMore.nonDirs);
  assert.deepEqual(
    wastedPaths(b).map(({ pathId: _, ...w }) => w),
    [
      {
        path: '/data/blob',
        bytes: 3000000,
        versions: [{ layer: 0, change: 'added', size: 3000000 }],
        hiddenBy: { layer: 3, change: 'removed' },
      },
    ],
  );
  consistent(b);
});
