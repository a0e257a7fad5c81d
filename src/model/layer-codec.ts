/**
 * LayerData as bytes and back: the on-disk cache format and what parse workers send to the main
 * thread. Paths travel as strings (path ids belong to one PathTable); columns travel as raw
 * typed-array bytes; a sha256 of everything before it closes the buffer, so a damaged or foreign
 * buffer decodes to null, never to wrong data.
 */
import { createHash } from 'node:crypto';
import { HASH_LEN, type LayerData } from './layer-data.js';
import type { PathTable } from './path-table.js';

const MAGIC = 'STRATA-LAYER-CACHE\n';
// 2: names are byte strings (format 1 held names decoded from UTF-8 and is not trusted).
export const CODEC_FORMAT = 2;

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

export function encodeLayer(d: LayerData, table: PathTable): Buffer {
  const p = (id: number) => table.path(id);
  const header: Header = {
    format: CODEC_FORMAT,
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
  const cols = [d.type, d.mode, d.uid, d.gid, d.size, d.link, d.hash].map((a) =>
    Buffer.from(a.buffer, a.byteOffset, a.byteLength),
  );
  const body = Buffer.concat([Buffer.from(MAGIC), len, h, ...cols]);
  return Buffer.concat([body, createHash('sha256').update(body).digest()]);
}

/** Decode; `diffId` null accepts whatever layer the buffer holds. */
export function decodeLayer(buf: Buffer, diffId: string | null, table: PathTable): LayerData | null {
  if (buf.length < MAGIC.length + 36 || buf.toString('latin1', 0, MAGIC.length) !== MAGIC) return null;
  const body = buf.subarray(0, buf.length - 32);
  if (
    !createHash('sha256')
      .update(body)
      .digest()
      .equals(buf.subarray(buf.length - 32))
  )
    return null;
  const hlen = body.readUInt32LE(MAGIC.length);
  let off = MAGIC.length + 4;
  const header = JSON.parse(body.toString('utf8', off, off + hlen)) as Header;
  off += hlen;
  if (
    header.format !== CODEC_FORMAT ||
    (diffId !== null && header.diffId !== diffId) ||
    header.paths.length !== header.count
  )
    return null;
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
    diffId: header.diffId,
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
