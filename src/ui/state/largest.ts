/**
 * The largest files of the final image (one key away, `L`) and the jump to a path or a name from
 * any pane (`:`). Both land in the tree at the layer that matters: the layer that shipped the
 * final version of the path. Pure.
 */
import type { Analysis } from '../../model/analysis.js';
import { T_FILE } from '../../model/layer-data.js';
import { normalisePath } from '../../model/path-table.js';
import { nameFromText } from '../../model/names.js';
import { EMPTY_LIST, type ListState } from './list.js';

export interface LargestState {
  open: boolean;
  list: ListState;
}

export const CLOSED_LARGEST: LargestState = { open: false, list: EMPTY_LIST };

/** Files listed at most. */
export const LARGEST_MAX = 1000;

export interface LargestRow {
  path: number;
  /** The layer whose version the final image shows. */
  layer: number;
  size: number;
}

const memo = new WeakMap<Analysis, { layers: number; rows: LargestRow[] }>();

/** The final image's largest regular files (hard links count once, at their first name), largest first. */
export function largestFiles(a: Analysis): LargestRow[] {
  const m = memo.get(a);
  if (m && m.layers === a.layerCount) return m.rows;
  const rows: LargestRow[] = [];
  let min = -1;
  const n = a.table.size;
  for (let p = 0; p < n; p++) {
    const layer = a.topLayer(p);
    if (layer < 0) continue;
    const e = a.topEntry(p);
    if (e < 0 || a.entryType(layer, e) !== T_FILE) continue;
    const size = a.entrySize(layer, e);
    if (rows.length >= LARGEST_MAX && size <= min) continue;
    rows.push({ path: p, layer, size });
    if (rows.length >= LARGEST_MAX * 2) {
      rows.sort(order(a));
      rows.length = LARGEST_MAX;
      min = rows[rows.length - 1].size;
    }
  }
  rows.sort(order(a));
  if (rows.length > LARGEST_MAX) rows.length = LARGEST_MAX;
  memo.set(a, { layers: a.layerCount, rows });
  return rows;
}

function order(a: Analysis): (x: LargestRow, y: LargestRow) => number {
  void a;
  return (x, y) => y.size - x.size || x.path - y.path;
}

/**
 * Where `text` leads: an exact path (with or without the leading `/`), else the first path whose
 * last component is the name, else the first whose last component contains it (paths in the final
 * image before removed ones, then by path order). Returns the path and the layer to show it at
 * (its last change), or null.
 */
export function findPath(a: Analysis, text: string): { path: number; layer: number } | null {
  const t = text.trim();
  if (!t) return null;
  const name = nameFromText(t);
  const lastLayer = (p: number): number => {
    let l = -1;
    for (let ev = a.firstEvent(p); ev >= 0; ev = a.eventNext(ev)) l = a.eventLayer(ev);
    return l;
  };
  const at = (p: number) => {
    const l = a.topLayer(p) >= 0 ? a.topLayer(p) : lastLayer(p);
    return l >= 0 ? { path: p, layer: l } : null;
  };
  if (name.includes('/')) {
    const norm = normalisePath(name).path;
    for (const cand of [norm, norm.startsWith('/') ? norm.slice(1) : `/${norm}`]) {
      const p = a.table.lookup(cand);
      if (p >= 0 && at(p)) return at(p);
    }
  }
  const want = name.replace(/\/+$/, '');
  let exact = -1;
  let partial = -1;
  let exactGone = -1;
  let partialGone = -1;
  const n = a.table.size;
  for (let p = 1; p < n; p++) {
    const full = a.table.path(p);
    if (!full) continue;
    const base = full.slice(full.lastIndexOf('/') + 1);
    const live = a.topLayer(p) >= 0;
    if (base === want || full.endsWith(`/${want}`)) {
      if (live) {
        exact = p;
        break;
      }
      if (exactGone < 0) exactGone = p;
    } else if (base.includes(want)) {
      if (live && partial < 0) partial = p;
      else if (!live && partialGone < 0) partialGone = p;
    }
  }
  for (const p of [exact, exactGone, partial, partialGone]) if (p >= 0 && at(p)) return at(p);
  return null;
}
