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
import type { LayerData } from '../model/layer-data.js';
import { CODEC_FORMAT, decodeLayer, encodeLayer } from '../model/layer-codec.js';
import type { PathTable } from '../model/path-table.js';
import type { LayerCacheLike } from '../sources/assemble.js';

/** The cache directory is versioned by the codec's format. */
export const CACHE_FORMAT = CODEC_FORMAT;
const DIGEST_RE = /^sha256:([0-9a-f]{64})$/;

export function cacheRoot(): string {
  if (process.env.STRATA_CACHE_DIR) return process.env.STRATA_CACHE_DIR;
  const xdg = process.env.XDG_CACHE_HOME;
  return path.join(xdg && path.isAbsolute(xdg) ? xdg : path.join(os.homedir(), '.cache'), 'strata');
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
      const data = decodeLayer(buf, diffId, table);
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
      writeAtomicBuffer(file, encodeLayer(data, table));
      this.written++;
      if (this.written % 8 === 1) this.evict();
    } catch {
      // A cache that cannot be written is only a slower run.
    }
  }

  /**
   * The record of image `id`, verified, never trusted: its config must hash to the id (Docker <= 28),
   * or, where the id names a manifest or index (the containerd store), list exactly `diffIds`.
   */
  getImage(id: string, diffIds?: string[]): ImageRecord | null {
    const file = this.file('images', id, '.json');
    if (!file) return null;
    try {
      const text = fs.readFileSync(file, 'utf8');
      const rec = JSON.parse(text) as ImageRecord;
      if (typeof rec.config !== 'string' || !Array.isArray(rec.layers)) return null;
      const byDigest = `sha256:${createHash('sha256').update(rec.config).digest('hex')}` === id;
      const ids = (JSON.parse(rec.config) as { rootfs?: { diff_ids?: unknown } }).rootfs?.diff_ids;
      const byLayers = !!diffIds && Array.isArray(ids) && ids.length === diffIds.length && ids.every((d, i) => d === diffIds[i]);
      if (!byDigest && !byLayers) return null;
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
        // A temporary file of a writer that was killed (SIGKILL, power loss) is a half-written
        // file: remove it once its process is gone.
        const tmp = TMP_RE.exec(n);
        if (tmp && !processAlive(Number(tmp[1]))) {
          fs.rmSync(path.join(d, n), { force: true });
          continue;
        }
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

/** `<name>.<pid>.<random>.tmp`, as written by writeAtomicBuffer. */
const TMP_RE = /\.(\d+)\.[a-z0-9]+\.tmp$/;

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function writeAtomicBuffer(file: string, buf: Buffer): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    const fd = fs.openSync(tmp, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL, 0o600);
    try {
      fs.writeFileSync(fd, buf);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
  } catch (err) {
    // Disk full, read-only, a directory in the way: never leave the partial temporary behind.
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}

