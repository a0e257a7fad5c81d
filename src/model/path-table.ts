/**
 * Interned path tree shared by every layer of one analysis.
 *
 * Each distinct path gets a small integer id; a node is only (parent id, segment id) in typed
 * arrays, and segments are interned strings, so 100 000 paths cost a few MB, not 100 000 objects.
 * Id 0 is the root "/". Parents are always interned before their children, so ascending id order
 * is a valid parent-before-child order (the merge relies on that). Nothing here recurses.
 */

import { createHash } from 'node:crypto';
import { grownCopy, grownLength } from './grow.js';

const SEG_LIMIT = 1 << 26; // child key = parent * SEG_LIMIT + segment stays below 2^53

/**
 * V8 hashes a string longer than 16 383 chars by its length alone, so a Map keyed by many long
 * segments of one length degrades to comparing them all (quadratic). Long segments are keyed by
 * their SHA-256 instead, behind a char no byte string holds; the segment itself is still compared.
 */
const LONG_SEGMENT = 4096;
function segmentKey(segment: string): string {
  if (segment.length <= LONG_SEGMENT) return segment;
  return `\u0100${createHash('sha256').update(segment, 'utf8').digest('base64')}`;
}

export class PathTable {
  private parentArr = new Int32Array(1024);
  private segArr = new Int32Array(1024);
  private firstChildArr = new Int32Array(1024).fill(-1);
  private nextSiblingArr = new Int32Array(1024).fill(-1);
  private depthArr = new Int32Array(1024);
  private readonly segments: string[] = [''];
  private readonly segmentIds = new Map<string, number>([['', 0]]);
  // Child lookup: an open-addressing hash table in typed arrays, keyed by parent * SEG_LIMIT +
  // segment. Those keys pass V8's small-integer range, so a Map would box every key on the heap.
  private slotKey = new Float64Array(2048).fill(-1);
  private slotVal = new Int32Array(2048);
  private count = 1;
  /** The last path interned and its directory, with their ids (see intern). */
  private lastPath = '';
  private lastId = 0;
  private lastDir = '';
  private lastDirId = 0;

  constructor() {
    this.parentArr[0] = -1;
  }

  get size(): number {
    return this.count;
  }

  parent(id: number): number {
    return this.parentArr[id];
  }

  depth(id: number): number {
    return this.depthArr[id];
  }

  name(id: number): string {
    return this.segments[this.segArr[id]];
  }

  firstChild(id: number): number {
    return this.firstChildArr[id];
  }

  nextSibling(id: number): number {
    return this.nextSiblingArr[id];
  }

  /** Absolute path ("/a/b"), built iteratively. */
  path(id: number): string {
    if (id === 0) return '/';
    const parts: string[] = [];
    for (let cur = id; cur > 0; cur = this.parentArr[cur]) parts.push(this.segments[this.segArr[cur]]);
    parts.reverse();
    return `/${parts.join('/')}`;
  }

  /** Id of a child segment of `parent`, interning it when `create` is set; -1 when absent. */
  child(parent: number, segment: string, create: boolean): number {
    const skey = segmentKey(segment);
    let seg = this.segmentIds.get(skey);
    if (seg !== undefined && skey !== segment && this.segments[seg] !== segment) {
      throw new Error('path segment digest collision');
    }
    if (seg === undefined) {
      if (!create) return -1;
      seg = this.segments.length;
      if (seg >= SEG_LIMIT) throw new Error('too many distinct path segments');
      this.segments.push(segment);
      this.segmentIds.set(skey, seg);
    }
    const key = parent * SEG_LIMIT + seg;
    const mask = this.slotKey.length - 1;
    let slot = hashKey(key) & mask;
    for (;;) {
      const k = this.slotKey[slot];
      if (k === key) return this.slotVal[slot];
      if (k === -1) break;
      slot = (slot + 1) & mask;
    }
    if (!create) return -1;
    const id = this.count++;
    if (id >= this.parentArr.length) this.grow();
    this.parentArr[id] = parent;
    this.segArr[id] = seg;
    this.depthArr[id] = this.depthArr[parent] + 1;
    this.firstChildArr[id] = -1;
    // Prepend: sibling order is irrelevant, views sort children themselves.
    this.nextSiblingArr[id] = this.firstChildArr[parent];
    this.firstChildArr[parent] = id;
    this.slotKey[slot] = key;
    this.slotVal[slot] = id;
    // Keep the table at most half full.
    if (this.count * 2 > this.slotKey.length) this.rehash();
    return id;
  }

  /**
   * Intern a normalised relative path ("a/b/c", "" for the root). Tars list a directory's entries
   * together and parents before children, so the walk starts below the last path interned or its
   * directory when the new path extends them: a path thousands of segments deep costs its bytes,
   * not its depth, per entry.
   */
  intern(normalised: string): number {
    if (normalised === '') return 0;
    let cur = 0;
    let start = 0;
    const last = this.lastPath;
    if (extends_(normalised, last)) {
      cur = this.lastId;
      start = last.length + 1;
    } else {
      const dir = this.lastDir;
      if (extends_(normalised, dir)) {
        cur = this.lastDirId;
        start = dir.length + 1;
      }
    }
    for (;;) {
      const slash = normalised.indexOf('/', start);
      const seg = slash === -1 ? normalised.slice(start) : normalised.slice(start, slash);
      const parent = cur;
      cur = this.child(cur, seg, true);
      if (slash === -1) {
        if (start > 0) {
          this.lastDir = normalised.slice(0, start - 1);
          this.lastDirId = parent;
        } else {
          this.lastDir = '';
        }
        this.lastPath = normalised;
        this.lastId = cur;
        return cur;
      }
      start = slash + 1;
    }
  }

  /** Id of an absolute or relative path, or -1 when it was never seen. */
  lookup(path: string): number {
    const norm = normalisePath(path).path;
    if (norm === '') return 0;
    let cur = 0;
    for (const seg of norm.split('/')) {
      cur = this.child(cur, seg, false);
      if (cur < 0) return -1;
    }
    return cur;
  }

  /** True when `ancestor` is a proper ancestor of `id`. */
  isAncestor(ancestor: number, id: number): boolean {
    for (let cur = this.parentArr[id]; cur >= 0; cur = this.parentArr[cur]) if (cur === ancestor) return true;
    return false;
  }

  /**
   * Visit every proper descendant of `id`, iteratively (paths can be thousands deep).
   * The callback returns false to skip a node's subtree.
   */
  forEachDescendant(id: number, visit: (node: number) => unknown): void {
    const stack: number[] = [];
    for (let c = this.firstChildArr[id]; c >= 0; c = this.nextSiblingArr[c]) stack.push(c);
    while (stack.length > 0) {
      const node = stack.pop()!;
      if (visit(node) === false) continue;
      for (let c = this.firstChildArr[node]; c >= 0; c = this.nextSiblingArr[c]) stack.push(c);
    }
  }

  private rehash(): void {
    const oldKeys = this.slotKey;
    const oldVals = this.slotVal;
    this.slotKey = new Float64Array(oldKeys.length * 2).fill(-1);
    this.slotVal = new Int32Array(oldKeys.length * 2);
    const mask = this.slotKey.length - 1;
    for (let i = 0; i < oldKeys.length; i++) {
      const k = oldKeys[i];
      if (k === -1) continue;
      let slot = hashKey(k) & mask;
      while (this.slotKey[slot] !== -1) slot = (slot + 1) & mask;
      this.slotKey[slot] = k;
      this.slotVal[slot] = oldVals[i];
    }
  }

  private grow(): void {
    const n = grownLength(this.parentArr.length, this.count);
    this.parentArr = grownCopy(this.parentArr, n);
    this.segArr = grownCopy(this.segArr, n);
    this.depthArr = grownCopy(this.depthArr, n);
    this.firstChildArr = grownCopy(this.firstChildArr, n, -1);
    this.nextSiblingArr = grownCopy(this.nextSiblingArr, n, -1);
  }
}

/** True when `path` lies below the non-empty path `base`. */
function extends_(path: string, base: string): boolean {
  return base !== '' && path.length > base.length && path.charCodeAt(base.length) === 0x2f && path.startsWith(base);
}

/** Mix a (parent, segment) key (an integer below 2^53) into 31 bits. */
function hashKey(key: number): number {
  const lo = (key % 0x100000000) | 0;
  const hi = (key / 0x100000000) | 0;
  let h = Math.imul(lo ^ Math.imul(hi, 0x9e3779b1), 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) & 0x7fffffff;
}

export interface NormalisedPath {
  /** Relative path without leading or trailing slash; "" is the root. */
  path: string;
  /** The name tried to climb above the root with "..", or was absolute below the root (worth a warning). */
  escaped: boolean;
}

/**
 * Normalise a tar entry name: drop "./", leading and trailing "/", empty and "." segments, and
 * resolve ".." lexically, clamped at the root (what an extractor confined to a root does).
 */
export function normalisePath(name: string): NormalisedPath {
  // An absolute name is confined to the root; "/" alone (kaniko writes it) is just the root.
  let escaped = name.startsWith('/') && name.replace(/^\/+/, '') !== '';
  if (
    !name.includes('..') &&
    !name.includes('//') &&
    !name.includes('./') &&
    !name.startsWith('/') &&
    !name.endsWith('/') &&
    name !== '.'
  ) {
    return { path: name, escaped: false };
  }
  const out: string[] = [];
  for (const seg of name.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (out.length === 0) escaped = true;
      else out.pop();
      continue;
    }
    out.push(seg);
  }
  return { path: out.join('/'), escaped };
}
