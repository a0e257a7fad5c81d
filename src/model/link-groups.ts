/**
 * Link groups (docs/semantics.md, "Hard links"): a file's bytes belong to its inode, the
 * regular-file entry that shipped them; a hard-link entry is one more name of the inode its target
 * names when the link is extracted. Kept here, per layer: the inode each hard link joined; per
 * inode that ever had a hard link, how many of its names are visible in the union.
 */
import { GrowI32 } from './grow.js';
import { T_DIR, T_HARDLINK, type LayerData } from './layer-data.js';
import type { PathTable } from './path-table.js';

/** Inode keys: layer * INODE_SPLIT + entry (entries stay below 2^32, layers far below 2^21). */
const INODE_SPLIT = 0x100000000;
export function inodeKey(layer: number, entry: number): number {
  return layer * INODE_SPLIT + entry;
}
/** [layer, entry] of an inode key. */
export function inodeParts(ino: number): [number, number] {
  const layer = Math.floor(ino / INODE_SPLIT);
  return [layer, ino - layer * INODE_SPLIT];
}

export class LinkGroups {
  // Per layer, for its hard-link entries: the inode each one joined (layer and entry of the regular
  // file, or another non-directory, that holds it; -1 when the target did not exist). Null for
  // layers without hard links.
  private readonly linkLayer: (Int32Array | null)[] = [];
  private readonly linkEntry: (Int32Array | null)[] = [];
  /** Visible names per inode, for inodes that ever had a hard link (others have one name). */
  private readonly groupNames = new Map<number, number>();
  /** Per layer, 1 for each entry holding such an inode (null: none): the map is asked only about those. */
  private readonly grouped: (Uint8Array | null)[] = [];
  // This layer's entry per path (stamped with the layer index), for resolving link targets.
  private stampLayer = new GrowI32(1024, -1);
  private stampEntry = new GrowI32(1024, 0);
  private replacedMemo = new GrowI32(1024, -2);

  constructor(
    private readonly table: PathTable,
    /** The analysis's layers (the same array, growing as layers merge). */
    private readonly layers: readonly LayerData[],
  ) {}

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

  /** The layer of the file a hard-link entry joined, or -1 (then joinedEntry is meaningless). */
  joinedLayer(layer: number, entry: number): number {
    const ll = this.linkLayer[layer];
    return ll ? ll[entry] : -1;
  }
  joinedEntry(layer: number, entry: number): number {
    return this.linkEntry[layer]![entry];
  }

  /** Visible names of a grouped inode (undefined for an inode that never had a hard link). */
  visibleNames(ino: number): number | undefined {
    return this.groupNames.get(ino);
  }

  /** One more visible name of `ino`: the names it had before, or -1 when it is not counted here. */
  addName(ino: number): number {
    const c = this.groupNames.get(ino);
    if (c === undefined) return -1;
    this.groupNames.set(ino, c + 1);
    return c;
  }

  /** One visible name fewer: the names it had before, or -1 when it is not counted here. */
  dropName(ino: number): number {
    const c = this.groupNames.get(ino);
    if (c === undefined) return -1;
    this.groupNames.set(ino, c - 1);
    return c;
  }

  /**
   * The inode each hard link of layer L joins, as GNU tar extracts it over the layers below: the
   * target's entry in this layer when it came earlier in the tar, else the target as the union
   * below shows it (`curLayer`, `curEntry`) before this layer's whiteouts and opaque directories
   * (they hide names, not the file a link names). A target that is missing, a directory, or under a
   * path this layer makes a non-directory leaves the link without an inode. Returns how many did.
   */
  resolve(L: number, data: LayerData, curLayer: Int32Array, curEntry: Int32Array): number {
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
      return 0;
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
        } else if (curLayer[t] >= 0) {
          tl = curLayer[t];
          te = curEntry[t];
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
      const grouped = this.grouped[tl] ?? new Uint8Array(this.layers[tl].count);
      this.grouped[tl] = grouped;
      grouped[te] = 1;
      if (!this.groupNames.has(ino)) {
        // Its first link: until now the inode had one name, visible unless it is in this layer.
        const op = this.layers[tl].path[te];
        this.groupNames.set(ino, tl < L && curLayer[op] === tl && curEntry[op] === te ? 1 : 0);
      }
    }
    return missing;
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
}
