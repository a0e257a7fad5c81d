/**
 * Per-layer analysis results on disk, keyed by diff_id (layers are content-addressed, so the same
 * layer in another image is the same result), plus small per-image records keyed by image id
 * (the config digest), so an image whose layers are all cached needs no export at all.
 *
 * Location and size cap: settings.ts. Format (versioned): magic line, JSON header, binary columns,
 * sha256 of everything before it. A corrupt, truncated or foreign file is ignored (and replaced on
 * the next write), never trusted. Writes go to a temporary sibling and are renamed into place
 * (src/fs/atomic-write.ts). Size cap with LRU eviction (access time is kept in the file's mtime).
 *
 * The image record also keeps the image's computed advice (advice-record.ts), so that a run the
 * cache answers does not compute it again.
 *
 * Trust (trust.ts; the checksum alone proves no origin: anyone who can write an entry can recompute it):
 * - the cache root and its directories must belong to the user and be writable by no one else
 *   (ssh's rule for its own files); otherwise the cache is not used at all and one warning says why;
 * - every entry ends in an HMAC-SHA256 over its kind, its digest and its bytes, keyed by 32 random
 *   bytes in `v<format>/key` (mode 0600, made on first use); an entry whose HMAC does not verify
 *   (written by someone who cannot read the key, or moved to another digest's name) is ignored,
 *   and the layer is read again from the image.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { isSha256Digest } from '../model/digest.js';
import type { LayerData } from '../model/layer-data.js';
import { CODEC_FORMAT, decodeLayer, encodeLayer } from '../model/layer-codec.js';
import type { PathTable } from '../model/path-table.js';
import { sweepDeadTemps, writeFileAtomic } from '../fs/atomic-write.js';
import { DEFAULT_CACHE_MAX_BYTES, type CacheSettings } from './settings.js';
import { openTrusted, UntrustedCache } from './trust.js';
import type { ImageRecord, LayerCacheLike } from './types.js';

/** The cache directory is versioned by the codec's format. */
export const CACHE_FORMAT = CODEC_FORMAT;

const MAC_BYTES = 32;

export class LayerCache implements LayerCacheLike {
  private readonly dir: string;
  private written = 0;
  /** The HMAC key once the cache is found trustworthy; null when it is not used. */
  private key: Buffer | null | undefined;
  /** Why the cache is not used (one line), when it is not. */
  warning: string | null = null;

  constructor(
    private readonly root: string,
    /** The size cap in bytes (default 2 GiB), kept by evicting the least recently used files. */
    private readonly maxBytes = DEFAULT_CACHE_MAX_BYTES,
  ) {
    this.dir = path.join(root, `v${CACHE_FORMAT}`);
  }

  /** The key, checking the cache's directories the first time; null when the cache is not to be used. */
  private secret(): Buffer | null {
    if (this.key === undefined) {
      try {
        this.key = openTrusted(this.root, this.dir);
      } catch (err) {
        this.key = null;
        if (err instanceof UntrustedCache) this.warning = `the cache ${this.root} is not used: ${err.message}`;
      }
    }
    return this.key;
  }

  /** True when the cache's directories pass the ownership and mode checks (and the key is there). */
  usable(): boolean {
    return this.secret() !== null;
  }

  private seal(kind: string, digest: string, body: Buffer, key: Buffer): Buffer {
    return createHmac('sha256', key).update(`strata-cache\0${kind}\0${digest}\0`).update(body).digest();
  }

  /** The entry's bytes when its HMAC verifies, else null. */
  private readSealed(kind: 'layers' | 'images', digest: string, file: string): Buffer | null {
    const key = this.secret();
    if (!key) return null;
    const st = fs.lstatSync(file);
    if (!st.isFile() || st.size < MAC_BYTES) return null;
    const buf = fs.readFileSync(file);
    const body = buf.subarray(0, buf.length - MAC_BYTES);
    const mac = buf.subarray(buf.length - MAC_BYTES);
    return timingSafeEqual(mac, this.seal(kind, digest, body, key)) ? body : null;
  }

  private writeSealed(kind: 'layers' | 'images', digest: string, file: string, body: Buffer): boolean {
    const key = this.secret();
    if (!key) return false;
    writeFileAtomic(file, [body, this.seal(kind, digest, body, key)], { mode: 0o600, dirMode: 0o700 });
    return true;
  }

  private file(kind: 'layers' | 'images', digest: string, ext: string): string | null {
    // Only a sha256 digest names a file: the name can never climb out of the cache.
    return isSha256Digest(digest) ? path.join(this.dir, kind, `${digest.slice('sha256:'.length)}${ext}`) : null;
  }

  get(diffId: string, table: PathTable): LayerData | null {
    const file = this.file('layers', diffId, '.bin');
    if (!file) return null;
    let buf: Buffer | null;
    try {
      buf = this.readSealed('layers', diffId, file);
    } catch {
      return null;
    }
    if (!buf) return null;
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
      if (!this.writeSealed('layers', data.diffId, file, encodeLayer(data, table))) return;
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
      const body = this.readSealed('images', id, file);
      if (!body) return null;
      const text = body.toString('utf8');
      const rec = JSON.parse(text) as ImageRecord;
      if (typeof rec.config !== 'string' || !Array.isArray(rec.layers)) return null;
      const byDigest = `sha256:${createHash('sha256').update(rec.config).digest('hex')}` === id;
      const ids = (JSON.parse(rec.config) as { rootfs?: { diff_ids?: unknown } }).rootfs?.diff_ids;
      const byLayers =
        !!diffIds && Array.isArray(ids) && ids.length === diffIds.length && ids.every((d, i) => d === diffIds[i]);
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
      this.writeSealed('images', id, file, Buffer.from(JSON.stringify(rec)));
    } catch {
      // ignore
    }
  }

  /** Drop least-recently-used files until the cache fits its cap. */
  evict(): void {
    if (!this.secret()) return;
    const files: { f: string; size: number; mtime: number }[] = [];
    for (const kind of ['layers', 'images']) {
      const d = path.join(this.dir, kind);
      // A temporary file of a writer that was killed (SIGKILL, power loss) is a half-written
      // file: remove it once its process is gone.
      sweepDeadTemps(d);
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

/** The cache at `settings.dir`, capped at `settings.maxBytes` (cacheSettingsFromEnv gives both). */
export function openCache(settings: CacheSettings): LayerCache {
  return new LayerCache(settings.dir, settings.maxBytes);
}

function touch(file: string): void {
  const now = new Date();
  try {
    fs.utimesSync(file, now, now);
  } catch {
    // read-only cache: fine
  }
}
