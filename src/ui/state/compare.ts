/**
 * Both versions of a file that differs between the two images of a diff: a unified diff when
 * both are text (the `diff` library), else each side's size and SHA-256. State and row text are
 * pure; the bytes arrive through `compareLoaded` (App reads them).
 */
import { createTwoFilesPatch } from 'diff';
import { formatBytes } from '../../format.js';
import { looksLikeText } from './file-view.js';

export interface CompareSide {
  /** null: the path is not a regular file on this side (added, removed, or another type). */
  bytes: Uint8Array | null;
  size: number;
  sha256: string | null;
  truncated: boolean;
  note?: string;
}

export interface CompareState {
  token: number;
  path: string;
  status: 'reading' | 'ready' | 'error';
  lines: string[];
  error: string | null;
  /** First line shown. */
  top: number;
}

let nextToken = 1;

export function openCompare(path: string): CompareState {
  return { token: nextToken++, path, status: 'reading', lines: [], error: null, top: 0 };
}

export function compareFailed(c: CompareState, error: string): CompareState {
  return { ...c, status: 'error', error };
}

function sideLine(label: string, s: CompareSide): string {
  if (!s.bytes) return `${label}: ${s.note ?? 'not a regular file'}`;
  return `${label}: ${formatBytes(s.size)} (${s.size} B)  sha256 ${s.sha256 ?? '?'}`;
}

/** The lines of the comparison: the two sides' sizes and hashes, then the unified diff of text. */
export function compareLoaded(c: CompareState, a: CompareSide, b: CompareSide, shownPath: string): CompareState {
  const lines = [sideLine('A', a), sideLine('B', b)];
  const text = (s: CompareSide) => (s.bytes ? looksLikeText(s.bytes) : true);
  if (a.sha256 !== null && a.sha256 === b.sha256) lines.push('', 'the contents are the same (the metadata differs)');
  else if (text(a) && text(b)) {
    if (a.truncated || b.truncated) lines.push('', 'only the first 1 MiB of each side is compared');
    const dec = (s: CompareSide) => (s.bytes ? new TextDecoder('utf-8').decode(s.bytes) : '');
    const patch = createTwoFilesPatch(`A${shownPath}`, `B${shownPath}`, dec(a), dec(b), '', '', { context: 3 });
    lines.push('', ...patch.split('\n').filter((l, i) => !(i === 0 && l.startsWith('====='))));
  } else lines.push('', 'binary content: compare the sizes and hashes above (x in the file view saves a version)');
  return { ...c, status: 'ready', lines };
}

export function scrollCompare(c: CompareState, delta: number, height: number): CompareState {
  const max = Math.max(0, c.lines.length - height);
  return { ...c, top: Math.max(0, Math.min(max, c.top + delta)) };
}
