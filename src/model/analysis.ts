/**
 * The layer merge: relates each layer to the union of the layers below it (docs/semantics.md,
 * "Layer changes") and tracks wasted bytes with provenance ("Sizes and waste"). Pure: no I/O.
 *
 * Layers are added strictly in order (base first), each as soon as it and every layer below it
 * are parsed, so the analysis grows while an export streams. All per-path state lives in typed
 * arrays indexed by path id; every change is an "event" (path, layer, kind, entry) appended in layer
 * order, so the state of any path at any layer is the last event at or below that layer.
 *
 * The union on top lives in union.ts, the events in event-log.ts, hard links in link-groups.ts,
 * dive's figures in dive-figures.ts, the vocabulary of changes in changes.ts.
 */
import { K_ADDED, K_MODIFIED, K_REMOVED, K_UNCHANGED, type LayerChangeTotals, type WasteRecord } from './changes.js';
import { DiveTally, type DiveFigures } from './dive-figures.js';
import { T_DIR, T_FILE, T_HARDLINK, type LayerData } from './layer-data.js';
import { inodeKey, inodeParts } from './link-groups.js';
import type { PathTable } from './path-table.js';
import { Union } from './union.js';

/** Entry index meaning "a directory implied by a deeper entry but absent from the tar". */
export const IMPLICIT_DIR = -1;

interface Below {
  layer: number;
  entry: number;
  kind: number;
}

export class Analysis extends Union {
  readonly warnings: string[] = [];

  readonly layerTotals: LayerChangeTotals[] = [];

  // Waste.
  readonly waste: WasteRecord[] = [];

  layerBytes = 0;

  private readonly dive: DiveTally;

  constructor(table: PathTable) {
    super(table);
    this.dive = new DiveTally(table);
  }

  /** Merge the next layer (index = layerCount). */
  addLayer(data: LayerData): void {
    const L = this.layers.length;
    this.layers.push(data);
    this.layerBytes += data.sizeBytes;
    for (const w of data.warnings) this.warnings.push(w);
    this.ensure(this.table.size);
    const totals: LayerChangeTotals = {
      added: { count: 0, bytes: 0 },
      modified: { count: 0, bytes: 0 },
      removed: { count: 0, bytes: 0 },
      unchanged: { count: 0, bytes: 0 },
    };
    this.layerTotals.push(totals);
    this.layerEvStart.push(this.evN);
    this.ensureEvents(this.evN + data.count + data.whiteouts.length);

    this.dive.addLayer(L, data, this.curLayer.a, this.curEntry.a, this);

    const curLayer = this.curLayer.a;
    const removedNow = new Map<number, Below>();
    const hideSubtree = (root: number, includeRoot: boolean) => {
      if (includeRoot && curLayer[root] >= 0) this.hide(root, removedNow);
      this.table.forEachDescendant(root, (d) => {
        if (curLayer[d] >= 0) this.hide(d, removedNow);
        // Descendants of an absent node can still be present only through broken input; keep walking.
      });
    };

    // Hard links join their inodes before this layer's whiteouts act: a whiteout hides a lower
    // name, not the file a link of this layer already names (docs/semantics.md, "Hard links").
    const unresolved = this.links.resolve(L, data, curLayer, this.curEntry.a);
    if (unresolved > 0) {
      const what = `${unresolved} hard link(s) name a target that does not exist where they are extracted`;
      this.warnings.push(`layer ${L}: ${what} (kept as empty names)`);
    }
    // Opaque directories first (wherever they stand in the tar), then whiteouts: both act on the
    // layers below only, since nothing of this layer is in the union yet.
    for (const dir of data.opaque) hideSubtree(dir, false);
    let missingWhiteouts = 0;
    for (const target of data.whiteouts) {
      if (curLayer[target] < 0 && !removedNow.has(target)) missingWhiteouts++;
      hideSubtree(target, true);
    }
    if (missingWhiteouts > 0) {
      this.warnings.push(
        `layer ${L}: ${missingWhiteouts} whiteout(s) name paths that do not exist in the layers below`,
      );
    }

    // Entries in ascending path id: parents were interned before children, so parents come first.
    const order = new Int32Array(data.count);
    for (let i = 0; i < order.length; i++) order[i] = i;
    order.sort((x, y) => data.path[x] - data.path[y]);
    let implicitParents = 0;
    for (const e of order) {
      const p = data.path[e];
      implicitParents += this.ensureParents(L, p, removedNow, totals);
      const present = curLayer[p] >= 0;
      const below: Below | undefined = present
        ? { layer: curLayer[p], entry: this.curEntry.a[p], kind: this.curKind.a[p] }
        : removedNow.get(p);
      const newType = data.type[e];
      const size = data.size[e];
      if (below === undefined) {
        this.setTop(p, L, e, K_ADDED);
        this.pushEvent(p, L, K_ADDED, e, -1, 0);
        totals.added.count++;
        totals.added.bytes += size;
        continue;
      }
      if (!present) removedNow.delete(p);
      const belowType = this.entryType(below.layer, below.entry);
      const same = this.sameVersion(below.layer, below.entry, data, e);
      if (belowType === T_DIR && newType !== T_DIR) {
        // A non-directory over a lower directory hides that directory's lower subtree.
        hideSubtree(p, false);
      }
      if (same && newType === T_DIR) {
        // Directories are never "unchanged"; the lower copy stays the visible one.
        if (!present) this.setTop(p, below.layer, below.entry, below.kind);
        continue;
      }
      const kind = same ? K_UNCHANGED : K_MODIFIED;
      if (present) this.dropTop(p);
      this.recordWaste(p, below, L, kind);
      this.setTop(p, L, e, kind);
      this.pushEvent(p, L, kind, e, below.layer, below.entry);
      const t = kind === K_MODIFIED ? totals.modified : totals.unchanged;
      t.count++;
      t.bytes += size;
    }
    if (implicitParents > 0) {
      const dirs = `${implicitParents} parent director${implicitParents === 1 ? 'y' : 'ies'}`;
      this.warnings.push(`layer ${L}: ${dirs} missing from the tar (implied)`);
    }

    // Whatever stayed hidden is removed by this layer. Sorted for a stable event order.
    const removed = Array.from(removedNow.keys()).sort((a, b) => a - b);
    for (const p of removed) {
      const below = removedNow.get(p)!;
      this.recordWaste(p, below, L, K_REMOVED);
      this.pushEvent(p, L, K_REMOVED, -1, below.layer, below.entry);
      totals.removed.count++;
      totals.removed.bytes += this.entrySize(below.layer, below.entry);
    }

    // Link groups whose last visible name this layer hid: their bytes are waste from here on.
    this.flushGroups(L);

    // Files shipped twice within this tar: the first copy is waste hidden by this same layer.
    for (let i = 0; i < data.dupPath.length; i++) {
      this.waste.push({
        path: data.dupPath[i],
        layer: L,
        shipKind: K_ADDED,
        size: data.dupSize[i],
        hiddenBy: L,
        hiddenKind: K_MODIFIED,
      });
    }
    this.layerEvEnd.push(this.evN);
  }

  /** wastedBytes = layerBytes - unionBytes. */
  get wastedBytes(): number {
    return this.layerBytes - this.unionBytes;
  }

  get efficiency(): number {
    return this.layerBytes === 0 ? 1 : this.unionBytes / this.layerBytes;
  }

  /** dive's figures over the layers merged so far (memoised per layer count when nothing is excluded). */
  diveFigures(exclude?: (path: number) => boolean): DiveFigures {
    return this.dive.figures(this.layers, this.layerBytes, exclude);
  }

  // ---- internals ----

  private ensure(n: number): void {
    this.ensureUnion(n);
    this.dive.ensure(n);
  }

  private hide(p: number, removedNow: Map<number, Below>): void {
    removedNow.set(p, { layer: this.curLayer.a[p], entry: this.curEntry.a[p], kind: this.curKind.a[p] });
    this.dropTop(p);
  }

  /** Make every missing or non-directory ancestor of `p` an implied directory. */
  private ensureParents(L: number, p: number, removedNow: Map<number, Below>, totals: LayerChangeTotals): number {
    const missing: number[] = [];
    for (let a = this.table.parent(p); a > 0; a = this.table.parent(a)) {
      const l = this.curLayer.a[a];
      if (l >= 0 && this.entryType(l, this.curEntry.a[a]) === T_DIR) break;
      missing.push(a);
    }
    for (let i = missing.length - 1; i >= 0; i--) {
      const a = missing[i];
      const present = this.curLayer.a[a] >= 0;
      const below: Below | undefined = present
        ? { layer: this.curLayer.a[a], entry: this.curEntry.a[a], kind: this.curKind.a[a] }
        : removedNow.get(a);
      if (below === undefined) {
        this.setTop(a, L, IMPLICIT_DIR, K_ADDED);
        this.pushEvent(a, L, K_ADDED, IMPLICIT_DIR, -1, 0);
        totals.added.count++;
        continue;
      }
      if (!present) removedNow.delete(a);
      if (this.entryType(below.layer, below.entry) === T_DIR) {
        // A directory hidden by a whiteout and implied again: it is back, unchanged.
        this.setTop(a, below.layer, below.entry, below.kind);
        continue;
      }
      if (present) this.dropTop(a);
      this.recordWaste(a, below, L, K_MODIFIED);
      this.setTop(a, L, IMPLICIT_DIR, K_MODIFIED);
      this.pushEvent(a, L, K_MODIFIED, IMPLICIT_DIR, below.layer, below.entry);
      totals.modified.count++;
    }
    return missing.length;
  }

  private recordWaste(p: number, below: Below, L: number, kind: number): void {
    if (below.entry < 0) return;
    const b = this.layers[below.layer];
    const t = b.type[below.entry];
    if (t === T_HARDLINK) {
      // A name of a link group: the group's bytes are settled once the layer is merged.
      const ino = this.inodeOf(below.layer, below.entry);
      if (ino !== null) this.groupLost(ino, kind);
      return;
    }
    if (t !== T_FILE || b.size[below.entry] === 0) return;
    const ino = inodeKey(below.layer, below.entry);
    if (this.links.isLinkGroup(below.layer, below.entry)) {
      this.groupLost(ino, kind);
      return;
    }
    this.waste.push({
      path: p,
      layer: below.layer,
      shipKind: below.kind,
      size: b.size[below.entry],
      hiddenBy: L,
      hiddenKind: kind,
    });
  }

  /** A grouped inode lost a name by `kind`: keep the strongest (modified > unchanged > removed). */
  private groupLost(ino: number, kind: number): void {
    const prev = this.groupDropped.get(ino);
    const rank = (k: number) => (k === K_MODIFIED ? 2 : k === K_UNCHANGED ? 1 : 0);
    if (prev === undefined || rank(kind) > rank(prev)) this.groupDropped.set(ino, kind);
  }

  /**
   * After a layer: every link group that lost its last visible name in it is waste, shipped by the
   * layer and under the path of the entry that holds its bytes, hidden by this layer.
   */
  private flushGroups(L: number): void {
    if (this.groupDropped.size === 0) return;
    const gone = [...this.groupDropped]
      .filter(([ino]) => this.links.visibleNames(ino) === 0)
      .sort((x, y) => x[0] - y[0]);
    this.groupDropped.clear();
    for (const [ino, kind] of gone) {
      const size = this.inodeSize(ino);
      if (size === 0) continue;
      const [layer, entry] = inodeParts(ino);
      const path = this.layers[layer].path[entry];
      let shipKind = K_ADDED;
      for (let ev = this.firstEvent(path); ev >= 0; ev = this.eventNext(ev)) {
        if (this.evLayer.a[ev] === layer && this.evEntry.a[ev] === entry) shipKind = this.evKind.a[ev];
      }
      this.waste.push({ path, layer, shipKind, size, hiddenBy: L, hiddenKind: kind });
    }
  }
}
