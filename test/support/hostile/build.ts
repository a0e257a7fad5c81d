/**
 * Generators for hostile image archives: nothing here is checked in as a binary; the
 * tests (test/integration/robustness, test/e2e/hostile-tui) and the long fuzz run
 * (bench/fuzz-long.ts) build what they need.
 *
 * Layers are written with tar-stream's packer (independent of the product's readers), or, for
 * the huge ones, with a minimal header writer that streams straight to disk.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { once } from 'node:events';
import { gzipSync, createGzip } from 'node:zlib';
import tar, { type Header } from 'tar-stream';

export interface Entry {
  name: string;
  type?: 'file' | 'directory' | 'symlink' | 'link' | 'character-device' | 'fifo';
  /** Content of a regular file (string as UTF-8). */
  data?: Buffer | string;
  linkname?: string;
  mode?: number;
  uid?: number;
  gid?: number;
}

/** One layer tar from entries, in order, with tar-stream's packer (pax headers for long names). */
export async function layerTar(entries: Entry[]): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  // tar-stream's streamx typings give chunks no type; the packer emits Buffers.
  pack.on('data', (c: unknown) => chunks.push(c as Buffer));
  const done = once(pack, 'end');
  for (const e of entries) {
    const type = e.type ?? 'file';
    const data = e.data === undefined ? Buffer.alloc(0) : Buffer.isBuffer(e.data) ? e.data : Buffer.from(e.data);
    const header: Partial<Header> & Pick<Header, 'name'> = {
      name: e.name,
      type,
      mode: e.mode ?? (type === 'directory' ? 0o755 : 0o644),
      uid: e.uid ?? 0,
      gid: e.gid ?? 0,
      mtime: new Date(0),
      size: type === 'file' ? data.length : 0,
      linkname: e.linkname,
    };
    await new Promise<void>((resolve, reject) => {
      const settle = (err?: Error | null) => (err ? reject(err) : resolve());
      if (type === 'file') pack.entry(header, data, settle);
      else pack.entry(header, settle);
    });
  }
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

export function sha256(b: Buffer | string): string {
  return `sha256:${createHash('sha256').update(b).digest('hex')}`;
}
const hex = (d: string) => d.slice('sha256:'.length);

export interface HistoryEntry {
  created?: string;
  created_by?: string;
  empty_layer?: boolean;
  comment?: string;
}

export interface ImageSpec {
  /** Uncompressed layer tars, base first. */
  layers: Buffer[];
  /** `oci`: pure OCI archive (index.json -> manifest -> blobs); `docker`: skopeo-style docker-archive. */
  shape?: 'oci' | 'docker';
  /** Compress the layer blobs (OCI shape only). */
  compress?: 'gzip' | 'none';
  /** Override layer blobs as stored (e.g. a decompression bomb), by index. */
  rawBlobs?: Record<number, Buffer>;
  history?: HistoryEntry[];
  /** Extra config fields (merged over the generated config), or a raw config document. */
  config?: Record<string, unknown>;
  rawConfig?: string;
  /** Raw manifest document (OCI manifest or docker manifest.json). */
  rawManifest?: string;
  /** Change the generated manifest before it is written. */
  editManifest?: (m: any) => any;
  /** Leave these layer blobs out of the archive (by index). */
  omitLayers?: number[];
  repoTag?: string;
  /** More files in the outer archive (e.g. an index.json beside a docker-archive's manifest.json). */
  extraFiles?: { name: string; data: Buffer | string }[];
}

/** An image archive (one outer tar) from layer tars, with config and manifest generated to match. */
export async function imageArchive(spec: ImageSpec): Promise<Buffer> {
  return (await imageArchiveWithMeta(spec)).archive;
}

/** The archive plus what an Engine's inspect would say about it (id = config digest, diff_ids). */
export async function imageArchiveWithMeta(
  spec: ImageSpec,
): Promise<{ archive: Buffer; configDigest: string; diffIds: string[]; config: string }> {
  const shape = spec.shape ?? 'oci';
  const compress = shape === 'oci' ? (spec.compress ?? 'none') : 'none';
  const diffIds = spec.layers.map((l) => sha256(l));
  const blobs = spec.layers.map((l, i) => spec.rawBlobs?.[i] ?? (compress === 'gzip' ? gzipSync(l) : l));
  const history =
    spec.history ??
    spec.layers.map((_, i) => ({ created: '2024-01-01T00:00:00Z', created_by: `/bin/sh -c step ${i}` }));
  const config =
    spec.rawConfig ??
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      created: '2024-01-01T00:00:00Z',
      config: { Env: ['PATH=/bin'], Cmd: ['/bin/sh'] },
      rootfs: { type: 'layers', diff_ids: diffIds },
      history,
      ...spec.config,
    });
  const configDigest = sha256(config);
  const files: { name: string; data: Buffer }[] = [];
  const omit = new Set(spec.omitLayers ?? []);
  if (shape === 'oci') {
    const mediaType =
      compress === 'gzip' ? 'application/vnd.oci.image.layer.v1.tar+gzip' : 'application/vnd.oci.image.layer.v1.tar';
    let manifest: any = {
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: {
        mediaType: 'application/vnd.oci.image.config.v1+json',
        digest: configDigest,
        size: Buffer.byteLength(config),
      },
      layers: blobs.map((b) => ({ mediaType, digest: sha256(b), size: b.length })),
    };
    if (spec.editManifest) manifest = spec.editManifest(manifest);
    const manifestText = spec.rawManifest ?? JSON.stringify(manifest);
    const manifestDigest = sha256(manifestText);
    const index = {
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: [
        {
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          digest: manifestDigest,
          size: Buffer.byteLength(manifestText),
          annotations: { 'org.opencontainers.image.ref.name': spec.repoTag ?? 'hostile:1' },
        },
      ],
    };
    files.push({ name: 'oci-layout', data: Buffer.from('{"imageLayoutVersion":"1.0.0"}') });
    const seen = new Set<string>();
    blobs.forEach((b, i) => {
      const d = sha256(b);
      if (omit.has(i) || seen.has(d)) return;
      seen.add(d);
      files.push({ name: `blobs/sha256/${hex(d)}`, data: b });
    });
    files.push({ name: `blobs/sha256/${hex(configDigest)}`, data: Buffer.from(config) });
    files.push({ name: `blobs/sha256/${hex(manifestDigest)}`, data: Buffer.from(manifestText) });
    files.push({ name: 'index.json', data: Buffer.from(JSON.stringify(index)) });
  } else {
    const seen = new Set<string>();
    blobs.forEach((b, i) => {
      const name = `${hex(diffIds[i])}.tar`;
      if (omit.has(i) || seen.has(name)) return;
      seen.add(name);
      files.push({ name, data: b });
    });
    files.push({ name: `${hex(configDigest)}.json`, data: Buffer.from(config) });
    let manifest: any = [
      {
        Config: `${hex(configDigest)}.json`,
        RepoTags: [spec.repoTag ?? 'hostile:1'],
        Layers: diffIds.map((d) => `${hex(d)}.tar`),
      },
    ];
    if (spec.editManifest) manifest = spec.editManifest(manifest);
    files.push({ name: 'manifest.json', data: Buffer.from(spec.rawManifest ?? JSON.stringify(manifest)) });
  }
  for (const f of spec.extraFiles ?? []) files.push({ name: f.name, data: Buffer.from(f.data) });
  return { archive: await layerTar(files.map((f) => ({ name: f.name, data: f.data }))), configDigest, diffIds, config };
}

// ---------------------------------------------------------------------------------------------
// Huge layers, streamed to disk: a minimal ustar writer (names < 100 bytes, empty files).

function ustarHeader(name: string | Buffer, type: '0' | '5', size = 0): Buffer {
  const h = Buffer.alloc(512);
  if (Buffer.isBuffer(name)) name.copy(h, 0, 0, Math.min(100, name.length));
  else h.write(name, 0, 100, 'utf8');
  h.write(type === '5' ? '0000755\0' : '0000644\0', 100, 8, 'latin1');
  h.write('0000000\0', 108, 8, 'latin1');
  h.write('0000000\0', 116, 8, 'latin1');
  h.write(`${size.toString(8).padStart(11, '0')}\0`, 124, 12, 'latin1');
  h.write('00000000000\0', 136, 12, 'latin1');
  h.write(type, 156, 1, 'latin1');
  h.write('ustar\x0000', 257, 8, 'latin1');
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'latin1');
  return h;
}

/**
 * A layer tar whose names are exact bytes (a Buffer names bytes that need not be UTF-8), in plain
 * ustar headers (names under 100 bytes): what tar-stream's packer, which writes text, cannot make.
 */
export function rawNameLayer(entries: { name: Buffer | string; data?: Buffer | string; dir?: boolean }[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    const data = e.data === undefined ? Buffer.alloc(0) : Buffer.from(e.data);
    parts.push(ustarHeader(e.name, e.dir ? '5' : '0', e.dir ? 0 : data.length));
    if (!e.dir && data.length > 0) parts.push(data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

/**
 * A gzip layer blob of `count` empty files in directories of 1000 (`d0000/f000000` ...), streamed
 * to `file`. Returns its digest, size and diff_id (sha256 of the uncompressed tar).
 */
export async function writeManyEntriesLayer(
  file: string,
  count: number,
): Promise<{ digest: string; size: number; diffId: string }> {
  const out = fs.createWriteStream(file);
  const gz = createGzip({ level: 1, chunkSize: 1 << 20 });
  const blobHash = createHash('sha256');
  const tarHash = createHash('sha256');
  let size = 0;
  gz.on('data', (c: Buffer) => {
    blobHash.update(c);
    size += c.length;
  });
  gz.pipe(out);
  const batch: Buffer[] = [];
  const flush = async () => {
    const b = Buffer.concat(batch);
    batch.length = 0;
    tarHash.update(b);
    if (!gz.write(b)) await once(gz, 'drain');
  };
  for (let i = 0; i < count; i++) {
    if (i % 1000 === 0) batch.push(ustarHeader(`d${String(i / 1000).padStart(4, '0')}/`, '5'));
    batch.push(ustarHeader(`d${String(Math.floor(i / 1000)).padStart(4, '0')}/f${String(i).padStart(7, '0')}`, '0'));
    if (batch.length >= 4096) await flush();
  }
  batch.push(Buffer.alloc(1024));
  await flush();
  gz.end();
  await once(out, 'close');
  return { digest: `sha256:${blobHash.digest('hex')}`, size, diffId: `sha256:${tarHash.digest('hex')}` };
}

/** An OCI archive around one pre-built gzip layer blob on disk, streamed to `file`. */
export async function writeOciArchiveAroundBlob(
  file: string,
  blobFile: string,
  blob: { digest: string; size: number; diffId: string },
): Promise<void> {
  const config = JSON.stringify({
    architecture: 'amd64',
    os: 'linux',
    rootfs: { type: 'layers', diff_ids: [blob.diffId] },
    history: [{ created_by: 'many entries' }],
  });
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(config), size: config.length },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: blob.digest, size: blob.size }],
  });
  const index = JSON.stringify({
    schemaVersion: 2,
    manifests: [
      { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: sha256(manifest), size: manifest.length },
    ],
  });
  const out = fs.createWriteStream(file);
  const put = async (name: string, data: Buffer | null, size: number, src?: string) => {
    out.write(ustarHeader(name, '0', size));
    if (data) out.write(data);
    else {
      for await (const c of fs.createReadStream(src!)) if (!out.write(c)) await once(out, 'drain');
    }
    const pad = (512 - (size % 512)) % 512;
    if (pad) out.write(Buffer.alloc(pad));
  };
  await put('oci-layout', Buffer.from('{"imageLayoutVersion":"1.0.0"}'), 30);
  await put(`blobs/sha256/${hex(blob.digest)}`, null, blob.size, blobFile);
  await put(`blobs/sha256/${hex(sha256(config))}`, Buffer.from(config), config.length);
  await put(`blobs/sha256/${hex(sha256(manifest))}`, Buffer.from(manifest), manifest.length);
  await put('index.json', Buffer.from(index), index.length);
  out.end(Buffer.alloc(1024));
  await once(out, 'close');
}

/**
 * A decompression bomb: a gzip layer holding one file of `bytes` zeros (about 1000:1). Built as
 * concatenated gzip members of 16 MiB zeros each (valid gzip, what gunzip reads as one stream),
 * so a 1 GiB bomb never exists uncompressed in memory.
 */
export function gzipBombLayer(bytes: number): Buffer {
  const block = Buffer.alloc(Math.min(bytes, 16 << 20));
  const members: Buffer[] = [gzipSync(ustarHeader('bomb.bin', '0', bytes))];
  const member = gzipSync(block, { level: 9 });
  let left = bytes;
  while (block.length > 0 && left >= block.length) {
    members.push(member);
    left -= block.length;
  }
  if (left > 0) members.push(gzipSync(Buffer.alloc(left), { level: 9 }));
  members.push(gzipSync(Buffer.alloc(((512 - (bytes % 512)) % 512) + 1024), { level: 9 }));
  return Buffer.concat(members);
}
