/**
 * Reading one file of an Engine image without exporting the whole image each time.
 *
 * - The version the final image shows: a container is created from the image (never started, no
 *   network), `GET /containers/{id}/archive?path=P` answers a tar holding P under its base name,
 *   and the container is removed (with its anonymous volumes) at once. The query carries the
 *   path's bytes percent-encoded, so names that are not UTF-8 are asked for exactly.
 * - Any other version: the first such read exports the image once and keeps every layer tar in a
 *   private spool directory (mode 0700, removed at exit, bounded by the cache's size cap); later
 *   reads scan only the spooled tar of the layer that holds the bytes.
 * Every answer is checked against the analysis (the entry's size): an answer that does not match
 * falls back to reading the layer's own tar.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Writable, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createHash } from 'node:crypto';
import tar from 'tar-stream';
import { decoderFor, looksLikeJson, peek, sniffCompression } from '../../archive/decode.js';
import { drain } from '../../archive/layer-parser.js';
import { normalisePath } from '../../model/path-table.js';
import { Engine, describeEngineError } from './client.js';
import type { LoadedImage } from '../../model/image.js';

export interface EngineReadVersion {
  name: string;
  path: string;
  layer: number;
  entry: number;
  size: number;
}

/** Where the bytes of a read came from (for tests and the benchmark). */
export type EngineReadRoute = 'container' | 'spool' | 'export';

/** Progress of a read that has to export the image (bytes of the export read so far). */
export type ReadProgress = (text: string) => void;

/** Scans one layer tar for `path`; returns whether it was found (the sink got its bytes). */
export type ScanLayer = (
  blob: AsyncIterable<Buffer>,
  path: string,
  sink: () => Writable,
  discard?: () => void,
) => Promise<{ diffId: string; found: boolean }>;

/** Files the Engine manages itself in a container, and so may not be the image's. */
const ENGINE_MANAGED = new Set(['/etc/hosts', '/etc/hostname', '/etc/resolv.conf']);

/**
 * Percent-encodes each byte of a name: a byte string's chars are its bytes; a name holding chars
 * beyond one byte is text, and is sent as its UTF-8 bytes.
 */
export function encodeBytes(name: string): string {
  // eslint-disable-next-line no-control-regex
  const bytes = Buffer.from(name, /[^\u0000-\u00ff]/.test(name) ? 'utf8' : 'latin1');
  let out = '';
  for (const c of bytes) {
    const ch = String.fromCharCode(c);
    out += /[A-Za-z0-9\-._~/]/.test(ch) ? ch : `%${c.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** True when the final image shows exactly this version at `version.name`. */
function isFinal(img: LoadedImage, v: EngineReadVersion): boolean {
  const a = img.analysis;
  const top = img.layers.length - 1;
  const p = a.table.lookup(v.name);
  if (p < 0) return false;
  let last = -1;
  for (let ev = a.firstEvent(p); ev >= 0; ev = a.eventNext(ev)) if (a.eventLayer(ev) <= top) last = ev;
  if (last < 0) return false;
  // The name's own last event is the version asked for, or a hard link to its inode.
  const layer = a.eventLayer(last);
  const entry = a.eventEntry(last);
  if (layer === v.layer && entry === v.entry) return true;
  const ino = a.inodeOf(layer, entry);
  return ino !== null && ino === a.inodeOf(v.layer, v.entry);
}

function underVolume(img: LoadedImage, name: string): boolean {
  const p = normalisePath(name).path;
  const abs = p.startsWith('/') ? p : `/${p}`;
  if (ENGINE_MANAGED.has(abs)) return true;
  for (const vol of Object.keys(img.meta.config.Volumes ?? {})) {
    const v = vol.replace(/\/+$/, '');
    if (abs === v || abs.startsWith(`${v}/`)) return true;
  }
  return false;
}

/** A tar of `name` from a created, never started container of the image. */
async function archiveOf(
  engine: Engine,
  imageId: string,
  name: string,
): Promise<{ stream: Readable; done: () => Promise<void> }> {
  let container: { id: string; remove(o: object): Promise<unknown> };
  try {
    container = await engine.docker.createContainer({
      Image: imageId,
      // Never started: the entrypoint only has to satisfy create for images without a command.
      Entrypoint: ['/strata-file-read'],
      Cmd: [],
      NetworkDisabled: true,
      Labels: { 'io.strata.purpose': 'file read (never started)' },
    });
  } catch (err) {
    throw describeEngineError(err, engine.endpoint);
  }
  const done = async () => {
    await container.remove({ force: true, v: true }).catch(() => {});
  };
  const abs = name.startsWith('/') ? name : `/${name}`;
  try {
    const stream = await new Promise<Readable>((resolve, reject) => {
      engine.docker.modem.dial(
        {
          // docker-modem drops the last character of a path with a query and no options: the '&'.
          path: `/containers/${container.id}/archive?path=${encodeBytes(abs)}&`,
          method: 'GET',
          isStream: true,
          statusCodes: { 200: true, 400: 'bad parameter', 404: 'no such file', 500: 'server error' },
        } as never,
        (err: unknown, s: unknown) =>
          err ? reject(describeEngineError(err, engine.endpoint)) : resolve(s as Readable),
      );
    });
    return { stream, done };
  } catch (err) {
    await done();
    throw err;
  }
}

/** Counts what reaches the sink, so that an answer of the wrong size can be thrown away. */
function counted(
  sink: () => Writable,
  discard: () => void,
): { make: () => Writable; bytes: () => number; drop: () => void } {
  let n = 0;
  let made = false;
  return {
    make: () => {
      made = true;
      const inner = sink();
      return new Writable({
        write(chunk: Buffer, _e, cb) {
          n += chunk.length;
          inner.write(chunk, cb);
        },
        final(cb) {
          inner.end(cb);
        },
        destroy(err, cb) {
          inner.destroy(err ?? undefined);
          cb(err);
        },
      });
    },
    bytes: () => n,
    drop: () => {
      if (made) discard();
      made = false;
      n = 0;
    },
  };
}

/** A layer tar on disk: a whole file, or a byte range of a kept export. */
interface SpoolFile {
  file: string;
  start: number;
  /** Exclusive; Infinity for the whole file. */
  end: number;
}

interface Spool {
  dir: string;
  /** diff_id -> spooled tar (uncompressed or as exported). */
  files: Map<string, SpoolFile>;
}

const spools = new WeakMap<LoadedImage, Promise<Spool>>();
/** Who waits on a spool being made (every reader sees its progress, not only the first). */
const spoolWatchers = new WeakMap<LoadedImage, Set<ReadProgress>>();
const spoolDirs = new Set<string>();
let exitHook = false;

/**
 * Whether a read may export once and keep the layer tars (an interactive session, where more
 * reads follow); a one-off read (`--extract`) scans one export instead.
 */
let spoolOnDemand = false;
export function keepLayerTarsOnDemand(on = true): void {
  spoolOnDemand = on;
}

function newSpoolDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-layers-'));
  fs.chmodSync(dir, 0o700);
  spoolDirs.add(dir);
  if (!exitHook) {
    exitHook = true;
    process.once('exit', () => {
      for (const d of spoolDirs) fs.rmSync(d, { recursive: true, force: true });
    });
  }
  return dir;
}

function spoolCap(): number {
  return Number(process.env.STRATA_CACHE_MAX_BYTES) || 2 * 1024 ** 3;
}

/** One export of the image, every layer tar kept on disk (up to the cap) by diff_id. */
async function makeSpool(img: LoadedImage, engine: Engine, imageId: string): Promise<Spool> {
  const progress = (text: string) => {
    for (const w of spoolWatchers.get(img) ?? []) w(text);
  };
  const dir = newSpoolDir();
  const spool: Spool = { dir, files: new Map() };
  const wanted = new Set(img.layers.map((l) => l.diffId));
  const cap = spoolCap();
  let kept = 0;
  let read = 0;
  let n = 0;
  const outer = await engine.export(imageId);
  const extract = tar.extract();
  extract.on('error', () => {});
  extract.on('entry', (header, entry, next) => {
    entry.on('error', () => {});
    const size = header.size ?? 0;
    if (header.type !== 'file' || size < 1024 || kept + size > cap) {
      drain(entry as unknown as Readable).then(() => next(), next);
      return;
    }
    (async () => {
      const { head, stream: body } = await peek(entry as unknown as AsyncIterable<Buffer>, 512);
      if (looksLikeJson(head)) return drain(body);
      const tmp = path.join(dir, `blob-${n++}`);
      const decoder = decoderFor(sniffCompression(head));
      const hash = createHash('sha256');
      const out = fs.createWriteStream(tmp, { mode: 0o600 });
      const tee = async function* (src: AsyncIterable<Buffer>) {
        for await (const c of src) {
          read += c.length;
          progress(`exporting the image once to read older versions: ${Math.round(read / 1048576)} MB read`);
          yield c;
        }
      };
      // Kept as exported; hashed after decompression to learn its diff_id.
      const hashing = new Writable({
        write(c: Buffer, _e, cb) {
          hash.update(c);
          cb();
        },
      });
      const raw = tee(body);
      if (decoder) {
        const split = new PassThrough();
        const toFile = pipeline(split, out);
        const toHash = pipeline(split.pipe(decoder), hashing);
        await pipeline(raw, async function* (src) {
          for await (const c of src) {
            if (!split.write(c)) await new Promise((r) => split.once('drain', r));
          }
          split.end();
        });
        await Promise.all([toFile, toHash]);
      } else {
        await pipeline(
          raw,
          async function* (src) {
            for await (const c of src) {
              hash.update(c);
              yield c;
            }
          },
          out,
        );
      }
      const diffId = `sha256:${hash.digest('hex')}`;
      if (wanted.has(diffId) && !spool.files.has(diffId)) {
        const file = path.join(dir, diffId.slice(7));
        fs.renameSync(tmp, file);
        spool.files.set(diffId, { file, start: 0, end: Infinity });
        kept += size;
      } else fs.rmSync(tmp, { force: true });
    })().then(() => next(), next);
  });
  await pipeline(outer, extract);
  return spool;
}

/** The spool of this image (one export, shared by every read); a failed export is not kept. */
function spoolOf(img: LoadedImage, engine: Engine, imageId: string, progress?: ReadProgress): Promise<Spool> {
  if (progress) {
    if (!spoolWatchers.has(img)) spoolWatchers.set(img, new Set());
    spoolWatchers.get(img)!.add(progress);
  }
  let p = spools.get(img);
  if (!p) {
    p = makeSpool(img, engine, imageId);
    spools.set(img, p);
    p.catch(() => spools.delete(img));
  }
  return p;
}

/**
 * Reads `version` of an Engine image. Returns the route taken, or null when neither fast route
 * could answer (the caller then falls back to scanning a fresh export).
 */
export async function readEngineVersion(
  img: LoadedImage,
  imageId: string,
  engineKind: 'docker' | 'podman',
  version: EngineReadVersion,
  scan: ScanLayer,
  sink: () => Writable,
  discard: () => void,
  progress?: ReadProgress,
): Promise<EngineReadRoute | null> {
  // STRATA_ENGINE_FILE_READ=export: the old route, one export per read (the benchmark's baseline).
  if (process.env.STRATA_ENGINE_FILE_READ === 'export') return null;
  const engine = await Engine.connect(engineKind);
  const c = counted(sink, discard);
  if (isFinal(img, version) && !underVolume(img, version.name)) {
    progress?.('reading the file from a created container…');
    let got: Awaited<ReturnType<typeof archiveOf>> | null = null;
    try {
      got = await archiveOf(engine, imageId, version.name);
    } catch {
      // A name the Engine cannot find or a refused create: the layer's own tar below.
    }
    if (got) {
      try {
        const base = version.name.slice(version.name.lastIndexOf('/') + 1);
        const { found } = await scan(got.stream as unknown as AsyncIterable<Buffer>, base, c.make, c.drop);
        if (found && c.bytes() === version.size) return 'container';
      } catch {
        // Falls back to the layer's own tar below.
      } finally {
        await got.done();
      }
    }
    c.drop();
  }
  if (!spools.has(img) && !spoolOnDemand) return null;
  let spool: Spool;
  try {
    spool = await spoolOf(img, engine, imageId, progress);
  } finally {
    if (progress) spoolWatchers.get(img)?.delete(progress);
  }
  const file = spool.files.get(img.layers[version.layer].diffId);
  if (!file) return null;
  const range = file.end === Infinity ? { start: file.start } : { start: file.start, end: file.end - 1 };
  const { found } = await scan(fs.createReadStream(file.file, range), version.path, c.make, c.drop);
  if (found && c.bytes() === version.size) return 'spool';
  c.drop();
  return null;
}

/**
 * Starts the layer spool of an Engine image in the background (the file view calls it once a
 * first file is shown), so that older versions read later answer at once. Errors are dropped: a
 * read that needs the spool tries again itself.
 */
export function prefetchOlderVersions(img: LoadedImage): void {
  const o = img.origin;
  if (o.kind !== 'engine' || spools.has(img) || process.env.STRATA_ENGINE_FILE_READ === 'export') return;
  Engine.connect(o.engine).then(
    (engine) => spoolOf(img, engine, o.imageId).catch(() => {}),
    () => {},
  );
}

// ---- keeping the export of the first load ----

/** Bytes the kept export may fall behind the read before it is given up (the load never waits for it). */
const KEEP_LAG_BYTES = 128 * 1024 * 1024;

/** One outer-tar entry of a kept export: where its data starts and how long it is. */
interface OuterEntry {
  name: string;
  type: string;
  linkname: string;
  start: number;
  size: number;
}

function octalField(b: Buffer, off: number, len: number): number {
  if (b[off] & 0x80) {
    // base-256 (GNU): big-endian, the top bit marks it.
    let n = b[off] & 0x7f;
    for (let i = 1; i < len; i++) n = n * 256 + b[off + i];
    return n;
  }
  const t = b
    .toString('latin1', off, off + len)
    .replace(/\0.*$/s, '')
    .trim();
  return t ? parseInt(t, 8) : 0;
}

function cString(b: Buffer, off: number, len: number): string {
  const end = b.indexOf(0, off);
  return b.toString('latin1', off, end >= 0 && end < off + len ? end : off + len);
}

/** The entries of an outer tar file, from its headers only (ustar, PAX `path`/`linkpath`, GNU long names). */
export function indexOuterTar(file: string): OuterEntry[] {
  const fd = fs.openSync(file, 'r');
  const out: OuterEntry[] = [];
  try {
    const size = fs.fstatSync(fd).size;
    const h = Buffer.alloc(512);
    let pos = 0;
    let longName: string | null = null;
    let longLink: string | null = null;
    while (pos + 512 <= size) {
      fs.readSync(fd, h, 0, 512, pos);
      if (h.every((x) => x === 0)) break;
      const len = octalField(h, 124, 12);
      const type = String.fromCharCode(h[156] || 0x30);
      const start = pos + 512;
      pos = start + Math.ceil(len / 512) * 512;
      if (type === 'x' || type === 'L' || type === 'K') {
        const body = Buffer.alloc(len);
        fs.readSync(fd, body, 0, len, start);
        if (type === 'L') longName = cString(body, 0, len);
        else if (type === 'K') longLink = cString(body, 0, len);
        else {
          for (const rec of body.toString('latin1').split('\n')) {
            const m = /^\d+ (path|linkpath)=(.*)$/s.exec(rec);
            if (m && m[1] === 'path') longName = m[2];
            else if (m) longLink = m[2];
          }
        }
        continue;
      }
      if (type === 'g') continue;
      const prefix = h.toString('latin1', 257, 263).startsWith('ustar') ? cString(h, 345, 155) : '';
      const base = cString(h, 0, 100);
      const name = longName ?? (prefix ? `${prefix}/${base}` : base);
      out.push({ name: normalisePath(name).path, type, linkname: longLink ?? cString(h, 157, 100), start, size: len });
      longName = longLink = null;
    }
  } finally {
    fs.closeSync(fd);
  }
  return out;
}

/** The layer tars of a kept export by diff_id, from its manifest.json (Layers in diff_id order). */
function spoolFromExport(file: string, dir: string, diffIds: string[]): Spool {
  const entries = indexOuterTar(file);
  const byName = new Map(entries.map((e) => [e.name, e]));
  const resolve = (name: string): OuterEntry | undefined => {
    let e = byName.get(normalisePath(name).path);
    for (let i = 0; i < 16 && e && (e.type === '1' || e.type === '2'); i++) {
      const dirName = e.name.includes('/') ? e.name.slice(0, e.name.lastIndexOf('/')) : '';
      const target = e.type === '2' && !e.linkname.startsWith('/') && dirName ? `${dirName}/${e.linkname}` : e.linkname;
      e = byName.get(normalisePath(target).path);
    }
    return e;
  };
  const spool: Spool = { dir, files: new Map() };
  const manifest = resolve('manifest.json');
  if (!manifest) return spool;
  const buf = Buffer.alloc(manifest.size);
  const fd = fs.openSync(file, 'r');
  try {
    fs.readSync(fd, buf, 0, manifest.size, manifest.start);
  } finally {
    fs.closeSync(fd);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(buf.toString('utf8'));
  } catch {
    return spool;
  }
  const first = Array.isArray(doc) ? (doc[0] as { Layers?: unknown }) : null;
  const layers = Array.isArray(first?.Layers) ? (first.Layers as unknown[]) : [];
  if (layers.length !== diffIds.length) return spool;
  layers.forEach((l, i) => {
    const e = typeof l === 'string' ? resolve(l) : undefined;
    if (e && !spool.files.has(diffIds[i])) spool.files.set(diffIds[i], { file, start: e.start, end: e.start + e.size });
  });
  return spool;
}

/**
 * Keeps the export being read by the first load on disk, so that any version read later is a
 * range of that file. It never holds the load back: it only listens to the chunks going by, and
 * gives up (deleting what it wrote) when the disk falls behind, the export is larger than the
 * cache's size cap, or the read fails. Call `finish()` once the load is done.
 */
export function keepExport(img: LoadedImage, stream: Readable, expectedBytes: number): { finish: () => void } {
  const none = { finish: () => {} };
  if (process.env.STRATA_KEEP_EXPORT === '0' || spools.has(img) || expectedBytes > spoolCap()) return none;
  let dir: string;
  try {
    dir = newSpoolDir();
  } catch {
    return none;
  }
  const file = path.join(dir, 'export.tar');
  let fd: number | null = fs.openSync(file, 'wx', 0o600);
  let lag = 0;
  let written = 0;
  let failed = false;
  let ended = false;
  let waiting: (() => void) | null = null;
  const give = () => {
    if (failed) return;
    failed = true;
    stream.off('data', onData);
    if (fd !== null) fs.close(fd, () => fs.rm(dir, { recursive: true, force: true }, () => {}));
    fd = null;
  };
  const onData = (chunk: Buffer) => {
    if (failed || fd === null) return;
    if (lag + chunk.length > KEEP_LAG_BYTES || written + chunk.length > spoolCap()) return give();
    lag += chunk.length;
    // Each chunk at its own offset: writes run concurrently on the thread pool.
    const at = written;
    written += chunk.length;
    fs.write(fd, chunk, 0, chunk.length, at, (err) => {
      lag -= chunk.length;
      if (err) give();
      if (lag === 0 && waiting) waiting();
    });
  };
  stream.on('data', onData);
  stream.on('error', give);
  let settle: { resolve: (s: Spool) => void; reject: (e: Error) => void } | null = null;
  const complete = () => {
    const out = settle!;
    if (failed || fd === null) return out.reject(new Error('the export was not kept'));
    const diffIds = img.layers.map((l) => l.diffId);
    const close = () => {
      const f = fd!;
      fd = null;
      fs.close(f, (err) => {
        if (err) return out.reject(err);
        try {
          out.resolve(spoolFromExport(file, dir, diffIds));
        } catch (e) {
          out.reject(e as Error);
        }
      });
    };
    if (lag === 0) close();
    else waiting = close;
  };
  stream.on('end', () => {
    ended = true;
    if (settle) complete();
  });
  stream.on('close', () => {
    if (ended) return;
    give();
    settle?.reject(new Error('the export was cut off'));
  });
  return {
    // The analysis may be done a moment before the export stream has ended: reads wait for it.
    finish: () => {
      if (failed || fd === null) return;
      const done = new Promise<Spool>((resolve, reject) => (settle = { resolve, reject }));
      spools.set(img, done);
      done.catch(() => spools.delete(img));
      if (ended) complete();
    },
  };
}
