/**
 * strata-test/changes:1 (test/fixtures/engine/changes/Dockerfile), analysed through the Engine:
 * every change kind of docs/semantics.md, "Layer changes", asserted exactly and by path, plus the totals and
 * the wasted[] list of section 3.
 *
 * Every expected value below was derived from the spec and checked by hand against the layer tars
 * of `docker save strata-test/changes:1` (`tar tvf <v1id>/layer.tar`, Docker 20.10, overlay2 with
 * native diff). Layer tars as read (dirs/links/whiteouts size 0):
 *
 *   L0 COPY busybox   bin/ · bin/busybox 1982256 (0755)
 *   L1 --install -s   bin/ · 268 symlinks bin/<applet> -> /bin/busybox
 *   L2 RUN setup      data/ + 7 dirs, 17 files (211 B), link -> mod.txt, longlink -> long-...,
 *                     hl2 hard link to data/hl1
 *   L3 RUN changes    data/ · chmod.txt 9 (0600) · d2f 18 · .wh.del.txt · .wh.deldir · f2d/ · f2d/.wh..wh..opq ·
 *                     f2d/inner.txt 17 · grow.txt 15 · link -> chmod.txt · mod.txt 6 · opq/ · opq/.wh..wh..opq ·
 *                     opq/keep.txt 5 · opq/new.txt 11 · own.txt 15 (1000:1000) · touch.txt 10
 *   L4 RUN ln         data/ · data/hl1 12 · data/hl3 hard link to data/hl1
 *   L5 COPY dup.txt   dup.txt 22
 *   L6 COPY dup.txt   (byte-identical to L5: same diff_id; `docker save` stores it as a tar symlink)
 *
 * Sizes: L2 = 9+9+23+4+8+33+13+5+12+15+20+6+11+5+13+15+10 = 211; L3 = 9+18+17+15+6+5+11+15+10 = 106.
 * layerBytes = 1982256+0+211+106+12+22+22 = 1982629; unionBytes = 1982256 + 198 (/data) + 22 = 1982476;
 * wastedBytes = 153 (the sum of the wasted[] list below). Layer 4's copy-up gives data/hl1 a new inode
 * (joined by hl3), while hl2 keeps the layer-2 inode: both are in the final filesystem, as in the
 * container (`docker export` holds hl1/hl3 and hl2 as two files), so neither copy is wasted.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { before, describe, it } from 'node:test';
import { readDockerSave, readTar } from '../../../scripts/fixtures/oci-shapes.js';
import {
  BUSYBOX,
  buildFixture,
  engineGate,
  runStrata,
  saveFixture,
  storageDriver,
  strataJson,
  type BuiltImage,
} from '../../support/engine.js';

const D = '/data';
const LONG = `long-${'x'.repeat(137)}.txt`; // 146 bytes: needs a PAX path header
const LONGDIR = `${D}/dir-with-a-fairly-long-name-0123456789-0123456789-0123456789`;
const LONGFILE = `${LONGDIR}/file-with-a-fairly-long-name-0123456789-0123456789.txt`; // 119 bytes: ustar prefix + name
const UNI_DIR = `${D}/h\u00e9llo w\u00f6rld`; // "héllo wörld" (NFC, as the shell wrote it)
const UNI_FILE = `${UNI_DIR}/\u65e5\u672c\u8a9e.txt`; // "日本語.txt"

type Change = 'added' | 'modified' | 'removed' | 'unchanged';
type Kind = 'file' | 'dir' | 'symlink' | 'hardlink';
interface Exp {
  change: Change;
  type: Kind;
  size: number;
  mode: number;
  uid?: number;
  gid?: number;
  linkTarget?: string;
}

const file = (change: Change, size: number, mode = 0o644, extra: Partial<Exp> = {}): Exp => ({
  change,
  type: 'file',
  size,
  mode,
  ...extra,
});
const dir = (change: Change, mode = 0o755): Exp => ({ change, type: 'dir', size: 0, mode });
const symlink = (change: Change, linkTarget: string): Exp => ({
  change,
  type: 'symlink',
  size: 0,
  mode: 0o777,
  linkTarget,
});
const hardlink = (change: Change, linkTarget: string): Exp => ({
  change,
  type: 'hardlink',
  size: 0,
  mode: 0o644,
  linkTarget,
});

/** Layer 2: everything is new (nothing below has /data). */
const LAYER2: Record<string, Exp> = {
  [D]: dir('added'),
  [`${D}/d2f`]: dir('added'),
  [`${D}/deldir`]: dir('added'),
  [`${D}/deldir/sub`]: dir('added'),
  [LONGDIR]: dir('added'),
  [UNI_DIR]: dir('added'),
  [`${D}/opq`]: dir('added'),
  [`${D}/opq/sub`]: dir('added'),
  [`${D}/chmod.txt`]: file('added', 9),
  [`${D}/d2f/c.txt`]: file('added', 9),
  [`${D}/del.txt`]: file('added', 23),
  [`${D}/deldir/a.txt`]: file('added', 4),
  [`${D}/deldir/sub/b.txt`]: file('added', 8),
  [LONGFILE]: file('added', 33),
  [`${D}/f2d`]: file('added', 13),
  [`${D}/grow.txt`]: file('added', 5),
  [`${D}/hl1`]: file('added', 12),
  [UNI_FILE]: file('added', 15),
  [`${D}/${LONG}`]: file('added', 20),
  [`${D}/mod.txt`]: file('added', 6),
  [`${D}/opq/gone.txt`]: file('added', 11),
  [`${D}/opq/keep.txt`]: file('added', 5),
  [`${D}/opq/sub/x.txt`]: file('added', 13),
  [`${D}/own.txt`]: file('added', 15),
  [`${D}/touch.txt`]: file('added', 10),
  [`${D}/link`]: symlink('added', 'mod.txt'),
  [`${D}/longlink`]: symlink('added', LONG),
  // A hard link carries size 0; its bytes are counted once, on data/hl1. Its target is an image path,
  // shown absolute like every other path (docs/semantics.md, "Names").
  [`${D}/hl2`]: hardlink('added', `${D}/hl1`),
};

/**
 * Layer 3. /data and /data/opq are in the tar but their metadata is unchanged (only mtime differs,
 * which is never compared): directories are never listed as "unchanged", so they are absent.
 * Removed entries show the lower entry that disappears (its type, size, mode).
 */
const LAYER3: Record<string, Exp> = {
  // content changed, same size
  [`${D}/mod.txt`]: file('modified', 6),
  // content and size changed
  [`${D}/grow.txt`]: file('modified', 15),
  // chmod only (overlay copies the whole file up)
  [`${D}/chmod.txt`]: file('modified', 9, 0o600),
  // chown only
  [`${D}/own.txt`]: file('modified', 15, 0o644, { uid: 1000, gid: 1000 }),
  // touch only: same type, mode, owner, size and content -> unchanged (its lower copy is dead weight)
  [`${D}/touch.txt`]: file('unchanged', 10),
  // a file deleted (.wh.del.txt)
  [`${D}/del.txt`]: file('removed', 23),
  // a directory deleted (.wh.deldir): every path of the subtree counts, directories too
  [`${D}/deldir`]: dir('removed'),
  [`${D}/deldir/a.txt`]: file('removed', 4),
  [`${D}/deldir/sub`]: dir('removed'),
  [`${D}/deldir/sub/b.txt`]: file('removed', 8),
  // opaque directory (rm -rf opq && mkdir opq, keep.txt re-created identical, new.txt new)
  [`${D}/opq/keep.txt`]: file('unchanged', 5),
  [`${D}/opq/new.txt`]: file('added', 11),
  [`${D}/opq/gone.txt`]: file('removed', 11),
  [`${D}/opq/sub`]: dir('removed'),
  [`${D}/opq/sub/x.txt`]: file('removed', 13),
  // file -> directory (overlay also marks the new directory opaque; it hides nothing below)
  [`${D}/f2d`]: dir('modified'),
  [`${D}/f2d/inner.txt`]: file('added', 17),
  // directory -> file: the file hides the lower directory's subtree
  [`${D}/d2f`]: file('modified', 18),
  [`${D}/d2f/c.txt`]: file('removed', 9),
  // symlink re-pointed
  [`${D}/link`]: symlink('modified', 'chmod.txt'),
};

/** Layer 4: `ln /data/hl1 /data/hl3`: overlay copies hl1 up unchanged, hl3 is a hard link to it. */
const LAYER4: Record<string, Exp> = {
  [`${D}/hl1`]: file('unchanged', 12),
  [`${D}/hl3`]: hardlink('added', `${D}/hl1`),
};

const LAYER5: Record<string, Exp> = { '/dup.txt': file('added', 22) };
const LAYER6: Record<string, Exp> = { '/dup.txt': file('unchanged', 22) };

interface Counts {
  added: [number, number];
  modified: [number, number];
  removed: [number, number];
}
const busyboxSize = statSync(BUSYBOX).size; // 1982256 for Debian 12's busybox-static 1.35.0
// `busybox --install -s /bin` links every applet except busybox itself (already there).
const applets = execFileSync(BUSYBOX, ['--list'], { encoding: 'utf8' })
  .split('\n')
  .filter((a) => a && a !== 'busybox');

const SIZES = [busyboxSize, 0, 211, 106, 12, 22, 22];
/** [count, bytes]: counts include directories; bytes are regular-file bytes (added/modified: the
 *  new version in this layer; removed: the lower version that disappears). */
const COUNTS: Counts[] = [
  { added: [2, busyboxSize], modified: [0, 0], removed: [0, 0] },
  { added: [applets.length, 0], modified: [0, 0], removed: [0, 0] },
  { added: [28, 211], modified: [0, 0], removed: [0, 0] },
  // modified: mod 6 + grow 15 + chmod 9 + own 15 + f2d 0 + d2f 18 + link 0 = 63 (7 paths)
  // added: inner 17 + new 11 = 28; removed: del 23 + a 4 + b 8 + gone 11 + x 13 + c 9 = 68 (9 paths)
  { added: [2, 28], modified: [7, 63], removed: [9, 68] },
  { added: [1, 0], modified: [0, 0], removed: [0, 0] },
  { added: [1, 22], modified: [0, 0], removed: [0, 0] },
  { added: [0, 0], modified: [0, 0], removed: [0, 0] },
];

const LAYER_BYTES = busyboxSize + 0 + 211 + 106 + 12 + 22 + 22;
// /data in the end: chmod 9, d2f 18, LONGFILE 33, f2d/inner 17, grow 15, hl1 12 (and hl3),
// hl2 12 (the layer-2 inode), UNI_FILE 15,
// LONG 20, mod 6, opq/keep 5, opq/new 11, own 15, touch 10 = 198; plus /dup.txt 22.
const UNION_BYTES = busyboxSize + 198 + 22;
// Non-directory entries at the end: /bin/busybox, its applet symlinks, these 17 under /data
// (hl1 and its hard link hl3, hl2, two symlinks, 12 other files), and /dup.txt: 287.
const UNION_DATA_NONDIRS = [
  'chmod.txt',
  'd2f',
  LONGFILE,
  'f2d/inner.txt',
  'grow.txt',
  'hl1',
  'hl2',
  'hl3',
  UNI_FILE,
  LONG,
  'link',
  'longlink',
  'mod.txt',
  'opq/keep.txt',
  'opq/new.txt',
  'own.txt',
  'touch.txt',
];
const UNION_FILES = 1 + applets.length + UNION_DATA_NONDIRS.length + 1;

/** wasted[]: every lower version the final filesystem does not show, with who shipped and who hid it. */
const WASTED: {
  path: string;
  bytes: number;
  versions: { layer: number; change: Change; size: number }[];
  hiddenBy: { layer: number; change: Change };
}[] = [
  {
    path: '/dup.txt',
    bytes: 22,
    versions: [{ layer: 5, change: 'added', size: 22 }],
    hiddenBy: { layer: 6, change: 'unchanged' },
  },
  {
    path: `${D}/del.txt`,
    bytes: 23,
    versions: [{ layer: 2, change: 'added', size: 23 }],
    hiddenBy: { layer: 3, change: 'removed' },
  },
  {
    path: `${D}/own.txt`,
    bytes: 15,
    versions: [{ layer: 2, change: 'added', size: 15 }],
    hiddenBy: { layer: 3, change: 'modified' },
  },
  {
    path: `${D}/opq/sub/x.txt`,
    bytes: 13,
    versions: [{ layer: 2, change: 'added', size: 13 }],
    hiddenBy: { layer: 3, change: 'removed' },
  },
  {
    path: `${D}/f2d`,
    bytes: 13,
    versions: [{ layer: 2, change: 'added', size: 13 }],
    hiddenBy: { layer: 3, change: 'modified' },
  },
  {
    path: `${D}/opq/gone.txt`,
    bytes: 11,
    versions: [{ layer: 2, change: 'added', size: 11 }],
    hiddenBy: { layer: 3, change: 'removed' },
  },
  {
    path: `${D}/touch.txt`,
    bytes: 10,
    versions: [{ layer: 2, change: 'added', size: 10 }],
    hiddenBy: { layer: 3, change: 'unchanged' },
  },
  {
    path: `${D}/chmod.txt`,
    bytes: 9,
    versions: [{ layer: 2, change: 'added', size: 9 }],
    hiddenBy: { layer: 3, change: 'modified' },
  },
  {
    path: `${D}/d2f/c.txt`,
    bytes: 9,
    versions: [{ layer: 2, change: 'added', size: 9 }],
    hiddenBy: { layer: 3, change: 'removed' },
  },
  {
    path: `${D}/deldir/sub/b.txt`,
    bytes: 8,
    versions: [{ layer: 2, change: 'added', size: 8 }],
    hiddenBy: { layer: 3, change: 'removed' },
  },
  {
    path: `${D}/mod.txt`,
    bytes: 6,
    versions: [{ layer: 2, change: 'added', size: 6 }],
    hiddenBy: { layer: 3, change: 'modified' },
  },
  {
    path: `${D}/grow.txt`,
    bytes: 5,
    versions: [{ layer: 2, change: 'added', size: 5 }],
    hiddenBy: { layer: 3, change: 'modified' },
  },
  {
    path: `${D}/opq/keep.txt`,
    bytes: 5,
    versions: [{ layer: 2, change: 'added', size: 5 }],
    hiddenBy: { layer: 3, change: 'unchanged' },
  },
  {
    path: `${D}/deldir/a.txt`,
    bytes: 4,
    versions: [{ layer: 2, change: 'added', size: 4 }],
    hiddenBy: { layer: 3, change: 'removed' },
  },
];

/** History: 12 steps; the empty ones (ENV, LABEL, a RUN that changed nothing, EXPOSE, CMD) map to no layer. */
const HISTORY_LAYER_INDEX = [0, 1, 2, null, null, 3, 4, null, null, 5, 6, null];

function byPath(files: any[]): Map<string, any> {
  const m = new Map<string, any>();
  for (const f of files) {
    assert.ok(!m.has(f.path), `path listed twice: ${f.path}`);
    m.set(f.path, f);
  }
  return m;
}

/** The listed fields of one `files` entry, for comparison with an Exp. */
function pick(f: any): Exp {
  const out: Exp = { change: f.change, type: f.type, size: f.size, mode: f.mode, uid: f.uid, gid: f.gid };
  if (f.linkTarget !== undefined && f.linkTarget !== null) out.linkTarget = f.linkTarget;
  return out;
}

function assertLayerFiles(layer: any, expected: Record<string, Exp>): void {
  assert.ok(Array.isArray(layer.files), `layer ${layer.index} has no files list (--files was given)`);
  const got = byPath(layer.files);
  assert.deepEqual(
    [...got.keys()].sort(),
    Object.keys(expected).sort(),
    `layer ${layer.index}: the set of listed paths`,
  );
  for (const [path, exp] of Object.entries(expected)) {
    const want: Exp = { uid: 0, gid: 0, ...exp };
    assert.deepEqual(pick(got.get(path)), want, `layer ${layer.index} ${path}`);
  }
}

const gate = engineGate();

describe('engine: strata-test/changes:1, every change kind', { skip: gate.skip }, () => {
  let img: BuiltImage;
  let report: any;

  before(async () => {
    gate.before();
    img = buildFixture('changes');
    report = await strataJson([img.tag, '--json', '--files', '--no-cache']);
  });

  it('fixture premise: the saved layer tars carry the whiteouts, opaque markers and the repeated layer', async () => {
    const savePath = saveFixture('changes');
    const saved = await readDockerSave(savePath);
    assert.equal(saved.layers.length, 7);
    assert.deepEqual(saved.diffIds, img.diffIds);
    assert.equal(saved.diffIds[5], saved.diffIds[6], 'layers 5 and 6 are byte-identical');
    const outer = await readTar(savePath);
    const manifest = JSON.parse(outer.files.get('manifest.json')!.toString('utf8'));
    assert.ok(outer.symlinks.has(manifest[0].Layers[6]), 'docker save stores the repeated layer as a tar symlink');
    const l3 = await entriesOf(saved.layers[3]);
    const { driver, nativeDiff } = storageDriver();
    for (const marker of ['data/opq/.wh..wh..opq', 'data/f2d/.wh..wh..opq']) {
      assert.ok(
        l3.includes(marker),
        `${marker} missing from layer 3: the Engine's storage driver is ${driver} ` +
          `(native overlay diff: ${nativeDiff}); ` +
          'only overlay2 with native diff writes opaque markers, other drivers write one whiteout per lower child',
      );
    }
    assert.ok(l3.includes('data/.wh.del.txt') && l3.includes('data/.wh.deldir'));
  });

  it('JSON keys in the order of schema/report.schema.json', () => {
    assert.deepEqual(Object.keys(report), [
      'schemaVersion',
      'source',
      'image',
      'layers',
      'history',
      'summary',
      'wasted',
      'advice',
      'warnings',
    ]);
    assert.deepEqual(Object.keys(report.image), [
      'id',
      'repoTags',
      'repoDigests',
      'os',
      'architecture',
      'created',
      'config',
    ]);
    assert.deepEqual(Object.keys(report.image.config), [
      'Env',
      'Cmd',
      'Entrypoint',
      'WorkingDir',
      'User',
      'ExposedPorts',
      'Volumes',
      'Labels',
    ]);
    for (const l of report.layers) {
      assert.deepEqual(Object.keys(l), [
        'index',
        'diffId',
        'blobDigest',
        'mediaType',
        'compressedBytes',
        'command',
        'created',
        'sizeBytes',
        'added',
        'modified',
        'removed',
        'files',
      ]);
      for (const f of l.files) {
        const keys = ['path', 'change', 'type', 'size', 'mode', 'uid', 'gid'];
        if ('linkTarget' in f) keys.push('linkTarget');
        assert.deepEqual(Object.keys(f), keys, f.path);
      }
    }
    for (const h of report.history)
      assert.deepEqual(
        Object.keys(h).filter((k) => k !== 'comment'),
        ['created', 'createdBy', 'emptyLayer', 'layerIndex'],
      );
    assert.deepEqual(Object.keys(report.summary), [
      'layerBytes',
      'unionBytes',
      'unionFiles',
      'wastedBytes',
      'efficiency',
      'baseLayers',
      'userWastedBytes',
      'recoverableBytes',
      'dive',
    ]);
    assert.deepEqual(Object.keys(report.summary.dive), [
      'efficiency',
      'wastedBytes',
      'userSizeBytes',
      'userWastedPercent',
      'inefficientFiles',
    ]);
    for (const w of report.wasted) assert.deepEqual(Object.keys(w), ['path', 'bytes', 'versions', 'hiddenBy']);
  });

  it('image, source and history', () => {
    assert.equal(report.schemaVersion, 1);
    assert.equal(report.source.kind, 'engine');
    assert.equal(report.image.id, img.id);
    assert.deepEqual(report.image.repoTags, ['strata-test/changes:1']);
    assert.deepEqual(report.image.repoDigests, []);
    assert.equal(report.image.os, 'linux');
    assert.equal(report.image.architecture, img.inspect.Architecture);
    assert.equal(report.image.created, img.inspect.Created);
    const c = report.image.config;
    assert.deepEqual(c.Env, [
      'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
      'STRATA_FIXTURE=changes',
    ]);
    assert.deepEqual(c.Cmd, ['/bin/sh']);
    assert.deepEqual(c.Labels, { 'org.example.strata.fixture': 'changes' });
    assert.deepEqual(c.ExposedPorts, { '8080/tcp': {} });

    assert.equal(report.history.length, 12);
    assert.deepEqual(
      report.history.map((h: any) => h.layerIndex),
      HISTORY_LAYER_INDEX,
    );
    assert.deepEqual(
      report.history.map((h: any) => h.emptyLayer),
      HISTORY_LAYER_INDEX.map((i) => i === null),
    );
    assert.equal(report.history[1].createdBy, '/bin/busybox --install -s /bin');
    assert.match(report.history[3].createdBy, /ENV STRATA_FIXTURE=changes/);
    assert.match(report.history[11].createdBy, /CMD \["\/bin\/sh"\]/);
    assert.deepEqual(report.warnings, []);
  });

  it('layers: diff_ids, commands, sizeBytes and added/modified/removed counts', () => {
    assert.equal(report.layers.length, 7);
    report.layers.forEach((l: any, i: number) => {
      assert.equal(l.index, i);
      assert.equal(l.diffId, img.diffIds[i], `layer ${i} diffId`);
      assert.equal(l.sizeBytes, SIZES[i], `layer ${i} sizeBytes`);
      const want = COUNTS[i];
      assert.deepEqual(
        { added: l.added, modified: l.modified, removed: l.removed },
        {
          added: { count: want.added[0], bytes: want.added[1] },
          modified: { count: want.modified[0], bytes: want.modified[1] },
          removed: { count: want.removed[0], bytes: want.removed[1] },
        },
        `layer ${i} counts`,
      );
      const hist = report.history.find((h: any) => h.layerIndex === i);
      assert.equal(l.command, hist.createdBy, `layer ${i} command is its history step`);
    });
    assert.equal(report.layers[1].command, '/bin/busybox --install -s /bin');
    assert.match(report.layers[3].command, /printf 'HELLO\\n' > mod\.txt/);
    assert.equal(report.layers[4].command, '/bin/sh -c ln /data/hl1 /data/hl3');
    assert.match(report.layers[5].command, /COPY file:[0-9a-f]+ in \/dup\.txt/);
  });

  it('layer 0 (COPY busybox): /bin and /bin/busybox added', () => {
    const files = byPath(report.layers[0].files);
    assert.deepEqual([...files.keys()].sort(), ['/bin', '/bin/busybox']);
    assert.deepEqual(pick(files.get('/bin')), { change: 'added', type: 'dir', size: 0, mode: 0o755, uid: 0, gid: 0 });
    assert.deepEqual(pick(files.get('/bin/busybox')), {
      change: 'added',
      type: 'file',
      size: busyboxSize,
      mode: 0o755,
      uid: 0,
      gid: 0,
    });
  });

  it('layer 1 (busybox --install -s): one added symlink per applet, /bin itself not listed', () => {
    const files = byPath(report.layers[1].files);
    assert.deepEqual([...files.keys()].sort(), applets.map((a) => `/bin/${a}`).sort());
    for (const f of files.values()) {
      assert.deepEqual(
        pick(f),
        { change: 'added', type: 'symlink', size: 0, mode: 0o777, uid: 0, gid: 0, linkTarget: '/bin/busybox' },
        f.path,
      );
    }
    assert.ok(files.has('/bin/sh') && files.has('/bin/[['));
  });

  it('layer 2 (setup): long, non-ASCII, symlink and hard-link entries, all added', () => {
    assertLayerFiles(report.layers[2], LAYER2);
  });

  it('layer 3: modified (content, size, mode, owner, type, link); unchanged (touch); removed (file, dir, opq)', () => {
    assertLayerFiles(report.layers[3], LAYER3);
  });

  it('layer 4: a hard link to a lower file', () => {
    assertLayerFiles(report.layers[4], LAYER4);
  });

  it('layers 5 and 6: the same layer twice (keyed by position, not by digest)', () => {
    assertLayerFiles(report.layers[5], LAYER5);
    assertLayerFiles(report.layers[6], LAYER6);
    assert.equal(report.layers[5].diffId, report.layers[6].diffId);
  });

  it('summary: layerBytes, unionBytes, unionFiles, wastedBytes, efficiency, base layers', () => {
    const s = report.summary;
    assert.equal(s.layerBytes, LAYER_BYTES);
    assert.equal(s.unionBytes, UNION_BYTES);
    assert.equal(s.wastedBytes, 153);
    assert.equal(s.wastedBytes, LAYER_BYTES - UNION_BYTES);
    assert.equal(s.unionFiles, UNION_FILES);
    assert.equal(s.efficiency, UNION_BYTES / LAYER_BYTES);
    // FROM scratch, no base annotations: 1 base layer by default; nothing in layer 0 is wasted.
    assert.equal(s.baseLayers, 1);
    assert.equal(s.userWastedBytes, 153);
  });

  it("summary.dive: dive's formulas over the leaf entries of each layer", () => {
    // Leaves seen in >= 2 layers (dive skips .wh..wh.* entries; /data, /bin, opq and f2d always have
    // children, so they are never leaves): Cumulative = the sum over the layers, Min = the smallest.
    //   /dup.txt 22+22, own 15+15, hl1 12+12, del.txt 23 + its file whiteout 0, touch 10+10,
    //   grow 5+15, chmod 9+9, mod 6+6, opq/keep 5+5, link 0+0
    // dive wastedBytes = 44+30+24+23+20+20+18+12+10+0 = 201.
    // Sum Cumulative = layerBytes + the directory whiteout .wh.deldir sized as its lower subtree (4+8)
    //   = 1982641; Sum Min = 1982641 - (22+15+12+23+10+15+9+6+5+0) = 1982524.
    const d = report.summary.dive;
    assert.equal(d.wastedBytes, 201);
    assert.equal(d.efficiency, 1982524 / 1982641);
    assert.equal(d.userSizeBytes, LAYER_BYTES - busyboxSize);
    assert.equal(d.userWastedPercent, 201 / (LAYER_BYTES - busyboxSize));
    const inefficient: any[] = d.inefficientFiles;
    for (let i = 1; i < inefficient.length; i++)
      assert.ok(inefficient[i - 1].bytes >= inefficient[i].bytes, 'sorted by bytes');
    assert.deepEqual(
      [...inefficient].sort((a, b) => a.path.localeCompare(b.path)),
      [
        { path: '/data/chmod.txt', count: 2, bytes: 18 },
        { path: '/data/del.txt', count: 2, bytes: 23 },
        { path: '/data/grow.txt', count: 2, bytes: 20 },
        { path: '/data/hl1', count: 2, bytes: 24 },
        { path: '/data/link', count: 2, bytes: 0 },
        { path: '/data/mod.txt', count: 2, bytes: 12 },
        { path: '/data/opq/keep.txt', count: 2, bytes: 10 },
        { path: '/data/own.txt', count: 2, bytes: 30 },
        { path: '/data/touch.txt', count: 2, bytes: 20 },
        { path: '/dup.txt', count: 2, bytes: 44 },
      ],
    );
  });

  it('--base-layers N: userWastedBytes counts only waste shipped or caused above the base', async () => {
    // Base = layers 0..3: the layer-2 versions hidden by layer 3 are base waste; /dup.txt (shipped
    // by 5, hidden by 6) is user waste: 22 (the layer-2 /data/hl1 is still there as hl2).
    const four = await strataJson([img.tag, '--json', '--no-cache', '--base-layers', '4']);
    assert.equal(four.summary.baseLayers, 4);
    assert.equal(four.summary.userWastedBytes, 22);
    assert.equal(four.summary.wastedBytes, 153);
    // Base = layers 0..4: only /dup.txt.
    const five = await strataJson([img.tag, '--json', '--no-cache', '--base-layers', '5']);
    assert.equal(five.summary.userWastedBytes, 22);
    // Base = layers 0..2: every wasted byte is hidden by layer 3 or above.
    const three = await strataJson([img.tag, '--json', '--no-cache', '--base-layers', '3']);
    assert.equal(three.summary.userWastedBytes, 153);
    // dive's userSizeBytes stays "layerBytes minus layer 0" whatever the base.
    assert.equal(four.summary.dive.userSizeBytes, LAYER_BYTES - busyboxSize);
  });

  it('wasted[]: per path, with the layer that shipped each version and the layer that hid it', () => {
    const w: any[] = report.wasted;
    for (let i = 1; i < w.length; i++)
      assert.ok(w[i - 1].bytes >= w[i].bytes, `wasted[] sorted by bytes, largest first (at ${i})`);
    const got = byPath(w);
    const want = byPath(WASTED);
    assert.deepEqual([...got.keys()].sort(), [...want.keys()].sort(), 'the set of wasted paths');
    for (const [path, exp] of want) assert.deepEqual(got.get(path), exp, path);
    assert.equal(
      w.reduce((n, e) => n + e.bytes, 0),
      report.summary.wastedBytes,
    );
  });

  it('without --files: the same report with no files lists', async () => {
    const plain = await strataJson([img.tag, '--json', '--no-cache']);
    for (const l of plain.layers) assert.equal('files' in l, false, `layer ${l.index} has files without --files`);
    const stripped = structuredClone(report);
    for (const l of stripped.layers) delete l.files;
    assert.deepEqual(plain, stripped);
  });

  it('the image by full and short id is the same Engine source', async () => {
    for (const ref of [img.id, img.id.slice('sha256:'.length, 'sha256:'.length + 12)]) {
      const byId = await strataJson([ref, '--json', '--no-cache']);
      assert.equal(byId.source.kind, 'engine');
      assert.equal(byId.image.id, img.id, ref);
      assert.deepEqual(byId.summary, report.summary, ref);
    }
  });

  it("--platform linux/amd64 (the image's own platform) gives the same report", async () => {
    const withPlatform = await strataJson([
      img.tag,
      '--platform',
      `linux/${img.inspect.Architecture}`,
      '--json',
      '--files',
      '--no-cache',
    ]);
    assert.deepEqual(withPlatform, report);
  });

  it('docker://IMAGE is the same Engine source', async () => {
    const r = await runStrata([`docker://${img.tag}`, '--json', '--no-cache']);
    assert.equal(r.code, 0, r.stderr);
    const viaScheme = JSON.parse(r.stdout);
    assert.equal(viaScheme.source.kind, 'engine');
    assert.deepEqual(viaScheme.summary, report.summary);
    assert.equal(viaScheme.image.id, report.image.id);
  });
});

async function entriesOf(layerTar: Buffer): Promise<string[]> {
  const { default: tar } = await import('tar-stream');
  const { Readable } = await import('node:stream');
  const names: string[] = [];
  const extract = tar.extract();
  Readable.from([layerTar]).pipe(extract);
  for await (const e of extract) {
    names.push(e.header.name.replace(/^\.\//, '').replace(/\/$/, ''));
    e.resume();
  }
  return names;
}
