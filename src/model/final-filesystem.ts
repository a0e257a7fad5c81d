/**
 * The advice about the final filesystem: its leftovers, its duplicates, and the bytes they make
 * recoverable once every leftover is gone and one copy of each remaining content is kept (each
 * byte counted once).
 */
import { compareBytes } from './advice-item.js';
import type { Analysis } from './analysis.js';
import { contentGroups, duplicates, type DuplicateItem } from './duplicates.js';
import { LEFTOVERS, type LeftoverItem } from './leftovers.js';
import { hashWords, visibleFiles, type Files } from './visible-files.js';

export interface FinalResult {
  items: (LeftoverItem | DuplicateItem)[];
  duplicateBytes: number;
  leftoverBytes: number;
  recoverable: number;
}

export function finalFilesystem(
  a: Analysis,
  exclude: ((p: number) => boolean) | undefined,
  maxPaths: number,
  maxCopies: number,
): FinalResult {
  const fs = visibleFiles(a, exclude);
  const { fLayer, fSize, fFirst } = fs;
  const nf = fs.count;
  const words = hashWords(a);
  const { fGroup, groups } = contentGroups(fs, words);

  const { catRoot, fCat } = fs;
  const items: (LeftoverItem | DuplicateItem)[] = [];
  let leftoverBytes = 0;
  const perCat = LEFTOVERS.map(() => ({
    bytes: 0,
    files: 0,
    layers: new Set<number>(),
    roots: new Map<number, number>(),
  }));
  for (let f = 0; f < nf; f++) {
    const c = fCat[f];
    if (c < 0) continue;
    const s = perCat[c];
    s.bytes += fSize[f];
    s.files++;
    s.layers.add(fLayer[f]);
    const root = catRoot[fFirst[f]];
    s.roots.set(root, (s.roots.get(root) ?? 0) + fSize[f]);
  }
  perCat.forEach((s, c) => {
    if (s.bytes <= 0) return;
    leftoverBytes += s.bytes;
    const layers = [...s.layers].sort((x, y) => x - y);
    const roots = [...s.roots]
      .filter(([, b]) => b > 0)
      .sort((x, y) => y[1] - x[1] || compareBytes(a.table.path(x[0]), a.table.path(y[0])))
      .slice(0, maxPaths);
    const rule = LEFTOVERS[c];
    items.push({
      kind: 'leftover',
      category: rule.category,
      bytes: s.bytes,
      files: s.files,
      layers,
      message: `${rule.what} in the final filesystem, shipped by ${layers.map((l) => `L${l}`).join(', ')}: ${rule.fix}`,
      targets: roots.map(([path]) => ({ path, layer: mostBytesLayer(a, path, fs) })),
    });
  });

  // Duplicates: whole directory trees first, then single files.
  const dup = duplicates(a, fs, fGroup, groups, maxCopies, words);
  items.push(...dup.items);

  // Recoverable in the final filesystem: the leftovers, then one copy of each content kept among the rest.
  let recoverable = leftoverBytes;
  for (const g of groups) {
    let rest = 0;
    for (const f of g) if (fCat[f] < 0) rest++;
    if (rest >= 2) recoverable += fSize[g[0]] * (rest - 1);
  }
  return { items, duplicateBytes: dup.bytes, leftoverBytes, recoverable };
}

/** The layer that shipped most of the bytes under `root` (where the tree shows them). */
function mostBytesLayer(a: Analysis, root: number, fs: Files): number {
  const by = new Map<number, number>();
  a.table.forEachDescendant(root, (d) => {
    if (fs.ptype[d] < 0) return false;
    const f = fs.nameFile[d];
    if (f >= 0) by.set(a.topLayer(d), (by.get(a.topLayer(d)) ?? 0) + fs.fSize[f]);
  });
  let best = a.topLayer(root);
  let bytes = -1;
  for (const [l, b] of by) if (b > bytes || (b === bytes && l < best)) [best, bytes] = [l, b];
  return best;
}
