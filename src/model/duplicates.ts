/**
 * Duplicate-content advice (docs/semantics.md, "Advice"): distinct files of the final filesystem (a
 * link group is one file) with equal size and content hash; whole directory trees that are copies
 * are one item.
 */
import { createHash } from 'node:crypto';
import type { AdviceItemBase } from './advice-item.js';
import type { Analysis } from './analysis.js';
import { T_DIR, T_SYMLINK } from './layer-data.js';
import { displayName } from './names.js';
import { WORDS, type Files } from './visible-files.js';

export interface DuplicateItem extends AdviceItemBase {
  kind: 'duplicate-content';
  /** Bytes of one copy. */
  size: number;
  copies: number;
  /** A whole directory tree copied; its files are not listed again. */
  directory: boolean;
  /** Files in one copy. */
  files: number;
}

/**
 * Groups of distinct files with equal size and content hash; zero-size files and unknown content (a
 * zero hash) never group. An open-addressing table in typed arrays: no object per file.
 */
export function contentGroups(fs: Files, words: Uint32Array[]): { fGroup: Int32Array; groups: number[][] } {
  const { fLayer, fEntry, fSize, count } = fs;
  const fGroup = new Int32Array(count).fill(-1);
  let cand = 0;
  for (let f = 0; f < count; f++) if (fSize[f] > 0) cand++;
  let cap = 16;
  while (cap < cand * 2) cap *= 2;
  const mask = cap - 1;
  const slot = new Int32Array(cap).fill(-1);
  const members = new Int32Array(cap);
  const next = new Int32Array(count).fill(-1);
  for (let f = 0; f < count; f++) {
    const size = fSize[f];
    if (size <= 0) continue;
    const h = words[fLayer[f]];
    const o = fEntry[f] * WORDS;
    const w0 = h[o];
    const w1 = h[o + 1];
    const w2 = h[o + 2];
    const w3 = h[o + 3];
    if ((w0 | w1 | w2 | w3) === 0) continue;
    let k = (Math.imul(w0 ^ Math.imul(size | 0, 0x9e3779b1), 0x85ebca6b) >>> 0) & mask;
    for (;;) {
      const head = slot[k];
      if (head < 0) {
        slot[k] = f;
        members[k] = 1;
        break;
      }
      const hh = words[fLayer[head]];
      const ho = fEntry[head] * WORDS;
      if (fSize[head] === size && hh[ho] === w0 && hh[ho + 1] === w1 && hh[ho + 2] === w2 && hh[ho + 3] === w3) {
        next[f] = next[head];
        next[head] = f;
        members[k]++;
        break;
      }
      k = (k + 1) & mask;
    }
  }
  const groups: number[][] = [];
  for (let k = 0; k < cap; k++) {
    if (slot[k] < 0 || members[k] < 2) continue;
    const g: number[] = [];
    for (let f = slot[k]; f >= 0; f = next[f]) {
      fGroup[f] = groups.length;
      g.push(f);
    }
    g.sort((x, y) => x - y);
    groups.push(g);
  }
  return { fGroup, groups };
}

export function duplicates(
  a: Analysis,
  fs: Files,
  fGroup: Int32Array,
  groups: number[][],
  maxCopies: number,
  words: Uint32Array[],
): { items: DuplicateItem[]; bytes: number } {
  const t = a.table;
  const n = t.size;
  const { ptype, nameFile, fSize, fFirst } = fs;
  // Bottom-up (descending ids): which directories hold only duplicated content, their apparent
  // bytes, files (a link group at its first name) and the newest layer among their files.
  const unique = new Uint8Array(n);
  const dirBytes = new Float64Array(n);
  const dirFiles = new Int32Array(n);
  const dirLayer = new Int32Array(n).fill(-1);
  for (let p = n - 1; p > 0; p--) {
    const type = ptype[p];
    if (type < 0) continue;
    const up = t.parent(p);
    if (type !== T_DIR) {
      const f = nameFile[p];
      if (f >= 0 && fSize[f] > 0) {
        if (fGroup[f] < 0) unique[p] = 1;
        dirBytes[p] = fSize[f];
        dirFiles[p] = fFirst[f] === p ? 1 : 0;
      }
      dirLayer[p] = fs.topL[p];
    }
    if (unique[p]) unique[up] = 1;
    dirBytes[up] += dirBytes[p];
    dirFiles[up] += dirFiles[p];
    if (dirLayer[p] > dirLayer[up]) dirLayer[up] = dirLayer[p];
  }
  // Signatures of the directories that hold only duplicated content (children sorted by name).
  const sig = new Map<number, string>();
  const bySig = new Map<string, number[]>();
  for (let p = n - 1; p > 0; p--) {
    if (ptype[p] !== T_DIR || unique[p]) continue;
    const kids: number[] = [];
    for (let c = t.firstChild(p); c >= 0; c = t.nextSibling(c)) if (ptype[c] >= 0) kids.push(c);
    kids.sort((x, y) => (t.name(x) < t.name(y) ? -1 : t.name(x) > t.name(y) ? 1 : 0));
    const h = createHash('sha1');
    for (const c of kids) {
      const name = t.name(c);
      h.update(`${name.length}:${name}`, 'latin1');
      const f = nameFile[c];
      if (f >= 0) {
        h.update(`f${fSize[f]}:`);
        const o = fs.fEntry[f] * WORDS;
        h.update(words[fs.fLayer[f]].subarray(o, o + WORDS));
      } else h.update(childSig(a, c, ptype[c] === T_DIR ? sig.get(c)! : null), 'latin1');
    }
    const s = h.digest('base64');
    sig.set(p, s);
    if (dirBytes[p] > 0 && dirFiles[p] >= 2) {
      const list = bySig.get(s);
      if (list) list.push(p);
      else bySig.set(s, [p]);
    }
  }
  // Top-down: each group of equal trees keeps its oldest copy; the other copies are redundant, and
  // their files (each link group once, when all its names are inside) are the item's bytes.
  const dirGroups = [...bySig.values()].filter((g) => g.length >= 2);
  const minDepth = (g: number[]) => Math.min(...g.map((p) => t.depth(p)));
  dirGroups.sort((x, y) => minDepth(x) - minDepth(y) || dirBytes[y[0]] - dirBytes[x[0]] || x[0] - y[0]);
  const inRedundant = new Uint8Array(n);
  const coveredNames = new Int32Array(fs.count);
  const covered = new Uint8Array(fs.count);
  const items: DuplicateItem[] = [];
  let total = 0;
  const pathOf = (p: number) => t.path(p);
  for (const g of dirGroups) {
    const live = g.filter((p) => !inRedundant[p]);
    if (live.length < 2) continue;
    live.sort((x, y) => dirLayer[x] - dirLayer[y] || (pathOf(x) < pathOf(y) ? -1 : 1));
    const [keep, ...copies] = live;
    let bytes = 0;
    for (const r of copies) {
      inRedundant[r] = 1;
      t.forEachDescendant(r, (c) => {
        if (ptype[c] < 0) return false;
        if (ptype[c] === T_DIR) inRedundant[c] = 1;
        const f = nameFile[c];
        if (f >= 0 && ++coveredNames[f] === fs.fNames[f] && !covered[f]) {
          covered[f] = 1;
          bytes += fSize[f];
        }
      });
    }
    if (bytes <= 0) continue;
    total += bytes;
    items.push({
      kind: 'duplicate-content',
      bytes,
      size: dirBytes[keep],
      copies: live.length,
      directory: true,
      files: dirFiles[keep],
      message:
        `${copies.map((p) => displayName(pathOf(p))).join(', ')} ${copies.length === 1 ? 'duplicates' : 'duplicate'} ` +
        `${displayName(pathOf(keep))} (${dirFiles[keep]} files): ` +
        'keep one copy (COPY or install it once, or link to it)',
      targets: live.slice(0, maxCopies).map((p) => ({ path: p, layer: Math.max(0, dirLayer[p]) })),
    });
  }
  // Single files: groups of identical content, less the copies already counted in a tree.
  for (const g of groups) {
    const live = g.filter((f) => !covered[f]);
    if (live.length < 2) continue;
    const size = fSize[live[0]];
    live.sort((x, y) => fs.fLayer[x] - fs.fLayer[y] || (pathOf(fFirst[x]) < pathOf(fFirst[y]) ? -1 : 1));
    const bytes = size * (live.length - 1);
    total += bytes;
    items.push({
      kind: 'duplicate-content',
      bytes,
      size,
      copies: live.length,
      directory: false,
      files: 1,
      message:
        `${live.length} files with identical content (${displayName(pathOf(fFirst[live[0]]))}): ` +
        'keep one copy (or hard-link the copies)',
      targets: live.slice(0, maxCopies).map((f) => ({ path: fFirst[f], layer: a.topLayer(fFirst[f]) })),
    });
  }
  return { items, bytes: total };
}

function childSig(a: Analysis, c: number, dirSig: string | null): string {
  if (dirSig !== null) return `d${dirSig}`;
  const L = a.topLayer(c);
  const e = a.topEntry(c);
  const data = a.layers[L];
  const type = a.entryType(L, e);
  const link = e >= 0 && data.link[e] >= 0 ? data.links[data.link[e]] : '';
  return type === T_SYMLINK ? `s${link.length}:${link}` : `o${type}:${link.length}:${link}`;
}
