/**
 * Per-layer analysis results on disk, keyed by diff_id (layers are content-addressed, so the same
 * layer in another image is the same result), plus small per-image records keyed by image id
 * (the config digest), so an image whose layers are all cached needs no export at all.
 *
 * Location: $STRATA_CACHE_DIR, else $XDG_CACHE_HOME/strata, else ~/.cache/strata.
 * Format (versioned): magic line, JSON header, binary columns, sha256 of everything before it.
 * A corrupt, truncated or foreign file is ignored (and replaced on the next write), never trusted.
 * Writes go to a temporary sibling and are renamed into place. Size cap with LRU eviction
 * (STRATA_CACHE_MAX_BYTES, default 2 GiB; access time is kept in the file's mtime).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { HASH_LEN, type LayerData } from '../model/layer-data.js';
import type { PathTable } from '../model/path-table.js';
import type { LayerCacheLike } from '../sources/assemble.js';

const MAGIC = 'STRATA-LAYER-CACHE\n';
export const CACHE_FORMAT = 1;
const DIGEST_RE = /^sha256:([0-9a-f]{64})$/;

export function cacheRoot(): string {
  if (process.env.STRATA_CACHE_DIR) return process.env.STRATA_CACHE_DIR;
  const xdg = process.env.XDG_CACHE_HOME;
  return path.join(xdg && path.isAbsolute(xdg) ? xdg : path.join(os.homedir(), '.cache'), 'strata');
}

interface Header {
  format: number;
  diffId: string;
  count: number;
  sizeBytes: number;
  tarBytes: number;
  warnings: string[];
  paths: string[];
  links: string[];
  whiteouts: string[];
  opaque: string[];
  dupPath: string[];
  dupSize: number[];
}

export interface ImageRecord {
  config: string;
  layers: { blobDigest: string | null; mediaType: string | null; compressedBytes: number | null }[];
}

export class LayerCache implements LayerCacheLike {
  private readonly dir: string;
  private written = 0;

  constructor(root: string = cacheRoot(), private readonly maxBytes = Number(process.env.STRATA_CACHE_MAX_BYTES) || 2 * 1024 ** 3) {
    this.dir = path.join(root, `v${CACHE_FORMAT}`);
  }

  private file(kind: 'layers' | 'images', digest: string, ext: string): string | null {
    const m = DIGEST_RE.exec(digest);
    return m ? path.join(this.dir, kind, `${m[1]}${ext}`) : null;
  }

  get(diffId: string, table: PathTable): LayerData | null {
    const file = this.file('layers', diffId, '.bin');
    if (!file) return null;
    let buf: Buffer;
    try {
      const st = fs.lstatSync(file);
      if (!st.isFile()) return null;
      buf = fs.readFileSync(file);
    } catch {
      return null;
    }
    try {
      const data = decode(buf, diffId, table);
      if (data) touch(file);
      return data;
    } catch {
      return null;
    }
  }

  put(data: LayerData, table: PathTable): void {
    const file = this.file('layers', data.diffId, '.bin');
    if (!file) return;
    try {
      writeAtomicBuffer(file, encode(data, table));
      this.written++;
      if (this.written % 8 === 1) this.evict();
    } catch {
      // A cache that cannot be written is only a slower run.
    }
  }

  getImage(id: string): ImageRecord | null {
    const file = this.file('images', id, '.json');
    if (!file) return null;
    try {
      const text = fs.readFileSync(file, 'utf8');
      const rec = JSON.parse(text) as ImageRecord;
      // The id is the digest of the config: verify it, never trust the file.
      if (typeof rec.config !== 'string' || `sha256:${createHash('sha256').update(rec.config).digest('hex')}` !== id || !Array.isArray(rec.layers)) return null;
      touch(file);
      return rec;
    } catch {
      return null;
    }
  }

  putImage(id: string, rec: ImageRecord): void {
    const file = this.file('images', id, '.json');
    if (!file) return;
    try {
      writeAtomicBuffer(file, Buffer.from(JSON.stringify(rec)));
    } catch {
      // ignore
    }
  }

  /** Drop least-recently-used files until the cache fits its cap. */
  evict(): void {
    const files: { f: string; size: number; mtime: number }[] = [];
    for (const kind of ['layers', 'images']) {
      const d = path.join(this.dir, kind);
      let names: string[] = [];
      try {
        names = fs.readdirSync(d);
      } catch {
        continue;
      }
      for (const n of names) {
        try {
          const st = fs.lstatSync(path.join(d, n));
          if (st.isFile()) files.push({ f: path.join(d, n), size: st.size, mtime: st.mtimeMs });
        } catch {
          // raced with another process
        }
      }
    }
    let total = files.reduce((s, x) => s + x.size, 0);
    if (total <= this.maxBytes) return;
    files.sort((a, b) => a.mtime - b.mtime);
    for (const x of files) {
      if (total <= this.maxBytes) break;
      try {
        fs.unlinkSync(x.f);
        total -= x.size;
      } catch {
        // already gone
      }
    }
  }
}

export function openCache(): LayerCache {
  return new LayerCache();
}

function touch(file: string): void {
  const now = new Date();
  try {
    fs.utimesSync(file, now, now);
  } catch {
    // read-only cache: fine
  }
}

function writeAtomicBuffer(file: string, buf: Buffer): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  const fd = fs.openSync(tmp, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL, 0o600);
  try {
    fs.writeFileSync(fd, buf);
  } finally {
    fs.closeSync(fd);
  }
  try {
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}

function encode(d: LayerData, table: PathTable): Buffer {
  const p = (id: number) => table.path(id);
  const header: Header = {
    format: CACHE_FORMAT,
    diffId: d.diffId,
    count: d.count,
    sizeBytes: d.sizeBytes,
    tarBytes: d.tarBytes,
    warnings: d.warnings,
    paths: Array.from(d.path, p),
    links: d.links,
    whiteouts: Array.from(d.whiteouts, p),
    opaque: Array.from(d.opaque, p),
    dupPath: Array.from(d.dupPath, p),
    dupSize: Array.from(d.dupSize),
  };
  const h = Buffer.from(JSON.stringify(header));
  const len = Buffer.alloc(4);
  len.writeUInt32LE(h.length);
  const cols = [d.type, d.mode, d.uid, d.gid, d.size, d.link, d.hash].map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength));
  const body = Buffer.concat([Buffer.from(MAGIC), len, h, ...cols]);
  return Buffer.concat([body, createHash('sha256').update(body).digest()]);
}

function decode(buf: Buffer, diffId: string, table: PathTable): LayerData | null {
  if (buf.length < MAGIC.length + 36 || buf.toString('latin1', 0, MAGIC.length) !== MAGIC) return null;
  const body = buf.subarray(0, buf.length - 32);
  if (!createHash('sha256').update(body).digest().equals(buf.subarray(buf.length - 32))) return null;
  const hlen = body.readUInt32LE(MAGIC.length);
  let off = MAGIC.length + 4;
  const header = JSON.parse(body.toString('utf8', off, off + hlen)) as Header;
  off += hlen;
  if (header.format !== CACHE_FORMAT || header.diffId !== diffId || header.paths.length !== header.count) return null;
  const n = header.count;
  const take = <T>(C: { new (b: ArrayBuffer, o: number, l: number): T; BYTES_PER_ELEMENT: number }, len: number): T => {
    const bytes = len * C.BYTES_PER_ELEMENT;
    if (off + bytes > body.length) throw new Error('truncated');
    const copy = new ArrayBuffer(bytes);
    new Uint8Array(copy).set(body.subarray(off, off + bytes));
    off += bytes;
    return new C(copy, 0, len);
  };
  const type = take(Uint8Array, n);
  const mode = take(Uint16Array, n);
  const uid = take(Uint32Array, n);
  const gid = take(Uint32Array, n);
  const size = take(Float64Array, n);
  const link = take(Int32Array, n);
  const hash = take(Uint8Array, n * HASH_LEN);
  if (off !== body.length) return null;
  const intern = (s: string) => table.intern(s === '/' ? '' : s.slice(1));
  return {
    diffId,
    count: n,
    path: Int32Array.from(header.paths, intern),
    type,
    mode,
    uid,
    gid,
    size,
    link,
    links: header.links,
    hash,
    whiteouts: Int32Array.from(header.whiteouts, intern),
    opaque: Int32Array.from(header.opaque, intern),
    sizeBytes: header.sizeBytes,
    dupPath: Int32Array.from(header.dupPath, intern),
    dupSize: Float64Array.from(header.dupSize),
    tarBytes: header.tarBytes,
    warnings: header.warnings,
  };
}
