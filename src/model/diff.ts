/**
 * Image-to-image diff: the layers two images share (by diff_id, and the common base prefix), then
 * the file-level differences between their final filesystems. Pure: works on two analyses.
 */
import { HASH_LEN, T_DIR, ENTRY_TYPES, type EntryType } from './layer-data.js';
import type { Analysis } from './analysis.js';

export type DiffChange = 'added' | 'removed' | 'modified';

export interface FileDiff {
  path: string;
  change: DiffChange;
  type: EntryType;
  /** Size in A (0 when added) and in B (0 when removed). */
  sizeA: number;
  sizeB: number;
  /** sizeB - sizeA: what the change costs in the final filesystem. */
  bytes: number;
  /** What differs for a modification: type, mode, uid, gid, size, link, content. */
  what?: string[];
}

export interface SharedLayer {
  diffId: string;
  indexA: number;
  indexB: number;
  sizeBytes: number;
}

export interface ImageDiff {
  /** Layers at the same position with the same diff_id, from the bottom (the common base). */
  commonPrefix: number;
  shared: SharedLayer[];
  onlyA: { index: number; diffId: string; sizeBytes: number }[];
  onlyB: { index: number; diffId: string; sizeBytes: number }[];
  files: FileDiff[];
  totals: Record<DiffChange, { count: number; bytes: number }>;
}

interface Version {
  a: Analysis;
  layer: number;
  entry: number;
}

/** Paths of the top union with their version, as absolute path strings. */
function topUnion(a: Analysis): Map<string, Version> {
  const out = new Map<string, Version>();
  for (let p = 1; p < a.table.size; p++) {
    const layer = a.topLayer(p);
    if (layer >= 0) out.set(a.table.path(p), { a, layer, entry: a.topEntry(p) });
  }
  return out;
}

function attrs(v: Version) {
  if (v.entry < 0)
    return {
      type: T_DIR,
      mode: 0o755,
      uid: 0,
      gid: 0,
      size: 0,
      link: null as string | null,
      hash: null as Uint8Array | null,
    };
  const d = v.a.layers[v.layer];
  const e = v.entry;
  return {
    type: d.type[e],
    mode: d.mode[e],
    uid: d.uid[e],
    gid: d.gid[e],
    size: d.size[e],
    link: d.link[e] >= 0 ? d.links[d.link[e]] : null,
    hash: d.hash.subarray(e * HASH_LEN, (e + 1) * HASH_LEN),
  };
}

function differences(x: Version, y: Version): string[] {
  const a = attrs(x);
  const b = attrs(y);
  const what: string[] = [];
  if (a.type !== b.type) what.push('type');
  if (a.mode !== b.mode) what.push('mode');
  if (a.uid !== b.uid) what.push('uid');
  if (a.gid !== b.gid) what.push('gid');
  if (a.size !== b.size) what.push('size');
  if (a.link !== b.link) what.push('link');
  if (a.type === 0 && b.type === 0 && a.hash && b.hash && !Buffer.from(a.hash).equals(Buffer.from(b.hash)))
    what.push('content');
  return what;
}

export function diffAnalyses(a: Analysis, diffIdsA: string[], b: Analysis, diffIdsB: string[]): ImageDiff {
  let commonPrefix = 0;
  while (
    commonPrefix < diffIdsA.length &&
    commonPrefix < diffIdsB.length &&
    diffIdsA[commonPrefix] === diffIdsB[commonPrefix]
  )
    commonPrefix++;
  const shared: SharedLayer[] = [];
  const usedB = new Set<number>();
  diffIdsA.forEach((d, i) => {
    const j = diffIdsB.findIndex((x, k) => x === d && !usedB.has(k));
    if (j >= 0) {
      usedB.add(j);
      shared.push({ diffId: d, indexA: i, indexB: j, sizeBytes: a.layers[i]?.sizeBytes ?? 0 });
    }
  });
  const sharedA = new Set(shared.map((s) => s.indexA));
  const onlyA = diffIdsA
    .map((d, i) => ({ index: i, diffId: d, sizeBytes: a.layers[i]?.sizeBytes ?? 0 }))
    .filter((x) => !sharedA.has(x.index));
  const onlyB = diffIdsB
    .map((d, i) => ({ index: i, diffId: d, sizeBytes: b.layers[i]?.sizeBytes ?? 0 }))
    .filter((x) => !usedB.has(x.index));

  const ua = topUnion(a);
  const ub = topUnion(b);
  const files: FileDiff[] = [];
  const sizeOf = (v: Version) => attrs(v).size;
  const typeOf = (v: Version) => ENTRY_TYPES[attrs(v).type];
  for (const [path, va] of ua) {
    const vb = ub.get(path);
    if (!vb) {
      files.push({ path, change: 'removed', type: typeOf(va), sizeA: sizeOf(va), sizeB: 0, bytes: -sizeOf(va) });
      continue;
    }
    const what = differences(va, vb);
    if (what.length > 0)
      files.push({
        path,
        change: 'modified',
        type: typeOf(vb),
        sizeA: sizeOf(va),
        sizeB: sizeOf(vb),
        bytes: sizeOf(vb) - sizeOf(va),
        what,
      });
  }
  for (const [path, vb] of ub) {
    if (!ua.has(path))
      files.push({ path, change: 'added', type: typeOf(vb), sizeA: 0, sizeB: sizeOf(vb), bytes: sizeOf(vb) });
  }
  // Largest first: by the bigger of the two versions, then by path.
  files.sort(
    (x, y) =>
      Math.max(y.sizeA, y.sizeB) - Math.max(x.sizeA, x.sizeB) || (x.path < y.path ? -1 : x.path > y.path ? 1 : 0),
  );
  const totals: ImageDiff['totals'] = {
    added: { count: 0, bytes: 0 },
    removed: { count: 0, bytes: 0 },
    modified: { count: 0, bytes: 0 },
  };
  for (const f of files) {
    totals[f.change].count++;
    totals[f.change].bytes += f.bytes;
  }
  return { commonPrefix, shared, onlyA, onlyB, files, totals };
}
