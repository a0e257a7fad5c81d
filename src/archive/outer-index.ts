/**
 * The documents of an image archive on disk, found before its layers are read: the headers are
 * walked with seeks over every entry's data, and only small JSON documents are read. A `docker
 * save` writes manifest.json last, so without this the layer stack could only be known after the
 * whole archive (gigabytes) had been parsed; with it, the stack is on screen at once and the
 * layers fill in as the one sequential pass reads them (outer-tar.ts).
 *
 * Entries are classified as outer-tar.ts classifies them (same names, same sniffing), so the image
 * resolved from this index is the one the full pass resolves. Anything unusual (a compressed
 * archive, a bad header, a sparse entry, too many entries) gives null: the caller then simply
 * waits for the full pass, which reports any error itself.
 */
import fs from 'node:fs';
import { looksLikeJson, looksLikeTar, sniffCompression } from './decode.js';
import { isLayerName, linkTarget, MAX_JSON_BYTES, outerName } from './outer-tar.js';
import { EntryMeta } from './tar-entry.js';
import { checksumOk, isGnuMagic, isMetaFlag, isUstar, isZeroBlock, num, roundUp } from './tar-header.js';
import { normalisePath } from '../model/path-table.js';

/** What the index found: the same maps outer-tar.ts fills, with layer blobs named, not parsed. */
export interface OuterIndex {
  json: Map<string, Buffer>;
  layers: Set<string>;
  links: Map<string, string>;
  names: string[];
}

/** An outer archive with more entries than this is not indexed (an OCI layout has a few per layer). */
const MAX_ENTRIES = 100_000;

function readAt(fd: number, length: number, position: number): Buffer {
  const buf = Buffer.alloc(length);
  let have = 0;
  while (have < length) {
    const n = fs.readSync(fd, buf, have, length - have, position + have);
    if (n === 0) break;
    have += n;
  }
  return have === length ? buf : buf.subarray(0, have);
}

/** The index of the uncompressed tar at `path`, or null when it cannot be indexed cheaply. */
export function indexOuterArchive(path: string): OuterIndex | null {
  let fd: number;
  try {
    fd = fs.openSync(path, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch {
    return null;
  }
  try {
    const st = fs.fstatSync(fd);
    return st.isFile() ? walk(fd, st.size) : null;
  } catch {
    return null;
  } finally {
    fs.closeSync(fd);
  }
}

function walk(fd: number, fileSize: number): OuterIndex | null {
  const index: OuterIndex = { json: new Map(), layers: new Set(), links: new Map(), names: [] };
  const meta = new EntryMeta(() => {});
  let pos = 0;
  let entries = 0;
  while (pos + 512 <= fileSize) {
    const b = readAt(fd, 512, pos);
    if (b.length < 512) return null;
    if (isZeroBlock(b)) return entries > 0 ? index : null;
    if (!checksumOk(b)) return null;
    const flag = b[156];
    const size = num(b, 124, 12);
    if (!Number.isFinite(size) || size < 0) return null;
    const data = pos + 512;
    pos = data + roundUp(size);
    if (pos > fileSize) return null;
    if (isMetaFlag(flag)) {
      meta.begin(flag, size);
      const rec = readAt(fd, size, data);
      meta.take(rec, 0, rec.length);
      meta.finish();
      continue;
    }
    const e = meta.entry(b, flag, size, isUstar(b), isGnuMagic(b));
    if (e.sparse || ++entries > MAX_ENTRIES) return null;
    pos = data + roundUp(e.stored);
    if (pos > fileSize) return null;
    const name = normalisePath(outerName(e.name)).path;
    if (e.type === 'symlink' || e.type === 'link') {
      index.links.set(name, linkTarget(name, e.type, e.linkname));
      continue;
    }
    if (e.type !== 'file') continue;
    index.names.push(name);
    const head = readAt(fd, Math.min(512, e.stored), data);
    const compression = sniffCompression(head);
    if (compression === 'none' && looksLikeJson(head) && e.stored <= MAX_JSON_BYTES && !looksLikeTar(head)) {
      index.json.set(name, readAt(fd, e.stored, data));
    } else if (
      compression !== 'none' ||
      looksLikeTar(head) ||
      (isLayerName(name) && e.stored > 0 && head.every((x) => x === 0))
    ) {
      index.layers.add(name);
    }
  }
  return null;
}
