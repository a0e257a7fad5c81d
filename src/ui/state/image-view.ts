/**
 * Derived, memoised views of one LoadedImage for the panes: build steps, tree snapshots and their
 * rows, wasted paths. Pure (no React, no I/O). Snapshots are computed on layer or mode change only;
 * rows on expansion, filter or sort change; cursor moves reuse both.
 *
 * The image is mutated while layers stream in: a snapshot of layer k is stable once layer k is
 * merged (later layers only add events above k and path ids beyond the snapshot's size).
 */
import type { LoadedImage, HistoryItem } from '../../model/image.js';
import { snapshot, type ViewMode } from '../../model/tree.js';
import {
  TreeIndex,
  flatten,
  searchMatches,
  type Expansion,
  type SortKey,
  type TreeRows,
} from '../../model/tree-rows.js';
import type { TreeFilters } from '../../model/tree-filters.js';
import { wastedPaths, type WastedPath } from '../../model/waste.js';
import { adviceFor, type Advice } from '../../model/advice.js';

export interface Step {
  kind: 'layer' | 'meta';
  /** 'layer': its layer index; 'meta': the last layer below it (-1 when none). */
  layer: number;
  history: HistoryItem | null;
  /** Position of the step in the list. */
  index: number;
}

/** One row per build step: history order, metadata-only steps included; layers without history appended. */
export function buildSteps(img: LoadedImage): Step[] {
  const steps: Step[] = [];
  const covered = new Set<number>();
  let last = -1;
  for (const h of img.history) {
    if (h.layerIndex !== null && h.layerIndex < img.layers.length && !covered.has(h.layerIndex)) {
      covered.add(h.layerIndex);
      last = h.layerIndex;
      steps.push({ kind: 'layer', layer: h.layerIndex, history: h, index: steps.length });
    } else if (h.emptyLayer || h.layerIndex === null) {
      steps.push({ kind: 'meta', layer: last, history: h, index: steps.length });
    }
  }
  for (let i = 0; i < img.layers.length; i++) {
    if (!covered.has(i)) steps.push({ kind: 'layer', layer: i, history: null, index: steps.length });
  }
  return steps;
}

export interface TreeQuery {
  layer: number;
  mode: ViewMode;
  sort: SortKey;
  filters: TreeFilters;
  expansion: Expansion;
}

/** Every directory open. */
const ALL_OPEN: Expansion = { expandDepth: Number.POSITIVE_INFINITY, toggled: new Set() };

/** The filters as a memo key. */
export function filtersKey(f: TreeFilters): string {
  return `${[...f.hidden].sort().join(',')}|${f.minSize}|${f.path}|${f.regex ?? ''}`;
}

export class ImageView {
  private stepsMemo: { key: string; steps: Step[] } | null = null;
  private indexes = new Map<string, TreeIndex>();
  // Several entries: the search's count of matches the filters hide asks for the unfiltered view
  // too, and must not evict the filtered one the panes draw from; the idle warm-up (warm-up.ts)
  // prepares the other view mode's.
  private visMemo: { idx: TreeIndex; key: string; vis: Uint8Array }[] = [];
  private rowsMemo: {
    idx: TreeIndex;
    vis: Uint8Array;
    sort: SortKey;
    depth: number;
    toggled: ReadonlySet<number>;
    rows: TreeRows;
  } | null = null;
  private allMemo: { idx: TreeIndex; vis: Uint8Array; sort: SortKey; rows: TreeRows }[] = [];
  private matchMemo: { order: Int32Array; q: string; m: number[] }[] = [];
  private wasteMemo: { layers: number; complete: boolean; list: WastedPath[] } | null = null;

  constructor(readonly img: LoadedImage) {}

  steps(): Step[] {
    const img = this.img;
    const key = `${img.history.length}:${img.layers.length}:${img.history.map((h) => h.layerIndex).join(',')}`;
    if (this.stepsMemo?.key !== key) this.stepsMemo = { key, steps: buildSteps(img) };
    return this.stepsMemo.steps;
  }

  /** True when layer k's tree can be shown. */
  ready(k: number): boolean {
    return k >= 0 && k < this.img.analysis.layerCount;
  }

  index(k: number, mode: ViewMode): TreeIndex | null {
    if (!this.ready(k)) return null;
    const key = `${k}:${mode}:${this.img.baseLayers}`;
    let idx = this.indexes.get(key);
    if (!idx) {
      idx = new TreeIndex(this.img.analysis, snapshot(this.img.analysis, k, mode, this.img.baseLayers));
      // Keep a few: flipping between neighbouring layers stays instant, memory stays bounded.
      if (this.indexes.size >= 4) this.indexes.delete(this.indexes.keys().next().value as string);
      this.indexes.set(key, idx);
    }
    return idx;
  }

  visibility(idx: TreeIndex, f: TreeFilters): Uint8Array {
    const key = filtersKey(f);
    const hit = this.visMemo.find((m) => m.idx === idx && m.key === key);
    if (hit) return hit.vis;
    const vis = idx.visibility(f);
    this.visMemo = [{ idx, key, vis }, ...this.visMemo.slice(0, 3)];
    return vis;
  }

  rows(q: TreeQuery): TreeRows | null {
    const idx = this.index(q.layer, q.mode);
    if (!idx) return null;
    const vis = this.visibility(idx, q.filters);
    const e = q.expansion;
    if (e.expandDepth === Number.POSITIVE_INFINITY && e.toggled.size === 0) return this.allRows(idx, vis, q.sort);
    const m = this.rowsMemo;
    if (
      m &&
      m.idx === idx &&
      m.vis === vis &&
      m.sort === q.sort &&
      m.depth === q.expansion.expandDepth &&
      m.toggled === q.expansion.toggled
    )
      return m.rows;
    const rows = flatten(idx, vis, q.sort, q.expansion);
    this.rowsMemo = { idx, vis, sort: q.sort, depth: q.expansion.expandDepth, toggled: q.expansion.toggled, rows };
    return rows;
  }

  /**
   * The rows with every directory open (what expand-all shows, and the order a search walks): kept
   * for a few (view, filters, sort) at once, so that toggling the mode or the sort of a fully
   * expanded 1,000,000-path tree, and toggling back, need no new walk.
   */
  allRows(idx: TreeIndex, vis: Uint8Array, sort: SortKey): TreeRows {
    const hit = this.allMemo.find((m) => m.idx === idx && m.vis === vis && m.sort === sort);
    if (hit) return hit.rows;
    const rows = flatten(idx, vis, sort, ALL_OPEN);
    this.allMemo = [{ idx, vis, sort, rows }, ...this.allMemo.slice(0, 3)];
    return rows;
  }

  /** Every visible path in display order, as if all were expanded (search walks this). */
  order(q: TreeQuery): Int32Array | null {
    const idx = this.index(q.layer, q.mode);
    if (!idx) return null;
    return this.allRows(idx, this.visibility(idx, q.filters), q.sort).ids;
  }

  matches(q: TreeQuery, query: string): number[] {
    const order = this.order(q);
    const idx = this.index(q.layer, q.mode);
    if (!order || !idx || query === '') return [];
    const hit = this.matchMemo.find((m) => m.order === order && m.q === query);
    if (hit) return hit.m;
    // Typing extends the query: the new matches are among the previous ones (names contain the longer
    // text only where they contain the shorter), so only those are tested again.
    const lower = query.toLowerCase();
    const prefix = this.matchMemo.find((m) => m.order === order && m.q !== '' && lower.startsWith(m.q.toLowerCase()));
    const m = prefix
      ? prefix.m.filter((i) => idx.lowerName(order[i]).includes(lower))
      : searchMatches(idx, order, query);
    this.matchMemo = [{ order, q: query, m }, ...this.matchMemo.slice(0, 1)];
    return m;
  }

  /** The advice for the layers read so far (memoised per layer count). */
  advice(): Advice {
    return adviceFor(this.img.analysis);
  }

  wasted(): WastedPath[] {
    const a = this.img.analysis;
    if (!this.wasteMemo || this.wasteMemo.layers !== a.layerCount || this.wasteMemo.complete !== this.img.complete) {
      this.wasteMemo = { layers: a.layerCount, complete: this.img.complete, list: wastedPaths(a) };
    }
    return this.wasteMemo.list;
  }
}
