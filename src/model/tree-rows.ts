/**
 * The file tree as rows, for one snapshot (src/model/tree.ts): per-path shown type and size,
 * directory totals, sorted children, visibility under filters, and the flattened list of rows
 * of the expanded directories. Pure and iterative: paths can be thousands deep, so nothing here
 * recurses; path ids are parent-before-child (path-table.ts), so one descending pass over the ids
 * is a bottom-up pass over the tree.
 *
 * Paths interned after the snapshot was taken (ids >= snapshot size, while layers still stream in)
 * are never shown by that snapshot.
 */
import { C_NONE, shownVersion, type TreeSnapshot } from './tree.js';
import type { Analysis } from './analysis.js';
import { K_REMOVED } from './changes.js';
import { inodeParts } from './link-groups.js';
import { T_DIR, T_FILE, T_HARDLINK } from './layer-data.js';
import { changeFilterOf, type TreeFilters } from './tree-filters.js';
import { displayName } from './names.js';

export type SortKey = 'name' | 'size';
/** Per-snapshot facts about every shown path. */
export class TreeIndex {
  /** Number of path ids this snapshot covers. */
  readonly n: number;
  /** 1 when the path is shown by the snapshot. */
  readonly shown: Uint8Array;
  /** 1 for directories. */
  readonly dir: Uint8Array;
  /**
   * Files: the bytes they count. A link group (a file with several names) counts its size once, on
   * one of its shown names, 0 on the others, as `du --apparent-size` counts it; a hard link whose
   * file lost its other names shows that file's size. Directories: the total of the non-removed
   * files below them, so that the root's total at the top layer is unionBytes.
   */
  readonly size: Float64Array;
  private readonly sorted = { name: new Map<number, Int32Array>(), size: new Map<number, Int32Array>() };
  private lowerNames: (string | undefined)[] = [];

  constructor(
    readonly analysis: Analysis,
    readonly snap: TreeSnapshot,
  ) {
    const n = snap.event.length;
    this.n = n;
    this.shown = new Uint8Array(n);
    this.dir = new Uint8Array(n);
    this.size = new Float64Array(n);
    this.shown[0] = 1;
    this.dir[0] = 1;
    // Names of link groups shown by this snapshot, per inode (docs/semantics.md, "Hard links").
    let groups: Map<number, number[]> | null = null;
    for (let p = 1; p < n; p++) {
      const v = shownVersion(analysis, snap, p);
      if (!v) continue;
      this.shown[p] = 1;
      const t = analysis.entryType(v.layer, v.entry);
      if (t === T_DIR) {
        this.dir[p] = 1;
        continue;
      }
      if (t === T_FILE) {
        this.size[p] = analysis.layers[v.layer].size[v.entry];
        if (!analysis.isLinkGroup(v.layer, v.entry)) continue;
      } else if (t !== T_HARDLINK) continue;
      const ino = analysis.inodeOf(v.layer, v.entry);
      if (ino === null) continue;
      const [il, ie] = inodeParts(ino);
      this.size[p] = analysis.entrySize(il, ie);
      if (snap.change[p] !== K_REMOVED && this.size[p] > 0 && analysis.isLinkGroup(il, ie)) {
        groups ??= new Map();
        const names = groups.get(ino);
        if (names) names.push(p);
        else groups.set(ino, [p]);
      }
    }
    if (groups) for (const p of uncountedNames(analysis, groups)) this.size[p] = 0;
    const table = analysis.table;
    for (let p = n - 1; p > 0; p--) {
      if (!this.shown[p]) continue;
      // A removal counts toward its directory only when the directory is removed too: a removed
      // directory then shows the size of what it removed, a live one the size of what it holds.
      const parent = table.parent(p);
      if (snap.change[p] === K_REMOVED && (parent === 0 || snap.change[parent] !== K_REMOVED)) continue;
      this.size[parent] += this.size[p];
    }
  }

  get table() {
    return this.analysis.table;
  }

  change(p: number): number {
    return p < this.n ? this.snap.change[p] : C_NONE;
  }

  /** The name's display form in lower case: searches and path filters match what is shown. */
  lowerName(p: number): string {
    let s = this.lowerNames[p];
    if (s === undefined) {
      s = displayName(this.table.name(p)).toLowerCase();
      this.lowerNames[p] = s;
    }
    return s;
  }

  /** Shown children of a directory, sorted (cached per sort key). */
  children(p: number, sort: SortKey): Int32Array {
    const cache = this.sorted[sort];
    let c = cache.get(p);
    if (c) return c;
    const ids: number[] = [];
    const table = this.table;
    for (let ch = table.firstChild(p); ch >= 0; ch = table.nextSibling(ch))
      if (ch < this.n && this.shown[ch]) ids.push(ch);
    const byName = (x: number, y: number) => {
      const a = table.name(x);
      const b = table.name(y);
      return a < b ? -1 : a > b ? 1 : 0;
    };
    ids.sort(sort === 'name' ? byName : (x, y) => this.size[y] - this.size[x] || byName(x, y));
    c = Int32Array.from(ids);
    cache.set(p, c);
    return c;
  }

  /** Which paths pass the filters: a path passes itself, or shows because a descendant passes. */
  visibility(f: TreeFilters): Uint8Array {
    const n = this.n;
    const vis = new Uint8Array(n);
    const hidden = new Set(f.hidden);
    const table = this.table;
    const q = f.path.toLowerCase();
    let pathMatch: Uint8Array | null = null;
    if (q !== '') {
      // fullpath(p) contains q iff fullpath(parent) does, or q overlaps the appended "/name":
      // keep only the last q.length-1 characters of each path (top-down: parents first).
      pathMatch = new Uint8Array(n);
      const tail: string[] = new Array(n);
      tail[0] = '';
      const keep = Math.max(0, q.length - 1);
      for (let p = 1; p < n; p++) {
        if (!this.shown[p]) continue;
        const par = table.parent(p);
        const s = `${tail[par] ?? ''}/${this.lowerName(p)}`;
        tail[p] = keep === 0 ? '' : s.slice(-keep);
        pathMatch[p] = pathMatch[par] || s.includes(q) ? 1 : 0;
      }
    }
    let reMatch: Uint8Array | null = null;
    if (f.regex) {
      // The whole path is tested (top-down, parents first); an invalid expression matches nothing.
      let re: RegExp | null = null;
      try {
        re = new RegExp(f.regex, 'i');
      } catch {
        re = null;
      }
      reMatch = new Uint8Array(n);
      const full: string[] = new Array(n);
      full[0] = '';
      for (let p = 1; p < n && re; p++) {
        if (!this.shown[p]) continue;
        full[p] = `${full[table.parent(p)] ?? ''}/${this.lowerName(p)}`;
        reMatch[p] = re.test(full[p]) ? 1 : 0;
      }
    }
    for (let p = n - 1; p > 0; p--) {
      if (!this.shown[p]) continue;
      if (!vis[p]) {
        const kindOk = !hidden.has(changeFilterOf(this.snap.change[p]));
        const sizeOk = f.minSize <= 0 || (!this.dir[p] && this.size[p] >= f.minSize);
        const pathOk = (pathMatch === null || pathMatch[p] === 1) && (reMatch === null || reMatch[p] === 1);
        if (kindOk && sizeOk && pathOk) vis[p] = 1;
      }
      if (vis[p]) vis[table.parent(p)] = 1;
    }
    vis[0] = 1;
    return vis;
  }
}

/**
 * The names that do not count a link group's bytes again: per group, all but one. The one counted
 * is the name of the entry that holds the bytes when it is among the names, else the first name in
 * byte order, so that the choice does not depend on the order paths were interned.
 */
function uncountedNames(a: Analysis, groups: Map<number, number[]>): Set<number> {
  const out = new Set<number>();
  for (const [ino, names] of groups) {
    if (names.length < 2) continue;
    const [il, ie] = inodeParts(ino);
    const holder = a.layers[il].path[ie];
    let keep = names.includes(holder) ? holder : -1;
    if (keep < 0) {
      let best = '';
      for (const p of names) {
        const s = a.table.path(p);
        if (keep < 0 || s < best) {
          keep = p;
          best = s;
        }
      }
    }
    for (const p of names) if (p !== keep) out.add(p);
  }
  return out;
}

/** Which directories are open: those at depth <= expandDepth, flipped by `toggled`. */
export interface Expansion {
  expandDepth: number;
  toggled: ReadonlySet<number>;
}

export function isExpanded(idx: TreeIndex, e: Expansion, p: number): boolean {
  if (p === 0) return true;
  return idx.table.depth(p) <= e.expandDepth !== e.toggled.has(p);
}

export interface TreeRows {
  index: TreeIndex;
  vis: Uint8Array;
  sort: SortKey;
  /** Path id of each row, in display order. */
  ids: Int32Array;
  /** Row of each path id, -1 when not a row. */
  rowOf: Int32Array;
}

/**
 * Depth-first rows of the visible paths, descending only into expanded directories (explicit stack).
 * Hot on big trees (expand all on 100 000 paths, on every layer change): typed arrays sized by the
 * snapshot, no per-directory allocation.
 */
export function flatten(idx: TreeIndex, vis: Uint8Array, sort: SortKey, e: Expansion): TreeRows {
  const n = idx.n;
  // Every path is pushed at most once, so n bounds both the rows and the stack.
  const out = new Int32Array(n);
  const stack = new Int32Array(n);
  const rowOf = new Int32Array(n).fill(-1);
  const table = idx.table;
  const dir = idx.dir;
  const all = e.expandDepth === Number.POSITIVE_INFINITY && e.toggled.size === 0;
  let top = 0;
  let count = 0;
  const pushChildren = (p: number) => {
    const cs = idx.children(p, sort);
    for (let i = cs.length - 1; i >= 0; i--) if (vis[cs[i]]) stack[top++] = cs[i];
  };
  pushChildren(0);
  while (top > 0) {
    const p = stack[--top];
    rowOf[p] = count;
    out[count++] = p;
    if (dir[p] && (all || table.depth(p) <= e.expandDepth !== e.toggled.has(p))) pushChildren(p);
  }
  return { index: idx, vis, sort, ids: out.slice(0, count), rowOf };
}

/** True when the directory has at least one visible child. */
export function hasVisibleChildren(idx: TreeIndex, vis: Uint8Array, p: number): boolean {
  const t = idx.table;
  for (let c = t.firstChild(p); c >= 0; c = t.nextSibling(c)) if (c < idx.n && vis[c]) return true;
  return false;
}

/** Ancestors of p (nearest first), excluding the root. */
export function ancestors(idx: TreeIndex, p: number): number[] {
  const out: number[] = [];
  for (let a = idx.table.parent(p); a > 0; a = idx.table.parent(a)) out.push(a);
  return out;
}

/** The positions in `order` whose name, as displayed, contains `query` (case-insensitive). */
export function searchMatches(idx: TreeIndex, order: Int32Array, query: string): number[] {
  const q = query.toLowerCase();
  const out: number[] = [];
  if (q === '') return out;
  for (let i = 0; i < order.length; i++) if (idx.lowerName(order[i]).includes(q)) out.push(i);
  return out;
}
