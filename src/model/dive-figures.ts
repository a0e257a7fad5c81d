/**
 * dive's efficiency figures, computed as dive computes them (docs/semantics.md, "Sizes and waste"):
 * per path, over the layers merged so far, how many layer trees hold it as a leaf, the sum and the
 * smallest of its sizes there, and when it was first seen twice (dive's tie order).
 */
import { GrowF64, GrowI32 } from './grow.js';
import { T_DIR, type LayerData } from './layer-data.js';
import type { PathTable } from './path-table.js';

export interface DivePathFigure {
  path: number;
  count: number;
  bytes: number;
}

export interface DiveFigures {
  efficiency: number;
  wastedBytes: number;
  userSizeBytes: number;
  userWastedPercent: number | null;
  inefficientFiles: DivePathFigure[];
}

/** What the bookkeeping reads of the union below a layer: the type and size of a version. */
export interface VersionFacts {
  entryType(layer: number, entry: number): number;
  entrySize(layer: number, entry: number): number;
}

export class DiveTally {
  private diveCum = new GrowF64(1024);
  private diveMin = new GrowF64(1024);
  private diveCount = new GrowI32(1024, 0);
  private diveSecond = new GrowI32(1024, -1);
  private diveOrder = 0;
  private mark = new GrowI32(1024, -1);
  private inTree = new GrowI32(1024, -1);
  private memo: { layers: number; figures: DiveFigures } | null = null;

  constructor(private readonly table: PathTable) {}

  /** Room for `n` paths. */
  ensure(n: number): void {
    for (const g of [this.diveCount, this.diveSecond, this.mark, this.inTree]) g.ensure(n);
    this.diveCum.ensure(n);
    this.diveMin.ensure(n);
  }

  /**
   * dive's efficiency bookkeeping for one layer, against the union below (before the merge; its
   * version of each path is `curLayer`, `curEntry`): every leaf node of the layer's own tree
   * (entries, whiteout targets, implied parents) adds its size; a whiteout of a directory is sized
   * as that lower subtree, of anything else as 0.
   */
  addLayer(L: number, data: LayerData, curLayer: Int32Array, curEntry: Int32Array, below: VersionFacts): void {
    // Per path, for this layer only (stamped with L, so nothing needs clearing):
    // inTree[p] === L: p is a node of this layer's tree; mark[p] === L: p has a child in it.
    const mark = this.mark.a;
    const inTree = this.inTree.a;
    // A node's size: its entry's, a whiteout's lower subtree (few: kept aside), else 0 (implied parents).
    const whiteoutSize = new Map<number, number>();
    const nodes: number[] = [];
    const addNode = (p: number) => {
      if (inTree[p] === L) return false;
      inTree[p] = L;
      nodes.push(p);
      return true;
    };
    for (let e = 0; e < data.count; e++) addNode(data.path[e]);
    for (const w of data.whiteouts) {
      if (inTree[w] === L) continue;
      let sum = 0;
      const l = curLayer[w];
      if (l >= 0 && below.entryType(l, curEntry[w]) === T_DIR) {
        this.table.forEachDescendant(w, (d) => {
          const dl = curLayer[d];
          if (dl >= 0) sum += below.entrySize(dl, curEntry[d]);
        });
      }
      addNode(w);
      whiteoutSize.set(w, sum);
    }
    const count = nodes.length;
    for (let i = 0; i < count; i++) {
      for (let a = this.table.parent(nodes[i]); a > 0; a = this.table.parent(a)) {
        if (mark[a] === L) break;
        mark[a] = L;
        // An implied parent is a directory node in dive's tree too, never a leaf.
        addNode(a);
      }
    }
    // Leaves are entries or whiteouts (implied parents always have a child). Entries first: a path
    // that is both an entry and a whiteout target of this layer is one node, sized as the entry.
    const leaf = (p: number, size: number) => {
      if (mark[p] === L || inTree[p] !== L) return;
      inTree[p] = -2 - L; // counted
      const c = ++this.diveCount.a[p];
      this.diveCum.a[p] += size;
      if (c === 1 || size < this.diveMin.a[p]) this.diveMin.a[p] = size;
      if (c === 2) this.diveSecond.a[p] = this.diveOrder++;
    };
    for (let e = 0; e < data.count; e++) leaf(data.path[e], data.size[e]);
    for (const [w, size] of whiteoutSize) leaf(w, size);
  }

  /**
   * dive's figures over `layers` (the layers merged so far, `layerBytes` in all), memoised per
   * layer count when nothing is excluded.
   */
  figures(layers: readonly LayerData[], layerBytes: number, exclude?: (path: number) => boolean): DiveFigures {
    if (exclude) return this.compute(layers, layerBytes, exclude);
    if (this.memo?.layers !== layers.length)
      this.memo = { layers: layers.length, figures: this.compute(layers, layerBytes) };
    return this.memo.figures;
  }

  private compute(layers: readonly LayerData[], layerBytes: number, exclude?: (path: number) => boolean): DiveFigures {
    let minSum = 0;
    let cumSum = 0;
    const ineff: { path: number; count: number; bytes: number; order: number }[] = [];
    const n = Math.min(this.table.size, this.diveCount.a.length);
    for (let p = 0; p < n; p++) {
      const c = this.diveCount.a[p];
      if (c === 0 || exclude?.(p)) continue;
      minSum += this.diveMin.a[p];
      cumSum += this.diveCum.a[p];
      if (c >= 2) ineff.push({ path: p, count: c, bytes: this.diveCum.a[p], order: this.diveSecond.a[p] });
    }
    // dive sorts ascending by cumulative size and reads the list backwards; ties therefore come out
    // latest-discovered first.
    ineff.sort((a, b) => b.bytes - a.bytes || b.order - a.order);
    const wastedBytes = ineff.reduce((s, x) => s + x.bytes, 0);
    const userSizeBytes = layers.length === 0 ? 0 : layerBytes - layers[0].sizeBytes;
    const pct = userSizeBytes > 0 ? wastedBytes / userSizeBytes : null;
    return {
      efficiency: cumSum === 0 ? 1 : minSum / cumSum,
      wastedBytes,
      userSizeBytes,
      userWastedPercent: pct !== null && Number.isFinite(pct) ? pct : null,
      inefficientFiles: ineff.map(({ path, count, bytes }) => ({ path, count, bytes })),
    };
  }
}
