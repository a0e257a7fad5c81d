/**
 * The layer merge: relates each layer to the union of the layers below it (spec section 2),
 * tracks wasted bytes with provenance and dive's figures (section 3). Pure: no I/O.
 *
 * Layers are added strictly in order (base first), each as soon as it and every layer below it
 * are parsed, so the analysis grows while an export streams. All per-path state lives in typed
 * arrays indexed by path id; every change is an "event" (path, layer, kind, entry) appended in layer
 * order, so the state of any path at any layer is the last event at or below that layer.
 *
 * Hard links (docs/semantics.md, "Hard links"): a file's bytes belong to its inode, the regular-file
 * entry that shipped them; a hard-link entry is one more name of the inode its target names when the
 * link is extracted. The union counts an inode's bytes while any of its names is visible.
 */
import { HASH_LEN, T_DIR, T_FILE, T_HARDLINK, type LayerData } from './layer-data.js';
import type { PathTable } from './path-table.js';

export const K_ADDED = 0;
export const K_MODIFIED = 1;
export const K_REMOVED = 2;
export const K_UNCHANGED = 3;
export type ChangeKind = 'added' | 'modified' | 'removed' | 'unchanged';
export const CHANGE_KINDS: readonly ChangeKind[] = ['added', 'modified', 'removed', 'unchanged'];

/** Entry index meaning "a directory implied by a deeper entry but absent from the tar". */
export const IMPLICIT_DIR = -1;

export interface KindTotals {
  count: number;
  bytes: number;
}

export interface LayerChangeTotals {
  added: KindTotals;
  modified: KindTotals;
  removed: KindTotals;
  unchanged: KindTotals;
}

/** One wasted version of a path: shipped by `layer`, hidden by `hiddenBy`. */
export interface WasteRecord {
  path: number;
  layer: number;
  shipKind: number;
  size: number;
  hiddenBy: number;
  hiddenKind: number;
}

export interface DivePathFigure {
  path: number;
  count: number;
  bytes: number;
}

/** Inode keys: layer * INODE_SPLIT + entry (entries stay below 2^32, layers far below 2^21). */
const INODE_SPLIT = 0x100000000;
function inodeKey(layer: number, entry: number): number {
  return layer * INODE_SPLIT + entry;
}
/** [layer, entry] of an inode key. */
export function inodeParts(ino: number): [number, number] {
  const layer = Math.floor(ino / INODE_SPLIT);
  return [layer, ino - layer * INODE_SPLIT];
}

function sameHash(b: LayerData, be: number, d: LayerData, e: number): boolean {
  const bo = be * HASH_LEN;
  const no = e * HASH_LEN;
  for (let i = 0; i < HASH_LEN; i++) if (b.hash[bo + i] !== d.hash[no + i]) return false;
  return true;
}

class GrowI32 {
  a: Int32Array;
  constructor(
    n: number,
    private readonly fill: number,
  ) {
    this.a = new Int32Array(n).fill(fill);
  }
  ensure(n: number): void {
    if (n <= this.a.length) return;
    const b = new Int32Array(grownLength(this.a.length, n)).fill(this.fill);
    b.set(this.a);
    this.a = b;
  }
}

/** Grow by half again (not double): a 1 000 000-path layer must not reserve room for 2 000 000. */
function grownLength(have: number, need: number): number {
  return Math.max(need, Math.ceil(have * 1.5));
}

class GrowF64 {
  a: Float64Array;
  constructor(n: number) {
    this.a = new Float64Array(n);
  }
  ensure(n: number): void {
    if (n <= this.a.length) return;
    const b = new Float64Array(grownLength(this.a.length, n));
    b.set(this.a);
    this.a = b;
  }
}

interface Below {
  layer: number;
  entry: number;
  kind: number;
}

export class Analysis {
  readonly layers: LayerData[] = [];
  readonly warnings: string[] = [];

  // Current union (top of the layers merged so far), per path.
  private curLayer = new GrowI32(1024, -1);
  private curEntry = new GrowI32(1024, 0);
  private curKind = new GrowI32(1024, 0);
  // Event chain per path.
  private evHead = new GrowI32(1024, -1);
  private evTail = new GrowI32(1024, -1);
  // Events, in layer order.
  private evN = 0;
  private evPath = new GrowI32(1024, 0);
  private evLayer = new GrowI32(1024, 0);
  private evKind = new GrowI32(1024, 0);
  private evEntry = new GrowI32(1024, 0);
  private evPrevLayer = new GrowI32(1024, -1);
  private evPrevEntry = new GrowI32(1024, 0);
  private evNext = new GrowI32(1024, -1);
  private readonly layerEvStart: number[] = [];
  private readonly layerEvEnd: number[] = [];
  readonly layerTotals: LayerChangeTotals[] = [];

  // Waste.
  readonly waste: WasteRecord[] = [];

  // dive-compatible figures, per path.
  private diveCum = new GrowF64(1024);
  private diveMin = new GrowF64(1024);
  private diveCount = new GrowI32(1024, 0);
  private diveSecond = new GrowI32(1024, -1);
  private diveOrder = 0;
  private mark = new GrowI32(1024, -1);
  private inTree = new GrowI32(1024, -1);

  unionBytes = 0;
  unionFiles = 0;
  layerBytes = 0;

  // Link groups. Per layer, for its hard-link entries: the inode each one joined (layer and entry of
  // the regular file, or another non-directory, that holds it; -1 when the target did not exist).
  // Null for layers without hard links.
  private readonly linkLayer: (Int32Array | null)[] = [];
  private readonly linkEntry: (Int32Array | null)[] = [];
  /** Visible names per inode, for inodes that ever had a hard link (others have one name). */
  private readonly groupNames = new Map<number, number>();
  /** Per layer, 1 for each entry holding such an inode (null: none): the map is asked only about those. */
  private readonly grouped: (Uint8Array | null)[] = [];
  /** Grouped inodes that lost a name in the layer being merged, and the strongest way they lost it. */
  private readonly groupDropped = new Map<number, number>();
  // This layer's entry per path (stamped with the layer index), for resolving link targets.
  private stampLayer = new GrowI32(1024, -1);
  private stampEntry = new GrowI32(1024, 0);
  private replacedMemo = new GrowI32(1024, -2);

  constructor(readonly table: PathTable) {}

  get layerCount(): number {
    return this.layers.length;
  }

  get eventCount(): number {
    return this.evN;
  }

  // ---- event accessors (used by views and reports) ----
  eventPath(ev: number): number {
    return this.evPath.a[ev];
  }
  eventLayer(ev: number): number {
    return this.evLayer.a[ev];
  }
  eventKind(ev: number): number {
    return this.evKind.a[ev];
  }
  /** Entry index in the event's layer; IMPLICIT_DIR for implied directories; -1 also for removals. */
  eventEntry(ev: number): number {
    return this.evEntry.a[ev];
  }
  /** The version below that this event replaced or removed (layer -1 when none). */
  eventPrevLayer(ev: number): number {
    return this.evPrevLayer.a[ev];
  }
  eventPrevEntry(ev: number): number {
    return this.evPrevEntry.a[ev];
  }
  /** Next event of the same path (in a higher layer), or -1. */
  eventNext(ev: number): number {
    return this.evNext.a[ev];
  }
  firstEvent(path: number): number {
    return path < this.evHead.a.length ? this.evHead.a[path] : -1;
  }
  /** Events of layer i: [start, end). */
  layerEvents(i: number): [number, number] {
    return [this.layerEvStart[i], this.layerEvEnd[i]];
  }
  /** Layer of the path's version in the current top union, or -1 when absent. */
  topLayer(path: number): number {
    return path < this.curLayer.a.length ? this.curLayer.a[path] : -1;
  }
  topEntry(path: number): number {
    return this.curEntry.a[path];
  }

  /**
   * The inode an entry names: itself, or for a hard link the entry that holds the file it joined
   * (null when its target did not exist). Encoded as layer * 2^32 + entry.
   */
  inodeOf(layer: number, entry: number): number | null {
    if (entry < 0) return null;
    if (this.layers[layer].type[entry] !== T_HARDLINK) return inodeKey(layer, entry);
    const ll = this.linkLayer[layer];
    if (!ll || ll[entry] < 0) return null;
    return inodeKey(ll[entry], this.linkEntry[layer]![entry]);
  }

  /** True when the entry holds an inode that has, or had, more than one name. */
  isLinkGroup(layer: number, entry: number): boolean {
    const g = this.grouped[layer];
    return g !== null && g[entry] === 1;
  }

  /** Type index of an entry (implicit directories are directories). */
  entryType(layer: number, entry: number): number {
    return entry < 0 ? T_DIR : this.layers[layer].type[entry];
  }
  entrySize(layer: number, entry: number): number {
    return entry < 0 ? 0 : this.layers[layer].size[entry];
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

    this.diveLayer(L, data);

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
    this.resolveLinks(L, data);
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
      const same = this.sameEntry(below.layer, below.entry, data, e);
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
      this.warnings.push(
        `layer ${L}: ${implicitParents} parent director${implicitParents === 1 ? 'y' : 'ies'} missing from the tar (implied)`,
      );
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

  /** wastedBytes = layerBytes - unionBytes (spec 3). */
  get wastedBytes(): number {
    return this.layerBytes - this.unionBytes;
  }

  get efficiency(): number {
    return this.layerBytes === 0 ? 1 : this.unionBytes / this.layerBytes;
  }

  private diveMemo: { layers: number; figures: ReturnType<Analysis['computeDive']> } | null = null;

  /** dive's figures over the layers merged so far (memoised per layer count when nothing is excluded). */
  diveFigures(exclude?: (path: number) => boolean): ReturnType<Analysis['computeDive']> {
    if (exclude) return this.computeDive(exclude);
    if (this.diveMemo?.layers !== this.layers.length)
      this.diveMemo = { layers: this.layers.length, figures: this.computeDive() };
    return this.diveMemo.figures;
  }

  private computeDive(exclude?: (path: number) => boolean): {
    efficiency: number;
    wastedBytes: number;
    userSizeBytes: number;
    userWastedPercent: number | null;
    inefficientFiles: DivePathFigure[];
  } {
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
    const userSizeBytes = this.layers.length === 0 ? 0 : this.layerBytes - this.layers[0].sizeBytes;
    const pct = userSizeBytes > 0 ? wastedBytes / userSizeBytes : null;
    return {
      efficiency: cumSum === 0 ? 1 : minSum / cumSum,
      wastedBytes,
      userSizeBytes,
      userWastedPercent: pct !== null && Number.isFinite(pct) ? pct : null,
      inefficientFiles: ineff.map(({ path, count, bytes }) => ({ path, count, bytes })),
    };
  }

  // ---- internals ----

  private ensure(n: number): void {
    for (const g of [
      this.curLayer,
      this.curEntry,
      this.curKind,
      this.evHead,
      this.evTail,
      this.diveCount,
      this.diveSecond,
      this.mark,
      this.inTree,
    ])
      g.ensure(n);
    this.diveCum.ensure(n);
    this.diveMin.ensure(n);
  }

  private sameEntry(bl: number, be: number, data: LayerData, e: number): boolean {
    if (be < 0) {
      // An implied directory: equal to an explicit root-owned 0755 directory only.
      return data.type[e] === T_DIR && data.mode[e] === 0o755 && data.uid[e] === 0 && data.gid[e] === 0;
    }
    const b = this.layers[bl];
    if (
      b.type[be] !== data.type[e] ||
      b.mode[be] !== data.mode[e] ||
      b.uid[be] !== data.uid[e] ||
      b.gid[be] !== data.gid[e] ||
      b.size[be] !== data.size[e]
    ) {
      return false;
    }
    const bLink = b.link[be] < 0 ? null : b.links[b.link[be]];
    const nLink = data.link[e] < 0 ? null : data.links[data.link[e]];
    if (bLink !== nLink) return false;
    if (data.type[e] === T_FILE) {
      const bo = be * HASH_LEN;
      const no = e * HASH_LEN;
      for (let i = 0; i < HASH_LEN; i++) if (b.hash[bo + i] !== data.hash[no + i]) return false;
      return true;
    }
    if (data.type[e] === T_HARDLINK) {
      // The same target name is the same content only when both name equal files.
      const bi = this.inodeOf(bl, be);
      const ni = this.inodeOf(this.layers.length - 1, e);
      if (bi === null || ni === null) return bi === ni;
      if (bi === ni) return true;
      const [il, ie] = inodeParts(bi);
      const [nl, ne] = inodeParts(ni);
      const x = this.layers[il];
      const y = this.layers[nl];
      if (x.type[ie] !== y.type[ne] || x.size[ie] !== y.size[ne]) return false;
      return x.type[ie] !== T_FILE || sameHash(x, ie, y, ne);
    }
    return true;
  }

  private setTop(p: number, layer: number, entry: number, kind: number): void {
    this.curLayer.a[p] = layer;
    this.curEntry.a[p] = entry;
    this.curKind.a[p] = kind;
    const t = this.entryType(layer, entry);
    if (t === T_DIR) return;
    this.unionFiles++;
    if (t === T_FILE) this.nameShown(layer, entry);
    else if (t === T_HARDLINK) {
      const ll = this.linkLayer[layer];
      if (ll && ll[entry] >= 0) this.nameShown(ll[entry], this.linkEntry[layer]![entry]);
    }
  }

  /** One more visible name of an inode: its bytes enter the union with its first name. */
  private nameShown(layer: number, entry: number): void {
    const d = this.layers[layer];
    if (d.type[entry] !== T_FILE) return;
    if (this.isLinkGroup(layer, entry)) {
      const ino = inodeKey(layer, entry);
      const c = this.groupNames.get(ino);
      if (c !== undefined) {
        this.groupNames.set(ino, c + 1);
        if (c > 0) return;
      }
    }
    this.unionBytes += d.size[entry];
  }

  /** One visible name fewer: the bytes leave the union with the last name. */
  private nameHidden(layer: number, entry: number): void {
    const d = this.layers[layer];
    if (d.type[entry] !== T_FILE) return;
    if (this.isLinkGroup(layer, entry)) {
      const ino = inodeKey(layer, entry);
      const c = this.groupNames.get(ino);
      if (c !== undefined) {
        this.groupNames.set(ino, c - 1);
        if (!this.groupDropped.has(ino)) this.groupDropped.set(ino, K_REMOVED);
        if (c > 1) return;
      }
    }
    this.unionBytes -= d.size[entry];
  }

  /** Bytes of an inode: a regular file's size, 0 for anything else. */
  private inodeSize(ino: number): number {
    const [layer, entry] = inodeParts(ino);
    const d = this.layers[layer];
    return d.type[entry] === T_FILE ? d.size[entry] : 0;
  }

  private dropTop(p: number): void {
    const layer = this.curLayer.a[p];
    const entry = this.curEntry.a[p];
    const t = this.entryType(layer, entry);
    this.curLayer.a[p] = -1;
    if (t === T_DIR) return;
    this.unionFiles--;
    if (t === T_FILE) this.nameHidden(layer, entry);
    else if (t === T_HARDLINK) {
      const ll = this.linkLayer[layer];
      if (ll && ll[entry] >= 0) this.nameHidden(ll[entry], this.linkEntry[layer]![entry]);
    }
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
    if (this.isLinkGroup(below.layer, below.entry)) {
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
    const gone = [...this.groupDropped].filter(([ino]) => this.groupNames.get(ino) === 0).sort((x, y) => x[0] - y[0]);
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

  /**
   * The inode each hard link of layer L joins, as GNU tar extracts it over the layers below: the
   * target's entry in this layer when it came earlier in the tar, else the target as the union
   * below shows it before this layer's whiteouts and opaque directories (they hide names, not the
   * file a link names). A target that is missing, a directory, or under a path this layer makes a
   * non-directory leaves the link without an inode.
   */
  private resolveLinks(L: number, data: LayerData): void {
    // One slot per layer, so that lookups never read past the end of the array (slow in V8).
    this.grouped.push(null);
    let first = -1;
    for (let e = 0; e < data.count; e++) {
      if (data.type[e] === T_HARDLINK) {
        first = e;
        break;
      }
    }
    if (first < 0) {
      this.linkLayer.push(null);
      this.linkEntry.push(null);
      return;
    }
    this.stampLayer.ensure(this.table.size);
    this.stampEntry.ensure(this.table.size);
    const stampL = this.stampLayer.a;
    const stampE = this.stampEntry.a;
    for (let e = 0; e < data.count; e++) {
      stampL[data.path[e]] = L;
      stampE[data.path[e]] = e;
    }
    // Only a non-directory entry of this layer with paths below it can cut a target off.
    let replacing = false;
    for (let e = 0; e < data.count && !replacing; e++) {
      replacing = data.type[e] !== T_DIR && this.table.firstChild(data.path[e]) >= 0;
    }
    this.replacedMemo.ensure(this.table.size);
    const targets = new Map<string, number>();
    const toL = new Int32Array(data.count).fill(-1);
    const toE = new Int32Array(data.count).fill(-1);
    this.linkLayer.push(toL);
    this.linkEntry.push(toE);
    let missing = 0;
    for (let e = first; e < data.count; e++) {
      if (data.type[e] !== T_HARDLINK) continue;
      let t = -1;
      if (data.link[e] >= 0) {
        // Many links often name one file: each distinct target is looked up once per layer.
        const target = data.links[data.link[e]];
        const known = targets.get(target);
        t = known ?? this.lookupLinkTarget(target);
        if (known === undefined) targets.set(target, t);
      }
      let tl = -1;
      let te = -1;
      if (t > 0 && !(replacing && this.underReplacedDir(L, t))) {
        if (stampL[t] === L && stampE[t] < e) {
          tl = L;
          te = stampE[t];
        } else if (this.curLayer.a[t] >= 0) {
          tl = this.curLayer.a[t];
          te = this.curEntry.a[t];
        }
      }
      if (tl >= 0 && te >= 0 && this.layers[tl].type[te] === T_HARDLINK) {
        // Links to links: the earlier one is resolved already (same layer, earlier entry, or below).
        const ll = this.linkLayer[tl];
        const nl = ll ? ll[te] : -1;
        te = nl < 0 ? -1 : this.linkEntry[tl]![te];
        tl = nl;
      }
      if (tl < 0 || te < 0 || this.layers[tl].type[te] === T_DIR) {
        missing++;
        continue;
      }
      toL[e] = tl;
      toE[e] = te;
      const ino = inodeKey(tl, te);
      (this.grouped[tl] ??= new Uint8Array(this.layers[tl].count))[te] = 1;
      if (!this.groupNames.has(ino)) {
        // Its first link: until now the inode had one name, visible unless it is in this layer.
        const op = this.layers[tl].path[te];
        this.groupNames.set(ino, tl < L && this.curLayer.a[op] === tl && this.curEntry.a[op] === te ? 1 : 0);
      }
    }
    if (missing > 0) {
      const what = `${missing} hard link(s) name a target that does not exist where they are extracted`;
      this.warnings.push(`layer ${L}: ${what} (kept as empty names)`);
    }
  }

  /** Path id of a hard link's target as the layer builder stores it ("/" + a normalised path), or -1. */
  private lookupLinkTarget(target: string): number {
    let cur = 0;
    let start = 1;
    while (cur >= 0 && start < target.length) {
      const slash = target.indexOf('/', start);
      const end = slash < 0 ? target.length : slash;
      cur = this.table.child(cur, target.slice(start, end), false);
      start = end + 1;
    }
    return cur;
  }

  /**
   * True when an ancestor of `p` is a non-directory entry of layer L (extraction replaced it).
   * Memoised per path for the layer (2L + 1 when the path or an ancestor is such an entry), so many
   * links into one deep tree cost its depth once.
   */
  private underReplacedDir(L: number, p: number): boolean {
    const memo = this.replacedMemo.a;
    const walked: number[] = [];
    let answer = false;
    for (let a = this.table.parent(p); a > 0; a = this.table.parent(a)) {
      if (memo[a] >> 1 === L) {
        answer = (memo[a] & 1) === 1;
        break;
      }
      walked.push(a);
      if (this.stampLayer.a[a] === L && this.layers[L].type[this.stampEntry.a[a]] !== T_DIR) {
        answer = true;
        break;
      }
    }
    // Every path walked has that answer: the replaced one (or none) is at or above each of them.
    for (const a of walked) memo[a] = (L << 1) | (answer ? 1 : 0);
    return answer;
  }

  private ensureEvents(n: number): void {
    if (n <= this.evPath.a.length) return;
    for (const g of [
      this.evPath,
      this.evLayer,
      this.evKind,
      this.evEntry,
      this.evPrevLayer,
      this.evPrevEntry,
      this.evNext,
    ])
      g.ensure(n);
  }

  private pushEvent(p: number, layer: number, kind: number, entry: number, prevLayer: number, prevEntry: number): void {
    const ev = this.evN++;
    this.ensureEvents(this.evN);
    this.evPath.a[ev] = p;
    this.evLayer.a[ev] = layer;
    this.evKind.a[ev] = kind;
    this.evEntry.a[ev] = entry;
    this.evPrevLayer.a[ev] = prevLayer;
    this.evPrevEntry.a[ev] = prevEntry;
    this.evNext.a[ev] = -1;
    const tail = this.evTail.a[p];
    if (tail < 0) this.evHead.a[p] = ev;
    else this.evNext.a[tail] = ev;
    this.evTail.a[p] = ev;
  }

  /**
   * dive's efficiency bookkeeping for one layer, against the union below (before the merge):
   * every leaf node of the layer's own tree (entries, whiteout targets, implied parents) adds
   * its size; a whiteout of a directory is sized as that lower subtree, of anything else as 0.
   */
  private diveLayer(L: number, data: LayerData): void {
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
      const l = this.curLayer.a[w];
      if (l >= 0 && this.entryType(l, this.curEntry.a[w]) === T_DIR) {
        this.table.forEachDescendant(w, (d) => {
          const dl = this.curLayer.a[d];
          if (dl >= 0) sum += this.entrySize(dl, this.curEntry.a[d]);
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
}
