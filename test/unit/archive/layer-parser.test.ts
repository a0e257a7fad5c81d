/** One layer blob as it streams: compression by magic bytes, names, hashes, limits. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import tar from 'tar-stream';
import { parseLayer } from '../../../src/archive/layer-parser.js';
import { PathTable } from '../../../src/model/path-table.js';
import { ENTRY_TYPES } from '../../../src/model/layer-data.js';
import { displayName } from '../../../src/model/names.js';

async function makeTar(
  entries: {
    name: string;
    body?: string;
    type?: 'file' | 'directory' | 'symlink' | 'link';
    linkname?: string;
    mode?: number;
  }[],
): Promise<Buffer> {
  const pack = tar.pack();
  for (const e of entries)
    pack.entry(
      {
        name: e.name,
        type: e.type ?? 'file',
        linkname: e.linkname,
        mode: e.mode,
        size: e.body ? Buffer.byteLength(e.body) : 0,
      },
      e.body ?? '',
    );
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

async function parse(blob: Buffer, maxTarBytes?: number) {
  const table = new PathTable();
  const r = await parseLayer(Readable.from([blob]), { table, label: 'test layer', maxTarBytes });
  return { ...r, paths: Array.from(r.data.path, (p) => table.path(p)), table };
}

const ENTRIES = [
  { name: 'etc/', type: 'directory' as const, mode: 0o755 },
  { name: 'etc/conf', body: 'key=value\n', mode: 0o640 },
  { name: 'héllo wörld/日本語.txt', body: 'non-ASCII name\n' },
  { name: `${'long-'.repeat(30)}name.txt`, body: 'over 100 bytes' },
  { name: 'etc/link', type: 'symlink' as const, linkname: '../conf' },
  { name: 'etc/hard', type: 'link' as const, linkname: 'etc/conf' },
];

test('plain, gzip and zstd blobs give the same layer, the same diff_id, and their own blob digests', async () => {
  const plain = await makeTar(ENTRIES);
  const gz = gzipSync(plain);
  const zst = execFileSync('zstd', ['-q', '-c'], { input: plain });
  const a = await parse(plain);
  const b = await parse(gz);
  const c = await parse(zst);
  const diffId = `sha256:${createHash('sha256').update(plain).digest('hex')}`;
  for (const [r, kind, blob] of [
    [a, 'none', plain],
    [b, 'gzip', gz],
    [c, 'zstd', zst],
  ] as const) {
    assert.equal(r.compression, kind);
    assert.equal(r.data.diffId, diffId);
    assert.equal(r.blobDigest, `sha256:${createHash('sha256').update(blob).digest('hex')}`);
    assert.equal(r.blobBytes, blob.length);
    assert.deepEqual(r.paths, a.paths);
    assert.deepEqual(Buffer.from(r.data.hash), Buffer.from(a.data.hash));
  }
  // Names are bytes; their display form is the UTF-8 they hold.
  assert.deepEqual(a.paths.map(displayName), [
    '/etc',
    '/etc/conf',
    '/héllo wörld/日本語.txt',
    `/${'long-'.repeat(30)}name.txt`,
    '/etc/link',
    '/etc/hard',
  ]);
  assert.deepEqual(
    Array.from(a.data.type, (t) => ENTRY_TYPES[t]),
    ['dir', 'file', 'file', 'file', 'symlink', 'hardlink'],
  );
  assert.equal(a.data.mode[1], 0o640);
  assert.equal(a.data.links[a.data.link[4]], '../conf');
  assert.equal(a.data.links[a.data.link[5]], '/etc/conf');
  assert.equal(a.data.sizeBytes, 10 + 15 + 14);
});

test('the 32-byte empty gzip layer is an empty layer', async () => {
  // sha256:4f4fb700ef54461cfa02571ae0db9a0dc1e0cdb5577484a6d75e68dc38e8acc1: gzip of 1024 zero bytes.
  const known = gzipSync(Buffer.alloc(1024), { level: 9 });
  const r = await parse(known);
  assert.equal(r.data.count, 0);
  assert.equal(r.data.sizeBytes, 0);
  assert.equal(r.compression, 'gzip');
});

test('a layer that expands past the limit is refused with a clear error (decompression bombs)', async () => {
  const big = gzipSync(await makeTar([{ name: 'zeros', body: '\0'.repeat(4 << 20) }]));
  assert.ok(big.length < 64 * 1024);
  await assert.rejects(parse(big, 1 << 20), /test layer: layer expands past 1048576 bytes .*decompression bomb/);
});

test('corrupt streams are one clear error naming the layer', async () => {
  const gz = gzipSync(await makeTar(ENTRIES));
  const flipped = Buffer.from(gz);
  flipped[gz.length - 12] ^= 0xff;
  await assert.rejects(parse(flipped), /^Error: test layer: /);
  await assert.rejects(parse(gz.subarray(0, gz.length >> 1)), /test layer: corrupt or truncated gzip stream/);
  const zst = execFileSync('zstd', ['-q', '-c'], { input: await makeTar(ENTRIES) });
  await assert.rejects(parse(zst.subarray(0, zst.length - 9)), /test layer: /);
  await assert.rejects(
    parse(Buffer.from('this is not a tar archive at all'.repeat(40))),
    /test layer: not a valid tar layer/,
  );
});

test('GNU tar layers: long names and links (L/K records), base-256 owners, old-style directories', async () => {
  const { mkdtempSync, writeFileSync, mkdirSync, symlinkSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const path = await import('node:path');
  const dir = mkdtempSync(path.join(tmpdir(), 'strata-gnu-'));
  try {
    const long = `${'d'.repeat(120)}/${'f'.repeat(130)}.txt`;
    mkdirSync(path.join(dir, 'd'.repeat(120)));
    writeFileSync(path.join(dir, long), 'gnu long name\n');
    symlinkSync(long, path.join(dir, 'link-to-long'));
    const blob = execFileSync('tar', [
      '--format=gnu',
      '--owner=3000000',
      '--group=4000000',
      '--numeric-owner',
      '-C',
      dir,
      '-cf',
      '-',
      'd'.repeat(120),
      'link-to-long',
    ]);
    const r = await parse(blob);
    assert.deepEqual(r.paths, [`/${'d'.repeat(120)}`, `/${long}`, '/link-to-long']);
    assert.equal(r.data.uid[1], 3000000);
    assert.equal(r.data.gid[1], 4000000);
    assert.equal(r.data.size[1], 14);
    assert.equal(r.data.links[r.data.link[2]], long);
    // The same bytes through tar-stream-made pax headers give the same content digest.
    const pax = await makeTar([{ name: long, body: 'gnu long name\n' }]);
    assert.deepEqual(Buffer.from((await parse(pax)).data.hash), Buffer.from(r.data.hash.subarray(16, 32)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
