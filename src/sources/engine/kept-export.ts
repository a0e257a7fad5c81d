/**
 * Keeping the export of the first load on disk (the TUI), so that any version read later is a
 * byte range of that file: the layer tars are found from the export's own headers and its
 * manifest.json, without reading the export again.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { LoadedImage } from '../../model/image.js';
import { normalisePath } from '../../model/path-table.js';
import type { SourceSettings } from '../settings.js';
import { newSpoolDir, spools, type Spool } from './layer-spool.js';

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
 * cache's size cap, or the read fails; never with STRATA_KEEP_EXPORT=0 (`settings.keepExportAllowed`).
 * Call `finish()` once the load is done.
 */
export function keepExport(
  img: LoadedImage,
  stream: Readable,
  expectedBytes: number,
  settings: SourceSettings,
): { finish: () => void } {
  const none = { finish: () => {} };
  const cap = settings.spoolMaxBytes;
  if (!settings.keepExportAllowed || spools.has(img) || expectedBytes > cap) return none;
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
    if (lag + chunk.length > KEEP_LAG_BYTES || written + chunk.length > cap) return give();
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
