/**
 * Shipped-then-hidden advice (docs/semantics.md, "Advice"): the waste records grouped by (step that
 * shipped, step that hid); they add up to wastedBytes because they are the waste records themselves.
 */
import type { AdviceItemBase } from './advice-item.js';
import type { Analysis } from './analysis.js';
import { K_REMOVED, K_UNCHANGED } from './changes.js';
import { T_FILE, sameContent } from './layer-data.js';

export type HideHow = 'deleted' | 'metadata' | 'replaced';
export const HIDE_HOWS: readonly HideHow[] = ['deleted', 'metadata', 'replaced'];

export interface ShippedThenHiddenItem extends AdviceItemBase {
  kind: 'shipped-then-hidden';
  shippedBy: number;
  hiddenBy: number;
  /** Distinct paths. */
  files: number;
  hiding: Record<HideHow, number>;
}

interface Pair {
  shippedBy: number;
  hiddenBy: number;
  bytes: number;
  hiding: Record<HideHow, number>;
  paths: Map<number, number>;
}

/** The shipped-then-hidden items alone (the Waste pane's grouping by step), without the final-filesystem checks. */
export function stepPairs(
  a: Analysis,
  exclude: ((p: number) => boolean) | undefined,
  maxPaths: number,
): { items: ShippedThenHiddenItem[]; total: number } {
  const pairs = new Map<number, Pair>();
  let total = 0;
  for (const w of a.waste) {
    if (exclude?.(w.path)) continue;
    const key = w.layer * 0x100000 + w.hiddenBy;
    let g = pairs.get(key);
    if (!g) {
      g = {
        shippedBy: w.layer,
        hiddenBy: w.hiddenBy,
        bytes: 0,
        hiding: { deleted: 0, metadata: 0, replaced: 0 },
        paths: new Map(),
      };
      pairs.set(key, g);
    }
    g.bytes += w.size;
    total += w.size;
    g.hiding[hideHow(a, w.path, w.layer, w.hiddenBy, w.hiddenKind)] += w.size;
    g.paths.set(w.path, (g.paths.get(w.path) ?? 0) + w.size);
  }
  const items: ShippedThenHiddenItem[] = [];
  for (const g of pairs.values()) {
    const largest = topPaths(g.paths, maxPaths);
    items.push({
      kind: 'shipped-then-hidden',
      shippedBy: g.shippedBy,
      hiddenBy: g.hiddenBy,
      bytes: g.bytes,
      files: g.paths.size,
      hiding: g.hiding,
      message: pairMessage(g),
      targets: largest.map(([path]) => ({ path, layer: g.hiddenBy })),
    });
  }
  return { items, total };
}

/** The `k` largest (path, bytes), largest first (ties: lower path id), without sorting them all. */
function topPaths(paths: Map<number, number>, k: number): [number, number][] {
  const top: [number, number][] = [];
  if (k <= 0) return top;
  const before = (x: [number, number], y: [number, number]) => x[1] > y[1] || (x[1] === y[1] && x[0] < y[0]);
  for (const e of paths) {
    if (top.length === k && !before(e, top[k - 1])) continue;
    let i = Math.min(top.length, k - 1);
    if (top.length < k) top.push(e);
    while (i > 0 && before(e, top[i - 1])) {
      top[i] = top[i - 1];
      i--;
    }
    top[i] = e;
  }
  return top;
}

/** How a version was hidden: deleted, rewritten with the same content (only metadata), or replaced. */
function hideHow(a: Analysis, path: number, shipped: number, hidden: number, kind: number): HideHow {
  if (kind === K_REMOVED) return 'deleted';
  if (kind === K_UNCHANGED) return 'metadata';
  if (shipped === hidden) return 'replaced';
  for (let ev = a.firstEvent(path); ev >= 0; ev = a.eventNext(ev)) {
    const l = a.eventLayer(ev);
    if (l > hidden) break;
    if (l !== hidden || a.eventPrevLayer(ev) !== shipped) continue;
    const ne = a.eventEntry(ev);
    const oe = a.eventPrevEntry(ev);
    if (ne < 0 || oe < 0) return 'replaced';
    const n = a.layers[hidden];
    const o = a.layers[shipped];
    if (n.type[ne] !== T_FILE || o.type[oe] !== T_FILE || n.size[ne] !== o.size[oe]) return 'replaced';
    return sameContent(n, ne, o, oe) ? 'metadata' : 'replaced';
  }
  return 'replaced';
}

const HOW_TEXT: Record<HideHow, (hidden: number) => string> = {
  deleted: (h) => `deleted by L${h}: delete them in the RUN that creates them, or build in a separate stage`,
  metadata: (h) =>
    `rewritten by L${h} with the same content or only a new mode or owner: ` +
    'set the mode where the files are created (`COPY --chmod`, or `chmod` in the same RUN)',
  replaced: (h) =>
    `replaced by L${h} with new content: ` +
    'write the final version in the step that creates them, or build in a separate stage',
};

function pairMessage(g: Pair): string {
  if (g.shippedBy === g.hiddenBy)
    return `L${g.shippedBy} writes these files twice in its own tar; only the last copy is visible: write each once`;
  const kinds = HIDE_HOWS.filter((h) => g.hiding[h] > 0).sort((x, y) => g.hiding[y] - g.hiding[x]);
  return `shipped by L${g.shippedBy}, ${kinds.map((h) => HOW_TEXT[h](g.hiddenBy)).join('; ')}`;
}
