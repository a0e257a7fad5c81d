/** Wasted bytes grouped per path, with provenance (docs/semantics.md, "Sizes and waste"). Pure. */
import type { Analysis } from './analysis.js';
import { CHANGE_KINDS, type ChangeKind } from './changes.js';

export interface WastedPath {
  path: string;
  bytes: number;
  /** The wasted versions, oldest first: the layer that shipped each and how it shipped it. */
  versions: { layer: number; change: ChangeKind; size: number }[];
  /** The layer that hid the last wasted version, and how. */
  hiddenBy: { layer: number; change: ChangeKind };
  /** Path id, for jumping to the path in the tree. */
  pathId: number;
}

export function wastedPaths(a: Analysis): WastedPath[] {
  const byPath = new Map<number, WastedPath>();
  for (const w of a.waste) {
    let g = byPath.get(w.path);
    if (!g) {
      g = {
        path: a.table.path(w.path),
        bytes: 0,
        versions: [],
        hiddenBy: { layer: w.hiddenBy, change: CHANGE_KINDS[w.hiddenKind] },
        pathId: w.path,
      };
      byPath.set(w.path, g);
    }
    g.bytes += w.size;
    g.versions.push({ layer: w.layer, change: CHANGE_KINDS[w.shipKind], size: w.size });
    if (w.hiddenBy >= g.hiddenBy.layer) g.hiddenBy = { layer: w.hiddenBy, change: CHANGE_KINDS[w.hiddenKind] };
  }
  const out = [...byPath.values()];
  for (const g of out) g.versions.sort((x, y) => x.layer - y.layer);
  out.sort((x, y) => y.bytes - x.bytes || (x.path < y.path ? -1 : x.path > y.path ? 1 : 0));
  return out;
}

/** Waste shipped or caused above the base layers. */
export function userWastedBytes(a: Analysis, baseLayers: number): number {
  let sum = 0;
  for (const w of a.waste) if (w.hiddenBy >= baseLayers) sum += w.size;
  return sum;
}
