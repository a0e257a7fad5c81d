/**
 * The Waste pane's grouping by build step: one row per (step that shipped, step that hid) pair,
 * largest first, with its bytes, file count and both steps' commands; a pair expands to its paths
 * (largest first). The pairs are the Advice model's shipped-then-hidden items (src/model/advice.ts),
 * taken as they are: nothing is grouped a second time here. `t` switches to the flat path list.
 */
import { stepPairs, type ShippedThenHiddenItem } from '../../model/step-pairs.js';
import type { Analysis } from '../../model/analysis.js';

export interface WasteViewState {
  /** Rows grouped by step pair (default), or the flat list of wasted paths. */
  grouped: boolean;
  /** The pair whose paths are shown (-1: none), as an index into the pairs. */
  expanded: number;
}

export const INITIAL_WASTE_VIEW: WasteViewState = { grouped: true, expanded: -1 };

/** Paths listed per pair when expanded (the rest are counted in a last row). */
export const PAIR_PATHS = 200;

export interface WasteStepRow {
  pair: number;
  /** Index into the pair's targets; -1 for the pair's own row; -2 for the "more" row. */
  target: number;
}

const memo = new WeakMap<Analysis, { layers: number; pairs: ShippedThenHiddenItem[] }>();

/** The step pairs of the layers merged so far, largest first (memoised per layer count). */
export function wastePairs(a: Analysis): ShippedThenHiddenItem[] {
  const m = memo.get(a);
  if (m && m.layers === a.layerCount) return m.pairs;
  const pairs = [...stepPairs(a, undefined, PAIR_PATHS).items].sort(
    (x, y) => y.bytes - x.bytes || x.shippedBy - y.shippedBy || x.hiddenBy - y.hiddenBy,
  );
  memo.set(a, { layers: a.layerCount, pairs });
  return pairs;
}

export function wasteStepRows(pairs: ShippedThenHiddenItem[], expanded: number): WasteStepRow[] {
  const rows: WasteStepRow[] = [];
  pairs.forEach((p, i) => {
    rows.push({ pair: i, target: -1 });
    if (i !== expanded) return;
    for (let k = 0; k < p.targets.length; k++) rows.push({ pair: i, target: k });
    if (p.files > p.targets.length) rows.push({ pair: i, target: -2 });
  });
  return rows;
}

/**
 * Space / → / ← on a row: show or hide the pair's paths. One pair is open at a time and its paths
 * follow its row, so every row above a pair's own row is a pair row: the cursor goes to `pair`.
 */
export function toggleExpand(
  v: WasteViewState,
  rows: WasteStepRow[],
  cursor: number,
  how: 'toggle' | 'open' | 'close',
): { view: WasteViewState; cursor: number } {
  const r = rows[cursor];
  if (!r) return { view: v, cursor };
  const open = how === 'open' || (how === 'toggle' && v.expanded !== r.pair);
  return { view: { ...v, expanded: open ? r.pair : -1 }, cursor: r.pair };
}
