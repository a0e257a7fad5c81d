/**
 * pax extended headers (`x`, `X` and `g` records) as GNU tar reads them: the keywords that change
 * an entry (path, linkpath, size, uid, gid, and the GNU sparse keywords), and how they apply.
 *
 * Time is linear in the input whatever it holds: a global header keeps only the few keywords that
 * change an entry, so its size never multiplies by the number of entries.
 */
import { escapeText } from '../model/names.js';

export interface PaxRecords {
  path?: string;
  linkpath?: string;
  size?: string;
  uid?: string;
  gid?: string;
  sparseName?: string;
  realsize?: string;
  major?: string;
  minor?: string;
  numblocks?: string;
  /** GNU sparse 0.0: offset / numbytes records in order; 0.1: the `GNU.sparse.map` value. */
  offsets?: string[];
  numbytes?: string[];
  map?: string;
  /** The order in which `path` and `GNU.sparse.name` came (the sparse name blocks a later path). */
  sparseNameFirst?: boolean;
}

/** The pax keywords that can change an entry (all others are read past, as GNU tar does). */
function record(out: PaxRecords, key: string, value: string, global: boolean): void {
  // GNU tar keeps the first of two equal keywords in a global header (its list is built backwards).
  switch (key) {
    case 'path':
      if (global && out.path !== undefined) return;
      out.path = value;
      if (out.sparseName === undefined) out.sparseNameFirst = false;
      return;
    case 'linkpath':
      if (!(global && out.linkpath !== undefined)) out.linkpath = value;
      return;
    case 'size':
      if (!(global && out.size !== undefined)) out.size = value;
      return;
    case 'uid':
      if (!(global && out.uid !== undefined)) out.uid = value;
      return;
    case 'gid':
      if (!(global && out.gid !== undefined)) out.gid = value;
      return;
    case 'GNU.sparse.name':
      if (global && out.sparseName !== undefined) return;
      out.sparseName = value;
      if (out.path === undefined) out.sparseNameFirst = true;
      return;
    case 'GNU.sparse.realsize':
    case 'GNU.sparse.size':
      if (!(global && out.realsize !== undefined)) out.realsize = value;
      return;
    case 'GNU.sparse.major':
      if (!(global && out.major !== undefined)) out.major = value;
      return;
    case 'GNU.sparse.minor':
      if (!(global && out.minor !== undefined)) out.minor = value;
      return;
  }
  if (global) return; // a sparse map in a global header describes no file
  switch (key) {
    case 'GNU.sparse.numblocks':
      out.numblocks = value;
      out.offsets = [];
      out.numbytes = [];
      out.map = undefined;
      return;
    case 'GNU.sparse.offset':
      if (out.offsets) out.offsets.push(value);
      else out.offsets = [value];
      return;
    case 'GNU.sparse.numbytes':
      if (out.numbytes) out.numbytes.push(value);
      else out.numbytes = [value];
      return;
    case 'GNU.sparse.map':
      out.map = value;
      return;
  }
}

/**
 * Parse pax records ("LEN KEY=VALUE\n") as GNU tar does: a malformed record stops the parse and
 * the records before it stay. Values are byte strings cut at a NUL (GNU tar reads them as C
 * strings); only the keywords `record` knows are kept.
 */
export function parsePax(buf: Buffer, out: PaxRecords, global: boolean, warn: (m: string) => void): void {
  let i = 0;
  const n = buf.length;
  while (i < n) {
    let p = i;
    while (p < n && (buf[p] === 0x20 || buf[p] === 0x09)) p++;
    let len = 0;
    const digits = p;
    while (p < n && buf[p] >= 0x30 && buf[p] <= 0x39 && len <= n) len = len * 10 + (buf[p++] - 0x30);
    if (p === digits) {
      if (p < n && buf[p] !== 0) warn('malformed pax header: missing length');
      return;
    }
    if (len > n - i) {
      warn('pax header record length is out of range');
      return;
    }
    const next = i + len;
    const lenEnd = p;
    while (p < next && (buf[p] === 0x20 || buf[p] === 0x09)) p++;
    if (p === lenEnd) {
      warn('malformed pax header: missing blank after length');
      return;
    }
    const eq = buf.indexOf(0x3d, p);
    if (eq < 0 || eq >= next) {
      warn('malformed pax header: missing equal sign');
      return;
    }
    if (buf[next - 1] !== 0x0a) {
      warn('malformed pax header: missing newline');
      return;
    }
    let vEnd = buf.indexOf(0, eq + 1);
    if (vEnd < 0 || vEnd > next - 1) vEnd = next - 1;
    let kEnd = buf.indexOf(0, p);
    if (kEnd < 0 || kEnd > eq) kEnd = eq;
    record(out, buf.toString('latin1', p, kEnd), buf.toString('latin1', eq + 1, vEnd), global);
    i = next;
  }
}

/** A decimal pax value, or NaN. */
export function decimal(s: string | undefined, max = Number.MAX_SAFE_INTEGER): number {
  if (s === undefined || !/^[0-9]+$/.test(s)) return NaN;
  const v = Number(s);
  return v <= max ? v : NaN;
}

/** An entry's fields as pax records change them. */
export interface EntryFields {
  name: string;
  linkname: string | null;
  size: number;
  uid: number;
  gid: number;
  realsize: number;
  sparseNameDone: boolean;
}

/** Apply pax records to an entry's fields (malformed numbers are read past, with a warning). */
export function applyPax(rec: PaxRecords, e: EntryFields, warn: (m: string) => void): void {
  if (rec.sparseName !== undefined && rec.sparseNameFirst) {
    e.sparseNameDone = true;
    if (rec.sparseName !== '') e.name = rec.sparseName;
  }
  if (rec.path !== undefined && rec.path !== '' && !e.sparseNameDone) e.name = rec.path;
  if (rec.sparseName !== undefined && !rec.sparseNameFirst) {
    e.sparseNameDone = true;
    if (rec.sparseName !== '') e.name = rec.sparseName;
  }
  if (rec.linkpath !== undefined) e.linkname = rec.linkpath;
  if (rec.size !== undefined) {
    const v = decimal(rec.size);
    if (Number.isNaN(v)) warn(`malformed pax size "${escapeText(rec.size)}" ignored`);
    else e.size = v;
  }
  if (rec.uid !== undefined) {
    const v = decimal(rec.uid, 0xffffffff);
    if (Number.isNaN(v)) warn(`malformed pax uid "${escapeText(rec.uid)}" ignored`);
    else e.uid = v;
  }
  if (rec.gid !== undefined) {
    const v = decimal(rec.gid, 0xffffffff);
    if (Number.isNaN(v)) warn(`malformed pax gid "${escapeText(rec.gid)}" ignored`);
    else e.gid = v;
  }
  if (rec.realsize !== undefined) {
    const v = decimal(rec.realsize);
    if (Number.isNaN(v)) warn(`malformed GNU.sparse.realsize "${escapeText(rec.realsize)}" ignored`);
    else e.realsize = v;
  }
}

/** Regions a pax sparse map gives (0.1: 1 for any non-empty map), as GNU tar counts them. */
export function paxMapLength(rec: PaxRecords): number {
  const limit = decimal(rec.numblocks) || 0;
  if (rec.map !== undefined) return rec.map !== '' && limit > 0 ? 1 : 0;
  return Math.min(rec.numbytes?.length ?? 0, limit);
}
