/**
 * The final filesystem as the duplicate and leftover advice read it: its visible names and the
 * distinct files (link groups) they name, as columns; no object per file.
 */
import type { Analysis } from './analysis.js';
import { HASH_LEN, T_DIR, T_FILE, T_HARDLINK } from './layer-data.js';
import { matchRule } from './leftovers.js';
import { inodeParts } from './link-groups.js';

/**
 * The entry that carries a hard link's data (null when none): the file the link joined when it was
 * extracted, as the analysis resolves it (docs/semantics.md, "Hard links").
 */
function resolveLink(a: Analysis, layer: number, entry: number): { layer: number; entry: number } | null {
  const ino = a.inodeOf(layer, entry);
  if (ino === null) return null;
  const [l, e] = inodeParts(ino);
  return a.layers[l].type[e] === T_FILE ? { layer: l, entry: e } : null;
}

/** The final filesystem's visible names and the distinct files (link groups) they name, as columns. */
export interface Files {
  /** Per path: the type of its visible version, -1 when not visible (or excluded); its layer and entry. */
  ptype: Int8Array;
  topL: Int32Array;
  topE: Int32Array;
  /** Per path: the file it names, -1 for none. */
  nameFile: Int32Array;
  /** Per file: the layer and entry that carry its data, its size, its first name, its number of names. */
  fLayer: Int32Array;
  fEntry: Int32Array;
  fSize: Float64Array;
  fFirst: Int32Array;
  fNames: Int32Array;
  count: number;
  /** Per path: its leftover category (-1: none) and the directory that matched; per file: its category (-2: mixed). */
  cat: Int8Array;
  catRoot: Int32Array;
  fCat: Int8Array;
}

export function visibleFiles(a: Analysis, exclude: ((p: number) => boolean) | undefined): Files {
  const t = a.table;
  const n = t.size;
  const ptype = new Int8Array(n).fill(-1);
  const topL = new Int32Array(n);
  const topE = new Int32Array(n);
  ptype[0] = T_DIR;
  // First pass: what is visible, and how many names may name a file (the columns' length).
  // Leftovers too: the category of every visible path (inherited from the matching directory).
  const cat = new Int8Array(n).fill(-1);
  const catRoot = new Int32Array(n).fill(-1);
  let names = 0;
  let links = 0;
  for (let p = 1; p < n; p++) {
    const L = a.topLayer(p);
    const up = t.parent(p);
    if (L < 0 || ptype[up] !== T_DIR || exclude?.(p)) continue;
    const e = a.topEntry(p);
    const type = e < 0 ? T_DIR : a.layers[L].type[e];
    ptype[p] = type;
    topL[p] = L;
    topE[p] = e;
    if (cat[up] >= 0) {
      cat[p] = cat[up];
      catRoot[p] = catRoot[up];
    } else if (type === T_DIR) {
      const c = matchRule(a, p);
      if (c >= 0) {
        cat[p] = c;
        catRoot[p] = p;
      }
    }
    if (type === T_FILE) names++;
    else if (type === T_HARDLINK) links++;
  }
  names += links;
  const nameFile = new Int32Array(n).fill(-1);
  const fLayer = new Int32Array(names);
  const fEntry = new Int32Array(names);
  const fSize = new Float64Array(names);
  const fFirst = new Int32Array(names);
  const fNames = new Int32Array(names);
  // A file is a leftover of a category when all its names are in it (-2: names in several places).
  const fCat = new Int8Array(names).fill(-1);
  // Per layer, entry -> file + 1, so that the names of one link group find one file (with links only).
  const byEntry: (Int32Array | undefined)[] = [];
  let nf = 0;
  for (let p = 1; p < n; p++) {
    if (ptype[p] !== T_FILE) continue;
    const f = nf++;
    const L = topL[p];
    const e = topE[p];
    fLayer[f] = L;
    fEntry[f] = e;
    fSize[f] = a.layers[L].size[e];
    fFirst[f] = p;
    fNames[f] = 1;
    fCat[f] = cat[p];
    nameFile[p] = f;
    if (links > 0) entryFiles(a, byEntry, L)[e] = f + 1;
  }
  for (let p = 1; links > 0 && p < n; p++) {
    if (ptype[p] !== T_HARDLINK) continue;
    const id = resolveLink(a, topL[p], topE[p]);
    if (!id) continue;
    let f = (byEntry[id.layer]?.[id.entry] ?? 0) - 1;
    if (f < 0) {
      f = nf++;
      fLayer[f] = id.layer;
      fEntry[f] = id.entry;
      fSize[f] = a.layers[id.layer].size[id.entry];
      fFirst[f] = p;
      fCat[f] = cat[p];
      entryFiles(a, byEntry, id.layer)[id.entry] = f + 1;
    } else {
      if (p < fFirst[f]) fFirst[f] = p;
      if (fCat[f] !== cat[p]) fCat[f] = -2;
    }
    fNames[f]++;
    nameFile[p] = f;
  }
  return { ptype, topL, topE, nameFile, fLayer, fEntry, fSize, fFirst, fNames, count: nf, cat, catRoot, fCat };
}

/** Layer `layer`'s column of `byEntry` (entry -> file + 1), made on first use. */
function entryFiles(a: Analysis, byEntry: (Int32Array | undefined)[], layer: number): Int32Array {
  let column = byEntry[layer];
  if (!column) {
    column = new Int32Array(a.layers[layer].count);
    byEntry[layer] = column;
  }
  return column;
}

/** Every layer's content hashes as 32-bit words (a view when aligned, else a copy). */
export function hashWords(a: Analysis): Uint32Array[] {
  return a.layers.map((d) => {
    const h = d.hash;
    if (h.byteOffset % 4 === 0) return new Uint32Array(h.buffer, h.byteOffset, h.byteLength >> 2);
    return new Uint32Array(new Uint8Array(h).buffer);
  });
}

/** 32-bit words per content hash. */
export const WORDS = HASH_LEN >> 2;
