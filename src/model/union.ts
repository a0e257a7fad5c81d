/**
 * The union of the layers merged so far: which version of each path is visible on top, and the
 * files and bytes it counts. A file's bytes belong to its inode (link-groups.ts): the union counts
 * them while any of the inode's names is visible. The merge (analysis.ts) moves versions in and out
 * of the union; every change it makes is also an event (event-log.ts).
 */
import { EventLog } from './event-log.js';
import { GrowI32 } from './grow.js';
import { K_REMOVED } from './changes.js';
import { T_DIR, T_FILE, T_HARDLINK, sameContent, type LayerData } from './layer-data.js';
import { inodeKey, inodeParts, LinkGroups } from './link-groups.js';
import type { PathTable } from './path-table.js';

export class Union extends EventLog {
  readonly layers: LayerData[] = [];
  unionBytes = 0;
  unionFiles = 0;

  // The version on top, per path (layer -1: none), and the kind of change that put it there.
  protected curLayer = new GrowI32(1024, -1);
  protected curEntry = new GrowI32(1024, 0);
  protected curKind = new GrowI32(1024, 0);
  protected readonly links: LinkGroups;
  /** Grouped inodes that lost a name in the layer being merged, and the strongest way they lost it. */
  protected readonly groupDropped = new Map<number, number>();

  constructor(readonly table: PathTable) {
    super();
    this.links = new LinkGroups(table, this.layers);
  }

  get layerCount(): number {
    return this.layers.length;
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
   * (null when its target did not exist). Encoded as layer * 2^32 + entry (link-groups.ts).
   */
  inodeOf(layer: number, entry: number): number | null {
    return this.links.inodeOf(layer, entry);
  }

  /** True when the entry holds an inode that has, or had, more than one name. */
  isLinkGroup(layer: number, entry: number): boolean {
    return this.links.isLinkGroup(layer, entry);
  }

  /** Type index of an entry (implicit directories are directories). */
  entryType(layer: number, entry: number): number {
    return entry < 0 ? T_DIR : this.layers[layer].type[entry];
  }
  entrySize(layer: number, entry: number): number {
    return entry < 0 ? 0 : this.layers[layer].size[entry];
  }

  /** Room for `n` paths. */
  protected ensureUnion(n: number): void {
    for (const g of [this.curLayer, this.curEntry, this.curKind]) g.ensure(n);
    this.ensurePaths(n);
  }

  /** True when entry `e` of the layer being merged equals the version (bl, be) below it. */
  protected sameVersion(bl: number, be: number, data: LayerData, e: number): boolean {
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
    if (data.type[e] === T_FILE) return sameContent(b, be, data, e);
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
      return x.type[ie] !== T_FILE || sameContent(x, ie, y, ne);
    }
    return true;
  }

  protected setTop(p: number, layer: number, entry: number, kind: number): void {
    this.curLayer.a[p] = layer;
    this.curEntry.a[p] = entry;
    this.curKind.a[p] = kind;
    const t = this.entryType(layer, entry);
    if (t === T_DIR) return;
    this.unionFiles++;
    if (t === T_FILE) this.nameShown(layer, entry);
    else if (t === T_HARDLINK) {
      const jl = this.links.joinedLayer(layer, entry);
      if (jl >= 0) this.nameShown(jl, this.links.joinedEntry(layer, entry));
    }
  }

  /** One more visible name of an inode: its bytes enter the union with its first name. */
  protected nameShown(layer: number, entry: number): void {
    const d = this.layers[layer];
    if (d.type[entry] !== T_FILE) return;
    if (this.links.isLinkGroup(layer, entry) && this.links.addName(inodeKey(layer, entry)) > 0) return;
    this.unionBytes += d.size[entry];
  }

  /** One visible name fewer: the bytes leave the union with the last name. */
  protected nameHidden(layer: number, entry: number): void {
    const d = this.layers[layer];
    if (d.type[entry] !== T_FILE) return;
    if (this.links.isLinkGroup(layer, entry)) {
      const ino = inodeKey(layer, entry);
      const c = this.links.dropName(ino);
      if (c >= 0) {
        if (!this.groupDropped.has(ino)) this.groupDropped.set(ino, K_REMOVED);
        if (c > 1) return;
      }
    }
    this.unionBytes -= d.size[entry];
  }

  /** Bytes of an inode: a regular file's size, 0 for anything else. */
  protected inodeSize(ino: number): number {
    const [layer, entry] = inodeParts(ino);
    const d = this.layers[layer];
    return d.type[entry] === T_FILE ? d.size[entry] : 0;
  }

  protected dropTop(p: number): void {
    const layer = this.curLayer.a[p];
    const entry = this.curEntry.a[p];
    const t = this.entryType(layer, entry);
    this.curLayer.a[p] = -1;
    if (t === T_DIR) return;
    this.unionFiles--;
    if (t === T_FILE) this.nameHidden(layer, entry);
    else if (t === T_HARDLINK) {
      const jl = this.links.joinedLayer(layer, entry);
      if (jl >= 0) this.nameHidden(jl, this.links.joinedEntry(layer, entry));
    }
  }
}
