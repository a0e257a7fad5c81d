/**
 * A synchronous tar scanner for the hot path: layer tars, where Strata needs every header and a
 * digest of every regular file's bytes, and nothing else.
 *
 * Why not tar-stream here (it still reads the outer archives and extracts files): tar-stream makes
 * a stream object per entry and hops through the event loop for each, which on a layer of 80 000
 * small files costs more than the hashing itself. This scanner walks the bytes as they arrive, feeds
 * file data straight to the digest, and calls back once per entry. It reads ustar, GNU (long names
 * and links, base-256 numbers) and pax (path, linkpath, size, uid, gid; global headers) entries;
 * like tar-stream, it skips zero blocks rather than stopping at the first end-of-archive marker,
 * since eStargz puts its table of contents after one.
 */

export type TarType = 'file' | 'link' | 'symlink' | 'character-device' | 'block-device' | 'directory' | 'fifo' | 'contiguous-file' | 'other';

export interface TarHeader {
  /** The name as bytes read as latin1 (ustar and GNU) or as decoded UTF-8 (pax). */
  name: string;
  type: TarType;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  linkname: string | null;
}

export interface TarScanCallbacks {
  /** A header; for a regular file, its data follows through onData, then onEnd. */
  onEntry(h: TarHeader): void;
  onData(chunk: Buffer): void;
  onEnd(h: TarHeader): void;
}

/** The messages match tar-stream's, so callers describe both alike. */
export class TarScanError extends Error {}

const TYPES: Record<number, TarType> = {
  0: 'file', 0x30: 'file', 0x31: 'link', 0x32: 'symlink', 0x33: 'character-device', 0x34: 'block-device', 0x35: 'directory', 0x36: 'fifo', 0x37: 'contiguous-file',
};
const MAX_META = 1024 * 1024; // pax and GNU long-name records

function isZero(b: Buffer): boolean {
  for (let i = 0; i < 512; i++) if (b[i] !== 0) return false;
  return true;
}

function str(b: Buffer, start: number, len: number): string {
  let end = start;
  const stop = start + len;
  while (end < stop && b[end] !== 0) end++;
  return b.toString('latin1', start, end);
}

/** Octal ASCII, or base-256 when the first byte has its high bit set (GNU). */
function num(b: Buffer, start: number, len: number): number {
  if (b[start] & 0x80) {
    let v = b[start] & 0x7f;
    for (let i = start + 1; i < start + len; i++) v = v * 256 + b[i];
    return v;
  }
  let i = start;
  const stop = start + len;
  while (i < stop && (b[i] === 0x20 || b[i] === 0)) i++;
  let v = 0;
  let digits = 0;
  for (; i < stop; i++) {
    const c = b[i];
    if (c < 0x30 || c > 0x37) break;
    v = v * 8 + (c - 0x30);
    digits++;
  }
  return digits === 0 ? 0 : v;
}

function checksumOk(b: Buffer): boolean {
  let sum = 8 * 0x20;
  for (let i = 0; i < 148; i++) sum += b[i];
  for (let i = 156; i < 512; i++) sum += b[i];
  return sum === num(b, 148, 8);
}

function parsePax(buf: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let i = 0;
  while (i < buf.length) {
    const sp = buf.indexOf(0x20, i);
    if (sp < 0) break;
    const len = Number(buf.toString('latin1', i, sp));
    if (!Number.isInteger(len) || len <= 0 || i + len > buf.length) break;
    const rec = buf.toString('utf8', sp + 1, i + len - 1);
    const eq = rec.indexOf('=');
    if (eq > 0) out[rec.slice(0, eq)] = rec.slice(eq + 1);
    i += len;
  }
  return out;
}

export class TarScanner {
  private readonly head = Buffer.alloc(512);
  private headHave = 0;
  /** Bytes of entry data still to come, then padding to skip. */
  private dataLeft = 0;
  private padLeft = 0;
  private current: TarHeader | null = null;
  /** A pax or GNU record being gathered. */
  private meta: { kind: number; parts: Buffer[]; have: number } | null = null;
  private pax: Record<string, string> | null = null;
  private paxGlobal: Record<string, string> = {};
  private longName: string | null = null;
  private longLink: string | null = null;

  constructor(private readonly cb: TarScanCallbacks) {}

  push(chunk: Buffer): void {
    let off = 0;
    const n = chunk.length;
    while (off < n) {
      if (this.dataLeft > 0) {
        const take = Math.min(this.dataLeft, n - off);
        const piece = chunk.subarray(off, off + take);
        if (this.meta) {
          this.meta.parts.push(piece);
          this.meta.have += take;
        } else this.cb.onData(piece);
        this.dataLeft -= take;
        off += take;
        if (this.dataLeft === 0) this.finishEntry();
        continue;
      }
      if (this.padLeft > 0) {
        const take = Math.min(this.padLeft, n - off);
        this.padLeft -= take;
        off += take;
        continue;
      }
      const take = Math.min(512 - this.headHave, n - off);
      chunk.copy(this.head, this.headHave, off, off + take);
      this.headHave += take;
      off += take;
      if (this.headHave === 512) {
        this.headHave = 0;
        this.header();
      }
    }
  }

  /** The stream ended: anything half-read is an error. */
  end(): void {
    if (this.dataLeft > 0 || this.padLeft > 0 || this.headHave > 0 || this.meta) {
      throw new TarScanError('Unexpected end of data');
    }
  }

  private header(): void {
    const b = this.head;
    if (isZero(b)) return; // end-of-archive marker (or padding): keep reading, as tar-stream does
    if (!checksumOk(b)) throw new TarScanError('Invalid tar header. Maybe the tar is corrupted or it needs to be gunzipped?');
    const flag = b[156];
    const size = num(b, 124, 12);
    if (!Number.isFinite(size) || size < 0) throw new TarScanError('Invalid tar header');
    if (flag === 0x78 /* x */ || flag === 0x67 /* g */ || flag === 0x4c /* L */ || flag === 0x4b /* K */) {
      if (size > MAX_META) throw new TarScanError('Header exceeds max size');
      this.meta = { kind: flag, parts: [], have: 0 };
      this.startData(size);
      return;
    }
    const ustar = b[257] === 0x75 && b[258] === 0x73 && b[259] === 0x74 && b[260] === 0x61 && b[261] === 0x72 && b[262] === 0;
    let name = str(b, 0, 100);
    if (ustar && b[345] !== 0) name = `${str(b, 345, 155)}/${name}`;
    let type = TYPES[flag] ?? 'other';
    // Old tars mark directories by a trailing slash only.
    if (type === 'file' && name.endsWith('/')) type = 'directory';
    const h: TarHeader = {
      name,
      type,
      mode: num(b, 100, 8),
      uid: num(b, 108, 8),
      gid: num(b, 116, 8),
      size,
      linkname: b[157] === 0 ? null : str(b, 157, 100),
    };
    const pax = this.pax ? { ...this.paxGlobal, ...this.pax } : this.paxGlobal;
    if (this.longName !== null) h.name = this.longName;
    if (this.longLink !== null) h.linkname = this.longLink;
    if (pax.path !== undefined) h.name = pax.path;
    if (pax.linkpath !== undefined) h.linkname = pax.linkpath;
    if (pax.size !== undefined) h.size = Number(pax.size);
    if (pax.uid !== undefined) h.uid = Number(pax.uid);
    if (pax.gid !== undefined) h.gid = Number(pax.gid);
    if (!Number.isFinite(h.size) || h.size < 0) throw new TarScanError('Invalid tar header');
    this.pax = null;
    this.longName = null;
    this.longLink = null;
    // Directories carry no data whatever their size field says; anything else carries its size
    // (as tar-stream reads it, so both agree on where the next header is).
    const dataSize = type === 'directory' ? 0 : h.size;
    this.current = h;
    this.cb.onEntry(h);
    this.startData(dataSize);
  }

  private startData(size: number): void {
    this.dataLeft = size;
    this.padLeft = (512 - (size % 512)) % 512;
    if (size === 0) this.finishEntry();
  }

  private finishEntry(): void {
    if (this.meta) {
      const buf = Buffer.concat(this.meta.parts, this.meta.have);
      const kind = this.meta.kind;
      this.meta = null;
      if (kind === 0x78) this.pax = parsePax(buf);
      else if (kind === 0x67) this.paxGlobal = { ...this.paxGlobal, ...parsePax(buf) };
      else {
        const end = buf.indexOf(0);
        const text = buf.toString('latin1', 0, end < 0 ? buf.length : end);
        if (kind === 0x4c) this.longName = text;
        else this.longLink = text;
      }
      return;
    }
    const h = this.current;
    this.current = null;
    if (h) this.cb.onEnd(h);
  }
}
