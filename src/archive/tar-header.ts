/**
 * One 512-byte tar header as GNU tar reads it: its fields and numbers, its checksum, its magic
 * (ustar, GNU or none: v7), its type flag; and the error every tar reader throws.
 *
 * Dialects: ustar (with its 155-byte prefix), GNU (long names and links `L`/`K`, base-256
 * numbers, old GNU sparse files `S` with extension headers), pax (`x`/`X` records and `g` global
 * headers; GNU sparse 0.0, 0.1 and 1.0), and v7 headers with no magic.
 */
import { displayName } from '../model/names.js';

export type TarType = 'file' | 'link' | 'symlink' | 'character-device' | 'block-device' | 'directory' | 'fifo';

export interface TarHeader {
  /** The full name (after GNU long-name and pax records) as a byte string. */
  name: string;
  type: TarType;
  mode: number;
  uid: number;
  gid: number;
  /** The logical size: for a sparse file its real size, not the bytes stored. */
  size: number;
  /** The link target as a byte string, or null when the header has none. */
  linkname: string | null;
  /** A GNU or pax sparse file (its holes come through onZeros). */
  sparse: boolean;
}

export type TarErrorCode = 'truncated' | 'bad-checksum' | 'bad-number' | 'meta-too-large' | 'bad-sparse';

/** A tar stream that cannot be read; `code` says why (messages are for people only). */
export class TarError extends Error {
  constructor(
    readonly code: TarErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export function isZeroBlock(b: Buffer): boolean {
  for (let i = 0; i < 512; i++) if (b[i] !== 0) return false;
  return true;
}

/** A NUL-terminated field as a byte string. */
export function field(b: Buffer, start: number, len: number): string {
  let end = start;
  const stop = start + len;
  while (end < stop && b[end] !== 0) end++;
  return b.toString('latin1', start, end);
}

/**
 * A numeric header field as GNU tar reads it: octal digits after optional blanks (one leading NUL
 * tolerated), ended by a NUL or a blank; or base-256 when the first byte is 0x80 (0xff, negative,
 * is refused). A field of NULs is 0. NaN when the field holds anything else.
 */
export function num(b: Buffer, start: number, len: number): number {
  const stop = start + len;
  let i = start;
  if (b[i] === 0) i++;
  if (b[start] === 0x80) {
    let v = 0;
    for (let k = start + 1; k < stop; k++) v = v * 256 + b[k];
    return v <= Number.MAX_SAFE_INTEGER ? v : NaN;
  }
  if (b[start] === 0xff) return NaN;
  for (;;) {
    if (i === stop) return i === start + 1 && b[start] === 0 ? 0 : NaN; // blanks only
    const c = b[i];
    if (c !== 0x20 && (c < 0x09 || c > 0x0d)) break;
    i++;
  }
  let v = 0;
  while (i < stop && b[i] >= 0x30 && b[i] <= 0x37) v = v * 8 + (b[i++] - 0x30);
  if (i < stop && b[i] !== 0 && b[i] !== 0x20 && (b[i] < 0x09 || b[i] > 0x0d)) return NaN;
  return v;
}

/** The header checksum, accepted as the unsigned (POSIX) or the signed (old Sun) byte sum. */
export function checksumOk(b: Buffer): boolean {
  let sum = 8 * 0x20;
  for (let i = 0; i < 148; i++) sum += b[i];
  for (let i = 156; i < 512; i++) sum += b[i];
  const want = num(b, 148, 8);
  if (want === sum) return true;
  // Signed bytes: each byte of 128 or more counts 256 less.
  let high = 0;
  for (let i = 0; i < 148; i++) if (b[i] >= 128) high++;
  for (let i = 156; i < 512; i++) if (b[i] >= 128) high++;
  return high > 0 && want === sum - 256 * high;
}

/** True when a 512-byte block is a tar header of any dialect (a valid checksum, not all zeros). */
export function isTarHeader(block: Uint8Array): boolean {
  if (block.length < 512) return false;
  const b = Buffer.from(block.buffer, block.byteOffset, 512);
  return !isZeroBlock(b) && checksumOk(b);
}

export function isUstar(b: Buffer): boolean {
  return b[257] === 0x75 && b[258] === 0x73 && b[259] === 0x74 && b[260] === 0x61 && b[261] === 0x72 && b[262] === 0;
}

export function isGnuMagic(b: Buffer): boolean {
  return (
    b[257] === 0x75 &&
    b[258] === 0x73 &&
    b[259] === 0x74 &&
    b[260] === 0x61 &&
    b[261] === 0x72 &&
    b[262] === 0x20 &&
    b[263] === 0x20 &&
    b[264] === 0
  );
}

/**
 * The entry type of a header's type flag, as GNU tar reads it; null for the GNU volume and
 * multi-volume headers, which are skipped. `name` is the full name (a trailing slash makes a
 * regular file a directory, as in old tars).
 */
export function entryType(flag: number, name: string, warn: (m: string) => void): TarType | null {
  switch (flag) {
    case 0:
    case 0x30:
    case 0x37:
      // Regular files; a trailing slash on the full name makes one a directory (old tars).
      return name.charCodeAt(name.length - 1) === 0x2f ? 'directory' : 'file';
    case 0x31:
      return 'link';
    case 0x32:
      return 'symlink';
    case 0x33:
      return 'character-device';
    case 0x34:
      return 'block-device';
    case 0x35:
    case 0x44: // GNU dumpdir: a directory whose data lists its contents
      return 'directory';
    case 0x36:
      return 'fifo';
    case 0x56: // GNU volume header
    case 0x4d: // GNU multi-volume continuation
      return null;
    case 0x53: // GNU sparse file
      return 'file';
    default:
      warn(`unknown tar entry type '${String.fromCharCode(flag)}' read as a regular file`);
      return 'file';
  }
}

/** Type flags of metadata headers (what follows them is a record, not an entry). */
export const META_X = 0x78;
export const META_G = 0x67;
export const META_SOLARIS_X = 0x58;
export const META_L = 0x4c;
export const META_K = 0x4b;

/** True for the type flag of a metadata header: pax (`x`, `X`, `g`) or a GNU long name or link. */
export function isMetaFlag(flag: number): boolean {
  return flag === META_X || flag === META_SOLARIS_X || flag === META_G || flag === META_L || flag === META_K;
}

export function roundUp(n: number): number {
  return Math.ceil(n / 512) * 512;
}

/** A name as messages show it: escaped, and cut after 200 bytes. */
export function shownName(name: string): string {
  return displayName(name.length > 200 ? `${name.slice(0, 200)}...` : name);
}
