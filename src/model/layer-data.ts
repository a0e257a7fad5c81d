/**
 * One parsed layer tar, stored as columns (struct of typed arrays) rather than one object per entry.
 * A layer is parsed independently of the others (so layers can be parsed in any order, in parallel,
 * or come from the cache); the merge in analysis.ts then relates it to the layers below.
 */
import { grownCopy, grownLength } from './grow.js';
import { normalisePath, type PathTable } from './path-table.js';

export type EntryType = 'file' | 'dir' | 'symlink' | 'hardlink' | 'char' | 'block' | 'fifo';
export const ENTRY_TYPES: readonly EntryType[] = ['file', 'dir', 'symlink', 'hardlink', 'char', 'block', 'fifo'];
export const T_FILE = 0;
export const T_DIR = 1;
export const T_SYMLINK = 2;
export const T_HARDLINK = 3;

/**
 * Bytes of the per-file content digest kept for comparisons: XXH128. It only decides "modified"
 * versus "unchanged rewrite" between two versions of one path with equal size and metadata, both
 * shipped by the same image, so collision resistance against the image's own author buys nothing;
 * at ~4 GB/s it costs a quarter of sha256 (the layer's diff_id stays sha256).
 */
export const HASH_LEN = 16;

export interface LayerData {
  /** sha256 of the uncompressed layer tar, "sha256:<hex>". */
  diffId: string;
  /** Number of (de-duplicated) entries. */
  count: number;
  path: Int32Array;
  type: Uint8Array;
  /** Permission bits incl. setuid/setgid/sticky (mode & 0o7777). */
  mode: Uint16Array;
  uid: Uint32Array;
  gid: Uint32Array;
  size: Float64Array;
  /** Index into `links`, -1 when the entry has no link target. */
  link: Int32Array;
  links: string[];
  /** count * HASH_LEN bytes; content digest of regular files, zeros otherwise. */
  hash: Uint8Array;
  /** Paths removed from the layers below by `.wh.NAME` entries. */
  whiteouts: Int32Array;
  /** Directories made opaque by `.wh..wh..opq`. */
  opaque: Int32Array;
  /** Sum of regular-file sizes in the tar, duplicates included. */
  sizeBytes: number;
  /** Regular files shipped twice in this tar and overwritten within it: their paths and sizes. */
  dupPath: Int32Array;
  dupSize: Float64Array;
  /** Length of the uncompressed tar stream. */
  tarBytes: number;
  warnings: string[];
}

/** True when entry `ae` of layer `a` and entry `be` of layer `b` have the same content digest. */
export function sameContent(a: LayerData, ae: number, b: LayerData, be: number): boolean {
  const ao = ae * HASH_LEN;
  const bo = be * HASH_LEN;
  for (let i = 0; i < HASH_LEN; i++) if (a.hash[ao + i] !== b.hash[bo + i]) return false;
  return true;
}

export interface RawEntry {
  name: string;
  type: EntryType;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  linkname?: string | null;
  /** Content digest (HASH_LEN bytes) for regular files. */
  hash?: Uint8Array;
}

const WH_PREFIX = '.wh.';
const WH_META_PREFIX = '.wh..wh.';
const WH_OPAQUE = '.wh..wh..opq';

/** Thrown for input that the OCI spec declares invalid (a bare `.wh.`). */
export class LayerFormatError extends Error {}

/** Accumulates the entries of one layer tar as they stream past. */
export class LayerBuilder {
  private n = 0;
  private cap = 64;
  private pathA = new Int32Array(this.cap);
  private typeA = new Uint8Array(this.cap);
  private modeA = new Uint16Array(this.cap);
  private uidA = new Uint32Array(this.cap);
  private gidA = new Uint32Array(this.cap);
  private sizeA = new Float64Array(this.cap);
  private linkA = new Int32Array(this.cap);
  private hashA = new Uint8Array(this.cap * HASH_LEN);
  private readonly links: string[] = [];
  /** Entry index + 1 per path id (0: not in this layer yet); dense, so a typed array beats a Map. */
  private byPath = new Int32Array(1024);
  private readonly whiteouts = new Set<number>();
  private readonly opaque = new Set<number>();
  private readonly warnings: string[] = [];
  private escapedNames = 0;
  private duplicates = 0;
  private readonly dupPath: number[] = [];
  private readonly dupSize: number[] = [];
  sizeBytes = 0;

  constructor(
    private readonly table: PathTable,
    private readonly label: string,
  ) {}

  get entries(): number {
    return this.n;
  }

  add(raw: RawEntry): void {
    const { path: rel, escaped } = normalisePath(raw.name);
    if (escaped) this.escapedNames++;
    if (raw.type === 'file') this.sizeBytes += raw.size;
    const slash = rel.lastIndexOf('/');
    const base = slash === -1 ? rel : rel.slice(slash + 1);
    if (base.startsWith(WH_PREFIX)) {
      const dir = slash === -1 ? '' : rel.slice(0, slash);
      if (base === WH_OPAQUE) {
        this.opaque.add(this.table.intern(dir));
      } else if (base.startsWith(WH_META_PREFIX)) {
        // .wh..wh.plnk and friends: aufs metadata, not a path.
      } else {
        const target = base.slice(WH_PREFIX.length);
        if (target === '' || target === '.' || target === '..') {
          throw new LayerFormatError(
            `${this.label}: invalid whiteout entry "${raw.name}" (a whiteout must name a path)`,
          );
        }
        this.whiteouts.add(this.table.intern(dir === '' ? target : `${dir}/${target}`));
      }
      return;
    }
    if (rel === '') {
      // The root itself ("./"): its metadata is not part of the image's filesystem view.
      return;
    }
    const id = this.table.intern(rel);
    if (id >= this.byPath.length) {
      this.byPath = grownCopy(this.byPath, grownLength(this.byPath.length, id + 1));
    }
    let idx: number | undefined = this.byPath[id] - 1;
    if (idx >= 0) {
      this.duplicates++;
      if (this.typeA[idx] === T_FILE && this.sizeA[idx] > 0) {
        this.dupPath.push(id);
        this.dupSize.push(this.sizeA[idx]);
      }
    } else {
      idx = this.n++;
      if (idx >= this.cap) this.grow();
      this.byPath[id] = idx + 1;
    }
    this.pathA[idx] = id;
    this.typeA[idx] = ENTRY_TYPES.indexOf(raw.type);
    this.modeA[idx] = raw.mode & 0o7777;
    this.uidA[idx] = raw.uid >>> 0;
    this.gidA[idx] = raw.gid >>> 0;
    this.sizeA[idx] = raw.type === 'file' ? raw.size : 0;
    if (raw.linkname != null && (raw.type === 'symlink' || raw.type === 'hardlink')) {
      this.linkA[idx] = this.links.length;
      this.links.push(raw.type === 'hardlink' ? `/${normalisePath(raw.linkname).path}` : raw.linkname);
    } else {
      this.linkA[idx] = -1;
    }
    const off = idx * HASH_LEN;
    if (raw.hash && raw.type === 'file') this.hashA.set(raw.hash.subarray(0, HASH_LEN), off);
    else this.hashA.fill(0, off, off + HASH_LEN);
  }

  finish(diffId: string, tarBytes: number): LayerData {
    if (this.duplicates > 0)
      this.warnings.push(`${this.label}: ${this.duplicates} duplicate entries (the last one wins)`);
    if (this.escapedNames > 0) {
      const how = 'were absolute or climbed above the root with ".." (confined to the root)';
      this.warnings.push(`${this.label}: ${this.escapedNames} entry names ${how}`);
    }
    const n = this.n;
    // Views, not copies: copying a 1 000 000-entry layer at the end would double its memory at
    // the worst moment; the unused tail of each column is at most half its length.
    return {
      diffId,
      count: n,
      path: this.pathA.subarray(0, n),
      type: this.typeA.subarray(0, n),
      mode: this.modeA.subarray(0, n),
      uid: this.uidA.subarray(0, n),
      gid: this.gidA.subarray(0, n),
      size: this.sizeA.subarray(0, n),
      link: this.linkA.subarray(0, n),
      links: this.links,
      hash: this.hashA.subarray(0, n * HASH_LEN),
      whiteouts: Int32Array.from(this.whiteouts),
      opaque: Int32Array.from(this.opaque),
      sizeBytes: this.sizeBytes,
      dupPath: Int32Array.from(this.dupPath),
      dupSize: Float64Array.from(this.dupSize),
      tarBytes,
      warnings: this.warnings,
    };
  }

  private grow(): void {
    this.cap = grownLength(this.cap, this.cap + 1);
    this.pathA = grownCopy(this.pathA, this.cap);
    this.typeA = grownCopy(this.typeA, this.cap);
    this.modeA = grownCopy(this.modeA, this.cap);
    this.uidA = grownCopy(this.uidA, this.cap);
    this.gidA = grownCopy(this.gidA, this.cap);
    this.sizeA = grownCopy(this.sizeA, this.cap);
    this.linkA = grownCopy(this.linkA, this.cap);
    this.hashA = grownCopy(this.hashA, this.cap * HASH_LEN);
  }
}
