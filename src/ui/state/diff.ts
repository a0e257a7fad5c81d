/** The diff view (`strata diff A B` on a terminal): shared layers, then file differences, filterable. Pure. */
import type { ImageDiff, FileDiff } from '../../model/diff.js';
import type { LoadedImage } from '../../model/image.js';
import { formatBytes, shortDigest } from '../../format.js';
import { fit, fitMiddle, fitStart, safe } from '../present/text.js';
import { displayName } from '../../model/names.js';
import { LIST0, type ListState } from './list.js';

export interface DiffState {
  focus: 'layers' | 'files';
  layers: ListState;
  files: ListState;
  /** Path substring filter on the file differences ('' = none). */
  filter: string;
}

export const DIFF0: DiffState = { focus: 'files', layers: LIST0, files: LIST0, filter: '' };

export interface DiffModel {
  a: LoadedImage;
  b: LoadedImage;
  diff: ImageDiff;
}

export interface DiffLayerRow {
  kind: 'shared' | 'onlyA' | 'onlyB';
  text: string;
}

export const CHANGE_SYM = { added: '+', removed: '-', modified: '~' } as const;

export function imageLabel(img: LoadedImage): string {
  return safe(img.meta.repoTags[0] ?? img.source.ref);
}

export function diffLayerRows(d: ImageDiff): DiffLayerRow[] {
  const rows: DiffLayerRow[] = [];
  for (const l of d.shared)
    rows.push({
      kind: 'shared',
      text: `= A L${l.indexA} · B L${l.indexB}  ${fit(shortDigest(l.diffId), 12)} ${fitStart(formatBytes(l.sizeBytes), 9)}  shared`,
    });
  for (const l of d.onlyA)
    rows.push({
      kind: 'onlyA',
      text: `- A L${l.index}        ${fit(shortDigest(l.diffId), 12)} ${fitStart(formatBytes(l.sizeBytes), 9)}  only in A`,
    });
  for (const l of d.onlyB)
    rows.push({
      kind: 'onlyB',
      text: `+ B L${l.index}        ${fit(shortDigest(l.diffId), 12)} ${fitStart(formatBytes(l.sizeBytes), 9)}  only in B`,
    });
  return rows;
}

const filterMemo = new WeakMap<FileDiff[], { q: string; out: FileDiff[] }>();

/** The file differences whose path, as displayed, contains the filter (case-insensitive); memoised per filter. */
export function diffFiles(d: ImageDiff, filter: string): FileDiff[] {
  const q = filter.trim().toLowerCase();
  if (!q) return d.files;
  const m = filterMemo.get(d.files);
  if (m && m.q === q) return m.out;
  const out = d.files.filter((f) => displayName(f.path).toLowerCase().includes(q));
  filterMemo.set(d.files, { q, out });
  return out;
}

function signed(n: number): string {
  return `${n > 0 ? '+' : n < 0 ? '-' : '±'}${formatBytes(Math.abs(n))}`;
}

/** The column header of the file differences (aligned with diffFileLine, after the cursor column). */
export function diffFileHeader(): string {
  return ` ${fitStart('CHANGE', 12)} ${fitStart('SIZE A → B', 21)}  PATH  (Enter: both versions)`;
}

export function diffFileLine(f: FileDiff, width: number): string {
  const sizes =
    f.change === 'modified'
      ? `${formatBytes(f.sizeA)} → ${formatBytes(f.sizeB)}`
      : formatBytes(Math.max(f.sizeA, f.sizeB));
  const head = `${CHANGE_SYM[f.change]} ${fitStart(signed(f.bytes), 10)} ${fitStart(sizes, 21)}  `;
  const what = f.what?.length ? `  (${f.what.join(', ')})` : '';
  const path = displayName(f.path) + (f.type === 'dir' ? '/' : '');
  return head + fitMiddle(path, Math.max(8, width - head.length - what.length)) + what;
}

export function diffSummary(m: DiffModel): string[] {
  const { a, b, diff } = m;
  const shipped = b.analysis.layerBytes - a.analysis.layerBytes;
  const sharedBytes = diff.shared.reduce((s, l) => s + l.sizeBytes, 0);
  const t = diff.totals;
  return [
    `A ${imageLabel(a)} ${a.layers.length} layers, ${formatBytes(a.analysis.layerBytes)} · B ${imageLabel(b)} ${b.layers.length} layers, ${formatBytes(b.analysis.layerBytes)} · B ships ${signed(shipped)}`,
    `${diff.shared.length} shared layers (${formatBytes(sharedBytes)}, the first ${diff.commonPrefix} in common) · files: +${t.added.count} (${signed(t.added.bytes)}) -${t.removed.count} (${signed(t.removed.bytes)}) ~${t.modified.count} (${signed(t.modified.bytes)})`,
  ];
}
