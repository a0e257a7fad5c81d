/**
 * The one layer tar reader: a synchronous scanner that reads a tar stream as GNU tar reads it
 * (`tar -tvf` is the reference; docs/semantics.md, "Reading layer tars"), for the analysis, the
 * file view and `--extract` alike. It walks the bytes as they arrive, hands each entry's logical
 * content to a callback, and calls back once per entry; nothing is kept but the metadata of the
 * entry being read.
 * Dialects: ustar, GNU, pax and v7 (tar-header.ts). Names are bytes: every name and link target,
 * whatever carried it, comes out as a byte string (src/model/names.ts).
 *
 * Why not a library (measured in bench/README.md, "The layer tar reader"): on a layer of 100 000
 * small files this scanner takes a quarter to a half of the CPU time of node-tar's Parser or
 * tar-stream, and neither reads these layers as GNU tar does (both decode a pax `path` as UTF-8, so
 * `caf\xe9` merges with every other invalid name; both mis-list sparse files; neither gives a
 * sparse file's logical content).
 *
 * The header (tar-header.ts), the entry it describes (tar-entry.ts, with pax records: tar-pax.ts)
 * and sparse maps (tar-sparse.ts) are read in their own modules; this one is the loop over the bytes.
 */

import { EntryMeta } from './tar-entry.js';
import {
  checksumOk,
  isGnuMagic,
  isUstar,
  isZeroBlock,
  isMetaFlag,
  num,
  roundUp,
  TarError,
  type TarHeader,
} from './tar-header.js';
import {
  checkRegions,
  newSparse,
  nextRegion,
  oldGnuMap,
  sparseHeader,
  sparseMapBlock,
  zerosAsData,
  type SparseState,
} from './tar-sparse.js';

export interface TarScanCallbacks {
  /** A header; a regular file's logical content follows through onData and onZeros, then onEnd. */
  onEntry(h: TarHeader): void;
  onData(chunk: Buffer): void;
  /**
   * A run of `n` zero bytes of a sparse file's holes. Without this callback the zeros come
   * through onData, in chunks of a shared zero buffer.
   */
  onZeros?(n: number): void;
  onEnd(h: TarHeader): void;
  /** Something GNU tar would complain about but read past (a malformed pax record, an unknown type). */
  onWarning?(message: string): void;
}

enum Mode {
  Header,
  /** Gathering a pax / GNU long-name record (into `meta`). */
  Meta,
  /** Reading old GNU sparse extension headers into `head`. */
  SparseExt,
  /** Reading the GNU sparse 1.0 map at the start of the data. */
  SparseMap,
  /** Passing `left` bytes of data to the callbacks. */
  Data,
  /** Skipping `left` bytes. */
  Skip,
  /** After the end-of-archive marker: everything is ignored. */
  Done,
}

export class TarScanner {
  private readonly head = Buffer.alloc(512);
  private headHave = 0;
  private mode = Mode.Header;
  /** Bytes still to read in Data / Skip / Meta mode; padding to skip after Data or Meta. */
  private left = 0;
  private padAfter = 0;
  private current: TarHeader | null = null;
  private sparse: SparseState | null = null;
  private zeroBlocks = 0;
  private readonly zeros: (n: number) => void;
  private readonly warn: (m: string) => void;
  /** The records read since the last entry, and the global pax set. */
  private readonly meta: EntryMeta;

  constructor(private readonly cb: TarScanCallbacks) {
    this.zeros = cb.onZeros?.bind(cb) ?? zerosAsData(cb.onData.bind(cb));
    this.warn = cb.onWarning?.bind(cb) ?? (() => {});
    this.meta = new EntryMeta(this.warn);
  }

  /** True once the end-of-archive marker (two zero blocks) has been read. */
  get ended(): boolean {
    return this.mode === Mode.Done;
  }

  push(chunk: Buffer): void {
    let off = 0;
    const n = chunk.length;
    while (off < n) {
      switch (this.mode) {
        case Mode.Done:
          return;
        case Mode.Data: {
          const take = Math.min(this.left, n - off);
          this.cb.onData(chunk.subarray(off, off + take));
          this.left -= take;
          off += take;
          if (this.left === 0) this.afterData();
          continue;
        }
        case Mode.Skip: {
          const take = Math.min(this.left, n - off);
          this.left -= take;
          off += take;
          if (this.left === 0) this.afterSkip();
          continue;
        }
        case Mode.Meta: {
          const take = Math.min(this.left, n - off);
          this.meta.take(chunk, off, off + take);
          this.left -= take;
          off += take;
          if (this.left === 0) this.finishMeta();
          continue;
        }
        default: {
          const take = Math.min(512 - this.headHave, n - off);
          chunk.copy(this.head, this.headHave, off, off + take);
          this.headHave += take;
          off += take;
          if (this.headHave < 512) continue;
          this.headHave = 0;
          if (this.mode === Mode.Header) this.header();
          else if (this.mode === Mode.SparseExt) this.sparseExt();
          else this.sparseMapBlock();
        }
      }
    }
  }

  /** The stream ended: anything half-read is an error. */
  end(): void {
    if (this.mode === Mode.Done || (this.mode === Mode.Header && this.headHave === 0)) return;
    throw new TarError('truncated', 'unexpected end of data (truncated tar)');
  }

  private header(): void {
    const b = this.head;
    if (isZeroBlock(b)) {
      // Two zero blocks end the archive, as for GNU tar; a lone one is read past.
      if (++this.zeroBlocks >= 2) this.mode = Mode.Done;
      return;
    }
    this.zeroBlocks = 0;
    if (!checksumOk(b)) throw new TarError('bad-checksum', 'invalid tar header (bad checksum)');
    const flag = b[156];
    const headerSize = num(b, 124, 12);
    if (Number.isNaN(headerSize)) throw new TarError('bad-number', 'invalid tar header (bad size field)');
    if (isMetaFlag(flag)) {
      this.meta.begin(flag, headerSize);
      this.left = headerSize;
      this.padAfter = (512 - (headerSize % 512)) % 512;
      this.mode = Mode.Meta;
      if (headerSize === 0) this.finishMeta();
      return;
    }
    const ustar = isUstar(b);
    const gnu = !ustar && isGnuMagic(b);
    const e = this.meta.entry(b, flag, headerSize, ustar, gnu);
    const { name, type, mode, uid, gid, size, linkname, stored, sparse } = e;

    if (type === null) {
      this.skipEntry(stored, null);
      return;
    }
    if (sparse && type !== 'file') {
      // A sparse header on a directory by name: the directory, and its stored bytes skipped.
      const d: TarHeader = { name, type, mode, uid, gid, size: 0, linkname, sparse: false };
      this.cb.onEntry(d);
      this.skipEntry(stored, d);
      return;
    }
    const h: TarHeader = { name, type, mode, uid, gid, size, linkname, sparse };
    if (!sparse) {
      this.current = h;
      this.cb.onEntry(h);
      if (type === 'directory' && flag !== 0x44) this.startData(0);
      else if (type === 'file') this.startData(size);
      else this.skipEntry(size, h);
      return;
    }

    // A sparse file: its real size, its map, then its regions.
    this.sparse = newSparse(stored);
    this.current = h;
    const next = sparseHeader(this.sparse, b, h, gnu, stored, e.realsize, e.pax);
    if (next === 'extension') this.mode = Mode.SparseExt;
    else if (next === 'map') this.mode = Mode.SparseMap;
    else this.startSparse();
  }

  private sparseExt(): void {
    const more = oldGnuMap(this.sparse!, this.head, 0, 21, this.current!.name);
    if (more && this.head[504] !== 0) return; // another extension header follows
    this.startSparse();
  }

  /** One block of a GNU sparse 1.0 map; the entry starts once the map is complete. */
  private sparseMapBlock(): void {
    if (sparseMapBlock(this.sparse!, this.head, this.current!.name)) this.startSparse();
  }

  /** The map is known: announce the entry and read its regions in order. */
  private startSparse(): void {
    const h = this.current!;
    checkRegions(this.sparse!, h.name);
    this.cb.onEntry(h);
    this.nextRegion();
  }

  /** Zeros up to the next region, then its stored bytes; after the last one, the entry ends. */
  private nextRegion(): void {
    const st = this.sparse!;
    const numbytes = nextRegion(st, this.zeros, this.current!.name);
    if (numbytes >= 0) {
      this.left = numbytes;
      this.padAfter = roundUp(numbytes) - numbytes;
      this.mode = Mode.Data;
      return;
    }
    const rest = st.stored;
    this.sparse = null;
    this.finishEntry();
    this.skip(rest);
  }

  private skipEntry(size: number, h: TarHeader | null): void {
    if (h) {
      this.current = null;
      this.cb.onEnd(h);
    }
    this.skip(roundUp(size));
  }

  private skip(n: number): void {
    if (n === 0) {
      this.mode = Mode.Header;
      return;
    }
    this.left = n;
    this.mode = Mode.Skip;
  }

  private startData(size: number): void {
    if (size === 0) {
      this.finishEntry();
      this.mode = Mode.Header;
      return;
    }
    this.left = size;
    this.padAfter = roundUp(size) - size;
    this.mode = Mode.Data;
  }

  private afterData(): void {
    const pad = this.padAfter;
    this.padAfter = 0;
    if (this.sparse) {
      if (pad > 0) {
        this.left = pad;
        this.mode = Mode.Skip;
      } else this.nextRegion();
      return;
    }
    this.finishEntry();
    this.skip(pad);
  }

  private afterSkip(): void {
    if (this.sparse) this.nextRegion();
    else this.mode = Mode.Header;
  }

  private finishMeta(): void {
    const pad = this.padAfter;
    this.padAfter = 0;
    this.meta.finish();
    this.skip(pad);
  }

  private finishEntry(): void {
    const h = this.current;
    this.current = null;
    if (h) this.cb.onEnd(h);
  }
}
