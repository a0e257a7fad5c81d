/**
 * The lines of the diff screen (`strata diff A B` on a terminal): the summary, the shared and own
 * layers, the file differences (filterable by path). Pure.
 */
import type { ImageDiff, FileDiff } from '../../model/diff.js';
import type { LoadedImage } from '../../model/image.js';
import { formatBytes, shortDigest } from '../../format.js';
import { fit, fitMiddle, fitStart, safe } from './text.js';
import { displayName } from '../../model/names.js';
import { CHANGE_KIND_SYMBOL } from '../../model/change-symbols.js';

export interface DiffModel {
  a: LoadedImage;
  b: LoadedImage;
  diff: ImageDiff;
}

export interface DiffLayerRow {
  kind: 'shared' | 'onlyA' | 'onlyB';
  text: string;
}

export function imageLabel(img: LoadedImage): string {
  return safe(img.meta.repoTags[0] ?? img.source.ref);
}

export function diffLayerRows(d: ImageDiff): DiffLayerRow[] {
  const rows: DiffLayerRow[] = [];
  const blob = (l: { diffId: string; sizeBytes: number }) =>
    `${fit(shortDigest(l.diffId), 12)} ${fitStart(formatBytes(l.sizeBytes), 9)}`;
  for (const l of d.shared)
    rows.push({
      kind: 'shared',
      text: `= A L${l.indexA} · B L${l.indexB}  ${blob(l)}  shared`,
    });
  for (const l of d.onlyA)
    rows.push({
      kind: 'onlyA',
      text: `- A L${l.index}        ${blob(l)}  only in A`,
    });
  for (const l of d.onlyB)
    rows.push({
      kind: 'onlyB',
      text: `+ B L${l.index}        ${blob(l)}  only in B`,
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
  const head = `${CHANGE_KIND_SYMBOL[f.change]} ${fitStart(signed(f.bytes), 10)} ${fitStart(sizes, 21)}  `;
  const what = f.what?.length ? `  (${f.what.join(', ')})` : '';
  const path = displayName(f.path) + (f.type === 'dir' ? '/' : '');
  return head + fitMiddle(path, Math.max(8, width - head.length - what.length)) + what;
}

export function diffSummary(m: DiffModel): string[] {
  const { a, b, diff } = m;
  const shipped = b.analysis.layerBytes - a.analysis.layerBytes;
  const sharedBytes = diff.shared.reduce((s, l) => s + l.sizeBytes, 0);
  const t = diff.totals;
  const side = (name: string, img: LoadedImage) =>
    `${name} ${imageLabel(img)} ${img.layers.length} layers, ${formatBytes(img.analysis.layerBytes)}`;
  const sym = CHANGE_KIND_SYMBOL;
  const files = [
    `${sym.added}${t.added.count} (${signed(t.added.bytes)})`,
    `${sym.removed}${t.removed.count} (${signed(t.removed.bytes)})`,
    `${sym.modified}${t.modified.count} (${signed(t.modified.bytes)})`,
  ].join(' ');
  const common = `${formatBytes(sharedBytes)}, the first ${diff.commonPrefix} in common`;
  return [
    `${side('A', a)} · ${side('B', b)} · B ships ${signed(shipped)}`,
    `${diff.shared.length} shared layers (${common}) · files: ${files}`,
  ];
}
