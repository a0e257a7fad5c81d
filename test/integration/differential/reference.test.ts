/**
 * The differential test's reference (reference.py) checked on small hand-made images, against the
 * spec's rules worked out by hand: link groups, whiteouts, opaque directories, type changes, names
 * as bytes across dialects, header names cut at a slash, sparse files. Expected figures are derived
 * from the inputs written here, never from Strata.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { ROOT } from '../../support/paths.js';
import {
  PYTHON,
  packageCase,
  writeLayer,
  type Entry,
  type LayerInfo,
  type WriterId,
} from '../../support/differential/generate.js';

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-ref-test-'));
after(() => fs.rmSync(scratch, { recursive: true, force: true }));

interface Row {
  path: string;
  change: string;
  type: string;
  size: number;
  mode: number;
  link?: string;
}
interface Ref {
  layers: { sizeBytes: number; rows: Row[] }[];
  layerBytes: number;
  unionBytes: number;
  unionFiles: number;
  wastedBytes: number;
  notes: string[];
}

let n = 0;
function reference(
  layers: { writer: WriterId; entries: Entry[] }[],
  packaging: 'docker-archive' | 'oci-archive' = 'docker-archive',
): Ref {
  const dir = fs.mkdtempSync(path.join(scratch, `c${n++}-`));
  const infos: LayerInfo[] = layers.map((l, i) => {
    const tar = path.join(dir, `l${i}.tar`);
    const why = writeLayer(l.writer, l.entries, tar, dir);
    assert.equal(why, null, `writer ${l.writer}: ${why}`);
    return { writer: l.writer, compression: i % 2 ? 'gzip' : 'zstd', tar };
  });
  const archive = path.join(dir, 'image.tar');
  packageCase({ seed: 0, packaging, layers: infos, skips: [] }, dir, archive);
  const r = spawnSync(PYTHON, [path.join(ROOT, 'test', 'support', 'differential', 'reference.py'), archive]);
  assert.equal(r.status, 0, r.stderr.toString());
  const ref = JSON.parse(r.stdout.toString()) as Ref;
  for (const l of ref.layers)
    for (const row of l.rows) {
      row.path = Buffer.from(row.path, 'base64').toString('latin1');
      if (row.link !== undefined) row.link = Buffer.from(row.link, 'base64').toString('latin1');
    }
  return ref;
}

const file = (name: string, data: string, mode = 0o644): Entry => ({
  name,
  type: 'file',
  mode,
  uid: 0,
  gid: 0,
  size: data.length,
  chunks: [[0, Buffer.from(data)]],
});
const dir = (name: string, mode = 0o755): Entry => ({ name, type: 'dir', mode, uid: 0, gid: 0 });
const hardlink = (name: string, target: string): Entry => ({
  name,
  type: 'hardlink',
  mode: 0o644,
  uid: 0,
  gid: 0,
  link: target,
});
const rows = (ref: Ref, i: number) => Object.fromEntries(ref.layers[i].rows.map((r) => [r.path, r.change]));

describe('differential reference: the spec worked by hand', () => {
  const A = 'ten bytes!';
  const B = 'twenty bytes, really';

  it('a rewritten link member keeps the old bytes visible through the other name', () => {
    const ref = reference([
      { writer: 'gnu-gnu', entries: [dir('d'), file('d/f', A), hardlink('d/g', 'd/f')] },
      { writer: 'py-pax', entries: [dir('d'), file('d/f', A, 0o600)] },
    ]);
    assert.deepEqual(rows(ref, 1), { '/d/f': 'modified' });
    assert.equal(ref.layerBytes, 2 * A.length);
    assert.equal(ref.unionBytes, 2 * A.length, 'two inodes now: d/f (new) and d/g (old)');
    assert.equal(ref.wastedBytes, 0);
    const g = ref.layers[0].rows.find((r) => r.path === '/d/g')!;
    assert.deepEqual([g.type, g.size, g.link], ['hardlink', 0, '/d/f']);
  });

  it('a whiteout of one name of a link group wastes nothing while another name is visible', () => {
    const ref = reference([
      { writer: 'py-gnu', entries: [dir('d'), file('d/f', B), hardlink('d/g', 'd/f')] },
      { writer: 'bsd-repack-pax', entries: [dir('d'), file('d/.wh.f', '')] },
    ]);
    assert.deepEqual(rows(ref, 1), { '/d/f': 'removed' });
    assert.equal(ref.unionBytes, B.length);
    assert.equal(ref.wastedBytes, 0);
    assert.equal(ref.unionFiles, 1);
  });

  it('a hard link to a lower file joins its group: counted once', () => {
    const ref = reference([
      { writer: 'gnu-posix', entries: [file('f', B)] },
      { writer: 'py-ustar', entries: [hardlink('h', 'f')] },
    ]);
    assert.deepEqual(rows(ref, 1), { '/h': 'added' });
    assert.equal(ref.layerBytes, B.length);
    assert.equal(ref.unionBytes, B.length);
    assert.equal(ref.unionFiles, 2);
  });

  it('opaque directories hide every lower descendant; a re-written child is unchanged', () => {
    const ref = reference([
      { writer: 'gnu-oldgnu', entries: [dir('d'), dir('d/sub'), file('d/sub/x', A), file('d/a', A), file('d/b', B)] },
      { writer: 'py-pax', entries: [dir('d'), file('d/a', A), file('d/.wh..wh..opq', '')] },
    ]);
    assert.deepEqual(rows(ref, 1), {
      '/d/a': 'unchanged',
      '/d/b': 'removed',
      '/d/sub': 'removed',
      '/d/sub/x': 'removed',
    });
    assert.equal(ref.unionBytes, A.length);
    assert.equal(ref.wastedBytes, A.length * 2 + B.length);
  });

  it('type changes: a file over a directory hides its subtree; a directory over a file', () => {
    const ref = reference([
      { writer: 'bsd-gnutar', entries: [dir('d'), file('d/x', A), file('f', B)] },
      { writer: 'gnu-ustar', entries: [file('d', B), dir('f')] },
    ]);
    assert.deepEqual(rows(ref, 1), { '/d': 'modified', '/d/x': 'removed', '/f': 'modified' });
    const d = ref.layers[1].rows.find((r) => r.path === '/d')!;
    assert.deepEqual([d.type, d.size], ['file', B.length]);
    assert.equal(ref.unionBytes, B.length);
  });

  it('names are bytes in every dialect: a ustar name is whited out by a pax name with the same bytes', () => {
    const ref = reference(
      [
        {
          writer: 'gnu-ustar',
          entries: [file('caf\xe9', A), file('caf\xc3\xa9', B), file('\xff', A), file('\xc3\xbf', B)],
        },
        { writer: 'py-pax', entries: [file('.wh.caf\xe9', ''), file('\xc3\x83\xc2\xa9', A)] },
      ],
      'oci-archive',
    );
    assert.deepEqual(rows(ref, 0), {
      '/caf\xe9': 'added',
      '/caf\xc3\xa9': 'added',
      '/\xff': 'added',
      '/\xc3\xbf': 'added',
    });
    assert.deepEqual(rows(ref, 1), { '/caf\xe9': 'removed', '/\xc3\x83\xc2\xa9': 'added' });
    assert.equal(ref.unionFiles, 4);
  });

  it('a header name cut at 100 bytes ending in "/" is still the file the long name says', () => {
    // "./" + 97 bytes of directories puts a slash at byte index 99 of the name GNU tar stores.
    const d = `${'d'.repeat(40)}/${'e'.repeat(56)}`;
    const long = `${d}/the-file`;
    for (const writer of ['gnu-gnu', 'gnu-posix', 'py-gnu', 'py-pax', 'bsd-gnutar'] as const) {
      const ref = reference([
        {
          writer,
          entries: [dir(d.split('/')[0]), dir(d), file(long, writer === 'py-gnu' || writer === 'py-pax' ? '' : A)],
        },
      ]);
      const row = ref.layers[0].rows.find((r) => r.path === `/${long}`);
      assert.ok(row, `${writer}: the long name is listed`);
      assert.equal(row.type, 'file', writer);
    }
  });

  it('sparse files are read at their real name and size, holes as zeros', () => {
    const big: Entry = {
      name: 'sparse.bin',
      type: 'file',
      mode: 0o644,
      uid: 0,
      gid: 0,
      size: 300_000,
      chunks: [
        [0, Buffer.from('head')],
        [200_000, Buffer.from('middle')],
      ],
    };
    const plain: Entry = { ...big, name: 'plain.bin' };
    for (const writer of [
      'gnu-gnu-sparse',
      'gnu-oldgnu-sparse',
      'gnu-posix-sparse-0.0',
      'gnu-posix-sparse-0.1',
      'gnu-posix-sparse-1.0',
      'bsd-pax-sparse',
    ] as const) {
      const ref = reference([
        { writer, entries: [big] },
        { writer: 'py-pax', entries: [plain, { ...big }] },
      ]);
      assert.deepEqual(rows(ref, 0), { '/sparse.bin': 'added' }, writer);
      assert.equal(ref.layers[0].sizeBytes, big.size, writer);
      // The same logical bytes written without holes: an unchanged rewrite.
      assert.deepEqual(rows(ref, 1), { '/plain.bin': 'added', '/sparse.bin': 'unchanged' }, writer);
    }
  });

  it('duplicate entries: the last one wins, both count in the layer size', () => {
    const ref = reference([{ writer: 'py-gnu', entries: [file('f', A), file('f', B)] }]);
    assert.equal(ref.layers[0].sizeBytes, A.length + B.length);
    assert.equal(ref.layers[0].rows[0].size, B.length);
    assert.equal(ref.unionBytes, B.length);
    assert.equal(ref.wastedBytes, A.length);
  });
});
