/**
 * Sparse files' maps, as GNU tar reads them: old GNU (`S` headers and their extension headers),
 * pax GNU sparse 0.0 and 0.1 (records) and 1.0 (a map that opens the data).
 */
import { num, roundUp, shownName, TarError, type TarHeader } from './tar-header.js';
import { decimal, type PaxRecords } from './tar-pax.js';

/** A shared buffer of zeros, for the holes of sparse files. */
export const ZEROS = Buffer.alloc(1 << 20);

/** Holes as data: `n` zeros handed to `onData` in chunks of the shared zero buffer. */
export function zerosAsData(onData: (chunk: Buffer) => void): (n: number) => void {
  return (n: number) => {
    while (n > 0) {
      const take = Math.min(n, ZEROS.length);
      onData(ZEROS.subarray(0, take));
      n -= take;
    }
  };
}

/** Sparse map entries per file at most (real files have a few; each entry costs 16 bytes here). */
export const MAX_SPARSE_ENTRIES = 1 << 20;

export interface SparseState {
  /** Regions as offset, numbytes pairs, in order. */
  map: number[];
  /** Next region to read. */
  next: number;
  /** Logical position reached. */
  pos: number;
  /** Logical size. */
  real: number;
  /** Stored bytes of the entry not consumed yet (a multiple of 512). */
  stored: number;
  /** GNU sparse 1.0 map being read: its numbers so far, and the digits of the current one. */
  mapCount: number;
  mapDigits: string;
  mapBad: boolean;
}

/** GNU sparse 0.0 (offset / numbytes records) and 0.1 (`GNU.sparse.map`). */
export function paxMap(st: SparseState, rec: PaxRecords, name: string): void {
  const limit = decimal(rec.numblocks);
  if (rec.map !== undefined) {
    const parts = rec.map.split(',');
    if (parts.length % 2 !== 0) throw new TarError('bad-sparse', `${shownName(name)}: odd GNU.sparse.map`);
    if (parts.length / 2 > (limit || 0))
      throw new TarError('bad-sparse', `${shownName(name)}: excess GNU.sparse.map entries`);
    for (const p of parts) addRegionNumber(st, decimal(p), name);
    return;
  }
  const offs = rec.offsets ?? [];
  const lens = rec.numbytes ?? [];
  if (lens.length > (limit || 0) || offs.length > (limit || 0)) {
    throw new TarError('bad-sparse', `${shownName(name)}: excess GNU.sparse.offset / numbytes records`);
  }
  for (let i = 0; i < lens.length; i++) {
    addRegionNumber(st, decimal(offs[i]), name);
    addRegionNumber(st, decimal(lens[i]), name);
  }
}

export function addRegionNumber(st: SparseState, v: number, name: string): void {
  if (Number.isNaN(v)) throw new TarError('bad-sparse', `${shownName(name)}: malformed sparse map`);
  if (st.map.length >= 2 * MAX_SPARSE_ENTRIES)
    throw new TarError('meta-too-large', `${shownName(name)}: sparse map too large`);
  st.map.push(v);
}

/** Old GNU sparse entries at `start`; false when the map ended (an empty numbytes field). */
export function oldGnuMap(st: SparseState, b: Buffer, start: number, count: number, name: string): boolean {
  for (let i = 0; i < count; i++) {
    const at = start + i * 24;
    if (b[at + 12] === 0) return false;
    const offset = num(b, at, 12);
    const numbytes = num(b, at + 12, 12);
    if (Number.isNaN(offset) || Number.isNaN(numbytes))
      throw new TarError('bad-number', `${shownName(name)}: bad sparse map`);
    addRegionNumber(st, offset, name);
    addRegionNumber(st, numbytes, name);
  }
  return true;
}

/**
 * One block of a GNU sparse 1.0 map: a count, then offset and size per region, one per line.
 * True once the map is complete.
 */
export function sparseMapBlock(st: SparseState, b: Buffer, name: string): boolean {
  if (st.stored < 512) throw new TarError('bad-sparse', `${shownName(name)}: sparse map runs past the data`);
  st.stored -= 512;
  for (let i = 0; i < 512; i++) {
    const c = b[i];
    if (c === 0x0a) {
      if (st.mapDigits === '' || st.mapBad)
        throw new TarError('bad-sparse', `${shownName(name)}: malformed sparse map`);
      const v = Number(st.mapDigits);
      st.mapDigits = '';
      if (st.mapCount === 0) {
        if (v > MAX_SPARSE_ENTRIES) throw new TarError('meta-too-large', `${shownName(name)}: sparse map too large`);
        st.mapCount = 1 + 2 * v;
        st.map = [];
      } else st.map.push(v);
      if (st.map.length === st.mapCount - 1) return true;
    } else if (c >= 0x30 && c <= 0x39) {
      if (st.mapDigits.length > 20) st.mapBad = true;
      else st.mapDigits += String.fromCharCode(c);
    } else st.mapBad = true;
  }
  return false;
}

/** The map must list its regions in order and inside the real size; else the entry cannot be streamed. */
export function checkRegions(st: SparseState, name: string): void {
  const m = st.map;
  let pos = 0;
  for (let i = 0; i < m.length; i += 2) {
    // Regions in order and inside the real size: anything else cannot be streamed (GNU tar
    // itself refuses regions past the real size).
    if (m[i] < pos || m[i] + m[i + 1] > st.real) {
      throw new TarError(
        'bad-sparse',
        `${shownName(name)}: invalid sparse map (regions out of order or past the real size)`,
      );
    }
    pos = m[i] + m[i + 1];
  }
}

/** The state of a sparse file whose entry stores `stored` bytes. */
export function newSparse(stored: number): SparseState {
  return { map: [], next: 0, pos: 0, real: 0, stored: roundUp(stored), mapCount: 0, mapDigits: '', mapBad: false };
}

/** What follows a sparse file's header: old GNU extension headers, a 1.0 map, or its regions. */
export type SparseNext = 'extension' | 'map' | 'regions';

/**
 * A sparse file's header `b` is read: its real size (into `h`) and the map it carries. `stored` is
 * the entry's stored bytes, `realsize` a pax realsize (NaN when none), `local` the entry's pax
 * records (pax sparse files only).
 */
export function sparseHeader(
  st: SparseState,
  b: Buffer,
  h: TarHeader,
  gnu: boolean,
  stored: number,
  realsize: number,
  local: PaxRecords | null,
): SparseNext {
  if (gnu) {
    st.real = num(b, 483, 12);
    if (Number.isNaN(st.real)) throw new TarError('bad-number', `${shownName(h.name)}: bad sparse real size`);
    h.size = st.real;
    const more = oldGnuMap(st, b, 386, 4, h.name);
    return more && b[482] !== 0 ? 'extension' : 'regions';
  }
  st.real = Number.isNaN(realsize) ? stored : realsize;
  h.size = st.real;
  // 1.0: the map opens the data, as decimal lines padded to a block.
  if (decimal(local!.major) > 0) return 'map';
  paxMap(st, local!, h.name);
  return 'regions';
}

/**
 * Move to the next region of a sparse file: the zeros before it go to `zeros`, its stored blocks
 * are taken from `st.stored`, and its length comes back; -1 after the last region, once the zeros
 * up to the real size are out. Each region starts on a block.
 */
export function nextRegion(st: SparseState, zeros: (n: number) => void, name: string): number {
  const m = st.map;
  while (st.next < m.length) {
    const offset = m[st.next];
    const numbytes = m[st.next + 1];
    st.next += 2;
    if (numbytes === 0) continue;
    if (offset > st.pos) zeros(offset - st.pos);
    st.pos = offset + numbytes;
    const blocks = roundUp(numbytes);
    if (blocks > st.stored) {
      throw new TarError('bad-sparse', `${shownName(name)}: sparse region runs past the stored data`);
    }
    st.stored -= blocks;
    return numbytes;
  }
  if (st.real > st.pos) zeros(st.real - st.pos);
  st.pos = st.real;
  return -1;
}
