/**
 * Waste advice (docs/semantics.md, "Advice"): what to change in the build, with the bytes it saves,
 * computed from the analysis, never estimated. Pure: no I/O.
 *
 * - shipped-then-hidden: the waste records grouped by (step that shipped, step that hid); they add
 *   up to wastedBytes because they are the waste records themselves.
 * - duplicate-content: distinct files of the final filesystem (a link group is one file) with equal
 *   size and content hash; whole directory trees that are copies are one item.
 * - leftover: package-manager caches, docs and VCS data in the final filesystem (LEFTOVERS).
 * - recoverableBytes: wasted bytes, plus the final filesystem's bytes once every leftover is gone
 *   and one copy of each remaining content is kept (each byte counted once).
 */
import type { Analysis } from './analysis.js';
import { K_REMOVED, K_UNCHANGED } from './changes.js';
import { inodeParts } from './link-groups.js';
import { HASH_LEN, T_DIR, T_FILE, T_HARDLINK, T_SYMLINK } from './layer-data.js';
import { createHash } from 'node:crypto';
import { displayName } from './names.js';

/**
 * The leftover catalogue. A pattern is a path prefix: anchored ("/var/cache/apt") from the root, or
 * floating (".cache/pip") at any depth; it names a directory, and everything below it is a leftover.
 * The first pattern that matches a directory decides its category. Add rows here; nothing else
 * needs to change.
 */
export interface LeftoverRule {
  category: string;
  what: string;
  patterns: string[];
  fix: string;
}

export const LEFTOVERS: readonly LeftoverRule[] = [
  {
    category: 'apt',
    what: 'apt caches and package lists',
    patterns: ['/var/cache/apt', '/var/lib/apt/lists'],
    fix: '`apt-get clean && rm -rf /var/lib/apt/lists/*` in the same RUN as the install',
  },
  {
    category: 'apk',
    what: 'apk cache',
    patterns: ['/var/cache/apk'],
    fix: '`apk add --no-cache`, or `rm -rf /var/cache/apk/*` in the same RUN',
  },
  {
    category: 'dnf',
    what: 'dnf cache',
    patterns: ['/var/cache/dnf'],
    fix: '`dnf clean all` in the same RUN as the install',
  },
  {
    category: 'yum',
    what: 'yum cache',
    patterns: ['/var/cache/yum'],
    fix: '`yum clean all && rm -rf /var/cache/yum` in the same RUN as the install',
  },
  {
    category: 'pip',
    what: 'pip cache',
    patterns: ['.cache/pip'],
    fix: '`pip install --no-cache-dir` (or `PIP_NO_CACHE_DIR=1`)',
  },
  {
    category: 'npm',
    what: 'npm cache',
    patterns: ['.npm/_cacache'],
    fix: '`npm cache clean --force` in the same RUN, or a cache mount (`RUN --mount=type=cache`)',
  },
  {
    category: 'yarn',
    what: 'yarn cache',
    patterns: ['.cache/yarn', '/usr/local/share/.cache/yarn'],
    fix: '`yarn cache clean` in the same RUN, or a cache mount (`RUN --mount=type=cache`)',
  },
  {
    category: 'go',
    what: 'Go build and module caches',
    patterns: ['.cache/go-build', '/go/pkg/mod/cache'],
    fix: '`go clean -cache -modcache` in the same RUN, a cache mount, or build in a separate stage',
  },
  {
    category: 'docs',
    what: 'documentation',
    patterns: ['/usr/share/doc', '/usr/share/man', '/usr/share/info'],
    fix: 'keep docs out at install time (dpkg `path-exclude`, `dnf --nodocs`), or remove them in the same RUN',
  },
  {
    category: 'vcs',
    what: 'version-control data',
    patterns: ['.git'],
    fix: 'add `.git` to `.dockerignore`, or clone with `--depth 1` and remove `.git` in the same RUN',
  },
];

export type HideHow = 'deleted' | 'metadata' | 'replaced';
export const HIDE_HOWS: readonly HideHow[] = ['deleted', 'metadata', 'replaced'];

/** A path of an item and the layer at which the tree should show it. */
export interface AdviceTarget {
  path: number;
  layer: number;
}

interface ItemBase {
  bytes: number;
  message: string;
  /** Paths (largest first for waste and leftovers; the kept copy first for duplicates). */
  targets: AdviceTarget[];
}

export interface ShippedThenHiddenItem extends ItemBase {
  kind: 'shipped-then-hidden';
  shippedBy: number;
  hiddenBy: number;
  /** Distinct paths. */
  files: number;
  hiding: Record<HideHow, number>;
}

export interface DuplicateItem extends ItemBase {
  kind: 'duplicate-content';
  /** Bytes of one copy. */
  size: number;
  copies: number;
  /** A whole directory tree copied; its files are not listed again. */
  directory: boolean;
  /** Files in one copy. */
  files: number;
}

export interface LeftoverItem extends ItemBase {
  kind: 'leftover';
  category: string;
  files: number;
  layers: number[];
}

export type AdviceItem = ShippedThenHiddenItem | DuplicateItem | LeftoverItem;

export interface Advice {
  items: AdviceItem[];
  /** Waste records counted (wastedBytes, less ignored paths). */
  wastedBytes: number;
  /** Sum of the duplicate items. */
  duplicateBytes: number;
  /** Sum of the leftover items. */
  leftoverBytes: number;
  recoverableBytes: number;
}

export interface AdviceOptions {
  /** Paths to leave out (CI ignore globs): their waste, and their names in the final filesystem. */
  exclude?: (path: number) => boolean;
  /** Paths listed per waste or leftover item (default 10). */
  maxPaths?: number;
  /** Copies listed per duplicate item (default 100). */
  maxCopies?: number;
}

const memo = new WeakMap<Analysis, { layers: number; advice: Advice }>();
/** Where the default advice of a whole image goes once computed (the per-image cache record). */
const sinks = new WeakMap<Analysis, { layers: number; put: (advice: Advice) => void }>();

/** Runs of computeAdvice in this process (the cache test checks that a cached image needs none). */
export const adviceRuns = { count: 0 };

/** The advice for the layers merged so far (memoised per layer count when nothing is excluded). */
export function adviceFor(a: Analysis, opts: AdviceOptions = {}): Advice {
  if (opts.exclude || opts.maxPaths !== undefined || opts.maxCopies !== undefined) return computeAdvice(a, opts);
  const m = memo.get(a);
  if (m && m.layers === a.layerCount) return m.advice;
  const advice = computeAdvice(a, opts);
  memo.set(a, { layers: a.layerCount, advice });
  const sink = sinks.get(a);
  if (sink && sink.layers === a.layerCount) {
    sinks.delete(a);
    sink.put(advice);
  }
  return advice;
}

/** Take `advice` (read back from the cache) as the default advice of `a` with its layers merged so far. */
export function rememberAdvice(a: Analysis, advice: Advice): void {
  memo.set(a, { layers: a.layerCount, advice });
}

/**
 * Hand the default advice of `a`, with its layers merged so far, to `put` once it is computed
 * (at once when it already is): the advice is computed only when a face asks for it.
 */
export function onAdvice(a: Analysis, put: (advice: Advice) => void): void {
  const m = memo.get(a);
  if (m && m.layers === a.layerCount) put(m.advice);
  else sinks.set(a, { layers: a.layerCount, put });
}

export function computeAdvice(a: Analysis, opts: AdviceOptions = {}): Advice {
  adviceRuns.count++;
  const maxPaths = opts.maxPaths ?? 10;
  const maxCopies = opts.maxCopies ?? 100;
  const items: AdviceItem[] = [];
  const waste = stepPairs(a, opts.exclude, maxPaths);
  items.push(...waste.items);
  const fin = finalFilesystem(a, opts.exclude, maxPaths, maxCopies);
  items.push(...fin.items);
  // Ties fall to the first path's bytes, never to path ids, which depend on the order layers were read in.
  const firstPath = (it: AdviceItem) => (it.targets.length > 0 ? a.table.path(it.targets[0].path) : '');
  items.sort(
    (x, y) => y.bytes - x.bytes || KIND_ORDER[x.kind] - KIND_ORDER[y.kind] || compareBytes(firstPath(x), firstPath(y)),
  );
  return {
    items,
    wastedBytes: waste.total,
    duplicateBytes: fin.duplicateBytes,
    leftoverBytes: fin.leftoverBytes,
    recoverableBytes: waste.total + fin.recoverable,
  };
}

/** Byte strings in byte order. */
function compareBytes(x: string, y: string): number {
  return x < y ? -1 : x > y ? 1 : 0;
}

const KIND_ORDER: Record<AdviceItem['kind'], number> = {
  'shipped-then-hidden': 0,
  leftover: 1,
  'duplicate-content': 2,
};

// ---- shipped then hidden ----

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
    if (!g)
      pairs.set(
        key,
        (g = {
          shippedBy: w.layer,
          hiddenBy: w.hiddenBy,
          bytes: 0,
          hiding: { deleted: 0, metadata: 0, replaced: 0 },
          paths: new Map(),
        }),
      );
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
    for (let i = 0; i < HASH_LEN; i++) if (n.hash[ne * HASH_LEN + i] !== o.hash[oe * HASH_LEN + i]) return 'replaced';
    return 'metadata';
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

// ---- the final filesystem: duplicates and leftovers ----

interface Rule {
  cat: number;
  segs: string[];
  anchored: boolean;
}

const RULES: Rule[] = LEFTOVERS.flatMap((r, cat) =>
  r.patterns.map((p) => ({ cat, segs: p.split('/').filter((s) => s !== ''), anchored: p.startsWith('/') })),
);
const RULES_BY_LAST = new Map<string, Rule[]>();
for (const r of RULES) {
  const last = r.segs[r.segs.length - 1];
  const list = RULES_BY_LAST.get(last) ?? [];
  list.push(r);
  RULES_BY_LAST.set(last, list);
}

function matchRule(a: Analysis, p: number): number {
  const rules = RULES_BY_LAST.get(a.table.name(p));
  if (!rules) return -1;
  const t = a.table;
  for (const r of rules) {
    if (r.anchored && t.depth(p) !== r.segs.length) continue;
    let cur = p;
    let ok = true;
    for (let i = r.segs.length - 1; i >= 0; i--) {
      if (cur <= 0 || t.name(cur) !== r.segs[i]) {
        ok = false;
        break;
      }
      cur = t.parent(cur);
    }
    if (ok) return r.cat;
  }
  return -1;
}

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

interface FinalResult {
  items: AdviceItem[];
  duplicateBytes: number;
  leftoverBytes: number;
  recoverable: number;
}

/** The final filesystem's visible names and the distinct files (link groups) they name, as columns. */
interface Files {
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

function visibleFiles(a: Analysis, exclude: ((p: number) => boolean) | undefined): Files {
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
    if (links > 0) (byEntry[L] ??= new Int32Array(a.layers[L].count))[e] = f + 1;
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
      (byEntry[id.layer] ??= new Int32Array(a.layers[id.layer].count))[id.entry] = f + 1;
    } else {
      if (p < fFirst[f]) fFirst[f] = p;
      if (fCat[f] !== cat[p]) fCat[f] = -2;
    }
    fNames[f]++;
    nameFile[p] = f;
  }
  return { ptype, topL, topE, nameFile, fLayer, fEntry, fSize, fFirst, fNames, count: nf, cat, catRoot, fCat };
}

/** Every layer's content hashes as 32-bit words (a view when aligned, else a copy). */
function hashWords(a: Analysis): Uint32Array[] {
  return a.layers.map((d) => {
    const h = d.hash;
    if (h.byteOffset % 4 === 0) return new Uint32Array(h.buffer, h.byteOffset, h.byteLength >> 2);
    return new Uint32Array(new Uint8Array(h).buffer);
  });
}

const WORDS = HASH_LEN >> 2;

/**
 * Groups of distinct files with equal size and content hash; zero-size files and unknown content (a
 * zero hash) never group. An open-addressing table in typed arrays: no object per file.
 */
function contentGroups(a: Analysis, fs: Files, words: Uint32Array[]): { fGroup: Int32Array; groups: number[][] } {
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

function finalFilesystem(
  a: Analysis,
  exclude: ((p: number) => boolean) | undefined,
  maxPaths: number,
  maxCopies: number,
): FinalResult {
  const t = a.table;
  const n = t.size;
  const fs = visibleFiles(a, exclude);
  const { ptype, nameFile, fLayer, fSize, fFirst } = fs;
  const nf = fs.count;
  const words = hashWords(a);
  const { fGroup, groups } = contentGroups(a, fs, words);

  const { catRoot, fCat } = fs;
  const items: AdviceItem[] = [];
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

function duplicates(
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
/** The README's table of the leftover catalogue (Markdown), kept in sync by a test. */
export function leftoverMarkdown(): string {
  const lines = ['| Category | Paths (everything below them) | Fix |', '|---|---|---|'];
  for (const r of LEFTOVERS) {
    const pats = r.patterns.map((p) => `\`${p.startsWith('/') ? p : `…/${p}`}/\``).join(', ');
    lines.push(`| \`${r.category}\` | ${pats} | ${r.fix.replace(/\|/g, '\\|')} |`);
  }
  return `${lines.join('\n')}\n`;
}
