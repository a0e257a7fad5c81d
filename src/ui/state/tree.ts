/**
 * File tree pane state and its pure reducer. The cursor is a path id (so it survives layer, sort,
 * filter and expansion changes); the window offset is a row index, clamped on every action and
 * again when rendering.
 */
import type { ViewMode } from '../../model/tree.js';
import { NO_FILTERS, type ChangeFilter, type TreeFilters } from '../../model/tree-filters.js';
import { ancestors, hasVisibleChildren, isExpanded, type SortKey, type TreeRows } from '../../model/tree-rows.js';
import { clampList, reduceList, type ListAction } from './list.js';

export interface TreeState {
  mode: ViewMode;
  sort: SortKey;
  /** Directories at this depth or above start expanded (1: top-level directories open). */
  expandDepth: number;
  /** Directories whose state differs from the default. */
  toggled: ReadonlySet<number>;
  filters: TreeFilters;
  /** The committed search ('' = none). */
  search: string;
  cursorPath: number;
  offset: number;
}

export const INITIAL_TREE: TreeState = {
  mode: 'layer',
  sort: 'name',
  expandDepth: 1,
  toggled: new Set(),
  filters: NO_FILTERS,
  search: '',
  cursorPath: -1,
  offset: 0,
};

export type TreeAction =
  | { type: 'list'; action: ListAction }
  | { type: 'toggle' }
  | { type: 'collapse' }
  | { type: 'expand' }
  | { type: 'expandAll' }
  | { type: 'collapseAll' }
  | { type: 'mode' }
  | { type: 'sort' }
  | { type: 'hide'; kind: ChangeFilter }
  | { type: 'filters'; filters: TreeFilters }
  | { type: 'search'; query: string; from: number }
  | { type: 'searchStep'; dir: 1 | -1 }
  | { type: 'reveal'; path: number };

/** What the reducer needs to know about the current rows. */
export interface TreeCtx {
  rows: TreeRows | null;
  height: number;
  /** Full display order (all directories expanded), for search. */
  order: () => Int32Array | null;
  matches: (query: string) => number[];
}

/** The row of the cursor: its path, else its nearest shown ancestor, else the first row. */
export function cursorRow(rows: TreeRows, path: number): number {
  for (let p = path; p > 0 && p < rows.rowOf.length; p = rows.index.table.parent(p)) {
    if (rows.rowOf[p] >= 0) return rows.rowOf[p];
  }
  return 0;
}

/** Window offset and cursor row, clamped, for rendering. */
export function treeWindow(s: TreeState, rows: TreeRows, height: number): { cursor: number; offset: number } {
  return clampList({ cursor: cursorRow(rows, s.cursorPath), offset: s.offset }, rows.ids.length, height);
}

function flip(set: ReadonlySet<number>, p: number): Set<number> {
  const n = new Set(set);
  if (n.has(p)) n.delete(p);
  else n.add(p);
  return n;
}

function setExpanded(s: TreeState, rows: TreeRows, p: number, open: boolean): TreeState {
  if (isExpanded(rows.index, s, p) === open) return s;
  return { ...s, toggled: flip(s.toggled, p) };
}

/** Expand every ancestor of p and put the cursor on it. */
function reveal(s: TreeState, rows: TreeRows, p: number): TreeState {
  let toggled: Set<number> | null = null;
  for (const a of ancestors(rows.index, p)) {
    if (!isExpanded(rows.index, { expandDepth: s.expandDepth, toggled: toggled ?? s.toggled }, a)) {
      toggled ??= new Set(s.toggled);
      if (toggled.has(a)) toggled.delete(a);
      else toggled.add(a);
    }
  }
  return { ...s, toggled: toggled ?? s.toggled, cursorPath: p };
}

function withCursor(s: TreeState, rows: TreeRows, cursor: number, offset: number, height: number): TreeState {
  const c = clampList({ cursor, offset }, rows.ids.length, height);
  const cursorPath = rows.ids.length > 0 ? rows.ids[c.cursor] : -1;
  return cursorPath === s.cursorPath && c.offset === s.offset ? s : { ...s, cursorPath, offset: c.offset };
}

/** Position of the cursor in the full order (the closest at or before it when hidden). */
function orderPos(order: Int32Array, path: number): number {
  for (let i = 0; i < order.length; i++) if (order[i] === path) return i;
  return -1;
}

export function reduceTree(s: TreeState, a: TreeAction, ctx: TreeCtx): TreeState {
  switch (a.type) {
    case 'mode':
      return { ...s, mode: s.mode === 'layer' ? 'aggregated' : 'layer' };
    case 'sort':
      // By size, the largest entries are what the user wants to see: the cursor goes to the top.
      return s.sort === 'name' ? { ...s, sort: 'size', cursorPath: -1, offset: 0 } : { ...s, sort: 'name' };
    case 'hide': {
      const hidden = s.filters.hidden.includes(a.kind)
        ? s.filters.hidden.filter((k) => k !== a.kind)
        : [...s.filters.hidden, a.kind];
      return { ...s, filters: { ...s.filters, hidden } };
    }
    case 'filters':
      return { ...s, filters: a.filters };
    case 'expandAll':
      return { ...s, expandDepth: Number.POSITIVE_INFINITY, toggled: new Set() };
    case 'collapseAll': {
      // The cursor moves to its top-level ancestor, which stays a row.
      let p = s.cursorPath;
      const rows = ctx.rows;
      if (rows && p > 0 && p < rows.rowOf.length) while (rows.index.table.parent(p) > 0) p = rows.index.table.parent(p);
      return { ...s, expandDepth: 0, toggled: new Set(), cursorPath: p };
    }
    default:
      break;
  }
  const rows = ctx.rows;
  if (!rows || rows.ids.length === 0) {
    if (a.type === 'search') return { ...s, search: a.query };
    return s;
  }
  const { cursor, offset } = treeWindow(s, rows, ctx.height);
  const cur = rows.ids[cursor];
  const idx = rows.index;
  switch (a.type) {
    case 'list': {
      const next = reduceList({ cursor, offset }, a.action, rows.ids.length, ctx.height);
      return withCursor(s, rows, next.cursor, next.offset, ctx.height);
    }
    case 'toggle':
      if (!idx.dir[cur] || !hasVisibleChildren(idx, rows.vis, cur)) return s;
      return { ...setExpanded(s, rows, cur, !isExpanded(idx, s, cur)), cursorPath: cur };
    case 'collapse': {
      if (idx.dir[cur] && isExpanded(idx, s, cur) && hasVisibleChildren(idx, rows.vis, cur))
        return { ...setExpanded(s, rows, cur, false), cursorPath: cur };
      const parent = idx.table.parent(cur);
      return parent > 0 ? { ...s, cursorPath: parent } : s;
    }
    case 'expand': {
      if (!idx.dir[cur] || !hasVisibleChildren(idx, rows.vis, cur)) return s;
      if (!isExpanded(idx, s, cur)) return { ...setExpanded(s, rows, cur, true), cursorPath: cur };
      return withCursor(s, rows, cursor + 1, offset, ctx.height);
    }
    case 'reveal':
      return reveal(s, rows, a.path);
    case 'search': {
      const next = { ...s, search: a.query };
      const order = ctx.order();
      if (!order || a.query === '') return next;
      const m = ctx.matches(a.query);
      if (m.length === 0) return next;
      // The first match at or after where the search started (wrapping around).
      const start = a.from >= 0 ? orderPos(order, a.from) : 0;
      const hit = m.find((i) => i >= start) ?? m[0];
      return reveal(next, rows, order[hit]);
    }
    case 'searchStep': {
      const order = ctx.order();
      if (!order || s.search === '') return s;
      const m = ctx.matches(s.search);
      if (m.length === 0) return s;
      const pos = orderPos(order, cur);
      const hit =
        a.dir > 0 ? (m.find((i) => i > pos) ?? m[0]) : ([...m].reverse().find((i) => i < pos) ?? m[m.length - 1]);
      return reveal(s, rows, order[hit]);
    }
  }
  return s;
}
