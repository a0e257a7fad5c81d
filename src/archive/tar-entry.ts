/**
 * The entry a tar header describes, as GNU tar reads it: the header's fields, replaced by a GNU long
 * name or link (`L`, `K`) when one came before, then by the global pax records and the entry's own
 * (tar-pax.ts), in that order.
 */
import { entryType, field, META_G, META_L, META_SOLARIS_X, META_X, num, TarError, type TarType } from './tar-header.js';
import { applyPax, decimal, paxMapLength, parsePax, type EntryFields, type PaxRecords } from './tar-pax.js';

export interface DecodedEntry extends EntryFields {
  mode: number;
  /** Null for the GNU volume and multi-volume headers, which are skipped. */
  type: TarType | null;
  /** The archived bytes that follow the header (`size` before a pax realsize replaced it). */
  stored: number;
  /** A GNU or pax sparse file: its map comes next (tar-sparse.ts). */
  sparse: boolean;
  /** The entry's own pax records (a pax sparse file's map is there), null when none. */
  pax: PaxRecords | null;
}

/** pax and GNU long-name records larger than this are refused. */
const MAX_META = 1024 * 1024;

/** The metadata records read since the last entry (pax, GNU long names), and the global pax set. */
export class EntryMeta {
  /** The record being gathered: its header's type flag, its bytes so far. */
  private kind = 0;
  private buf: Buffer | null = null;
  private have = 0;
  private pax: PaxRecords | null = null;
  private paxGlobal: PaxRecords = {};
  private globalSet = false;
  private longName: string | null = null;
  private longLink: string | null = null;

  constructor(private readonly warn: (m: string) => void) {}

  /** Start gathering a record of `size` bytes, announced by a header of type flag `kind`. */
  begin(kind: number, size: number): void {
    if (size > MAX_META)
      throw new TarError('meta-too-large', `tar metadata record of ${size} bytes (limit ${MAX_META})`);
    this.kind = kind;
    this.buf = Buffer.allocUnsafe(size);
    this.have = 0;
  }

  /** The next bytes of the record: `chunk` from `start` to `end`. */
  take(chunk: Buffer, start: number, end: number): void {
    chunk.copy(this.buf!, this.have, start, end);
    this.have += end - start;
  }

  /** The record is whole: read it. */
  finish(): void {
    const buf = this.buf!;
    this.buf = null;
    this.read(this.kind, buf);
  }

  /** A metadata record read whole; `kind` is its header's type flag. */
  private read(kind: number, buf: Buffer): void {
    if (kind === META_X || kind === META_SOLARIS_X) {
      // A second extended header before one entry replaces the first, as in GNU tar.
      this.pax = {};
      parsePax(buf, this.pax, false, this.warn);
    } else if (kind === META_G) {
      // Each global header replaces the global set (GNU tar).
      this.paxGlobal = {};
      parsePax(buf, this.paxGlobal, true, this.warn);
      this.globalSet = Object.keys(this.paxGlobal).length > 0;
    } else {
      const end = buf.indexOf(0);
      const text = buf.toString('latin1', 0, end < 0 ? buf.length : end);
      if (kind === META_L) this.longName = text;
      else this.longLink = text;
    }
  }

  /** The entry header `b` describes, with the records read before it (it uses up all but the global set). */
  entry(b: Buffer, flag: number, headerSize: number, ustar: boolean, gnu: boolean): DecodedEntry {
    const globalPax = this.globalSet ? this.paxGlobal : null;
    const e = decodeEntry(
      b,
      flag,
      headerSize,
      ustar,
      gnu,
      this.longName,
      this.longLink,
      globalPax,
      this.pax,
      this.warn,
    );
    this.pax = null;
    this.longName = null;
    this.longLink = null;
    return e;
  }
}

/**
 * What a header that is not metadata describes; `headerSize` is its size field, already read.
 * Positional arguments: this runs once per entry, and allocates nothing but the entry.
 */
export function decodeEntry(
  b: Buffer,
  flag: number,
  headerSize: number,
  ustar: boolean,
  gnu: boolean,
  longName: string | null,
  longLink: string | null,
  globalPax: PaxRecords | null,
  local: PaxRecords | null,
  warn: (m: string) => void,
): DecodedEntry {
  let name: string;
  if (longName !== null) name = longName;
  else {
    name = field(b, 0, 100);
    if (ustar && b[345] !== 0) name = `${field(b, 345, 155)}/${name}`;
  }
  const linkname: string | null = longLink ?? (b[157] === 0 ? null : field(b, 157, 100));
  const mode = num(b, 100, 8);
  const uid = num(b, 108, 8);
  const gid = num(b, 116, 8);
  if (Number.isNaN(mode) || Number.isNaN(uid) || Number.isNaN(gid)) {
    throw new TarError('bad-number', 'invalid tar header (bad mode, uid or gid field)');
  }
  // Devices, FIFOs and links carry no data whatever their size field says (a pax size still counts).
  const size = flag === 0x31 || flag === 0x32 || flag === 0x33 || flag === 0x34 || flag === 0x36 ? 0 : headerSize;
  const e: DecodedEntry = {
    name,
    linkname,
    size,
    uid,
    gid,
    realsize: NaN,
    sparseNameDone: false,
    mode,
    type: null,
    stored: 0,
    sparse: false,
    pax: local,
  };
  // Global records first, then the entry's own, as GNU tar applies them.
  if (globalPax) applyPax(globalPax, e, warn);
  if (local) applyPax(local, e, warn);
  e.type = entryType(flag, e.name, warn);
  // The archived bytes that follow: none for a directory, else `size` (realsize replaces it
  // for a file GNU tar does not read as sparse).
  e.stored = e.size;
  if (gnu && flag === 0x53) e.sparse = true;
  else if (ustar && local) e.sparse = decimal(local.major) > 0 || paxMapLength(local) > 0;
  if (!e.sparse && !Number.isNaN(e.realsize)) e.size = e.realsize;
  return e;
}
