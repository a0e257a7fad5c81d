/**
 * The file view: one version of one file, as text (a pager with line numbers) or as a hex dump.
 * State and reducer are pure; the bytes arrive through `viewLoaded` (effects.ts reads them with
 * readVersionHead) and a save's outcome through `viewSaved`. Its rows are made by
 * present/file-lines.ts, lazily and only for the window.
 */
import type { FileVersion } from '../../sources/read-back.js';

/** Bytes read at most for the view (1 MiB). */
export const VIEW_MAX_BYTES = 1 << 20;

export interface FileViewState {
  /** The path as selected in the tree. */
  path: string;
  /** The layer selected in the tree when the view was opened. */
  layer: number;
  /** Why another layer's version is shown (the path is removed at the selected layer). */
  note: string | null;
  /** Matches the async results to this view (a result for an older view is dropped). */
  token: number;
  status: 'reading' | 'ready' | 'error';
  version: FileVersion | null;
  bytes: Uint8Array | null;
  truncated: boolean;
  error: string | null;
  /** Hex dump instead of text (defaults to the content's kind). */
  hex: boolean;
  /** Wrap long lines instead of cutting them. */
  wrap: boolean;
  /** First row shown. */
  top: number;
  /** The last save: where it went, or why it failed. */
  saved: { ok: boolean; text: string } | null;
  saving: boolean;
  /** What a slow read is doing (an export of the image, with bytes read so far). */
  progress?: string | null;
}

let nextToken = 1;

export function openView(path: string, layer: number, note: string | null = null): FileViewState {
  return {
    path,
    layer,
    note,
    token: nextToken++,
    status: 'reading',
    version: null,
    bytes: null,
    truncated: false,
    error: null,
    hex: false,
    wrap: false,
    top: 0,
    saved: null,
    saving: false,
  };
}

export type ViewResult =
  | { ok: true; version: FileVersion; bytes: Uint8Array; truncated: boolean }
  | { ok: false; version: FileVersion | null; error: string };

export function viewLoaded(v: FileViewState, r: ViewResult): FileViewState {
  if (!r.ok) return { ...v, status: 'error', version: r.version, error: r.error, progress: null };
  const hex = !looksLikeText(r.bytes);
  return { ...v, status: 'ready', version: r.version, bytes: r.bytes, truncated: r.truncated, hex, progress: null };
}

/** A read that takes a while says what it is doing. */
export function viewProgress(v: FileViewState, text: string): FileViewState {
  return v.status === 'reading' || v.saving ? { ...v, progress: text } : v;
}

/** The version is known (before its bytes are read): the header can name it at once. */
export function viewVersion(v: FileViewState, version: FileVersion): FileViewState {
  return { ...v, version };
}

export function viewSaved(v: FileViewState, r: { ok: boolean; text: string }): FileViewState {
  return { ...v, saving: false, saved: r, progress: null };
}

/** Text when there is no NUL and almost everything decodes as UTF-8 without odd control bytes. */
export function looksLikeText(b: Uint8Array): boolean {
  const n = Math.min(b.length, 8192);
  let odd = 0;
  for (let i = 0; i < n; i++) {
    const c = b[i];
    if (c === 0) return false;
    if (c < 0x20 && c !== 9 && c !== 10 && c !== 13 && c !== 12 && c !== 27) odd++;
  }
  if (odd > n / 100) return false;
  const text = new TextDecoder('utf-8').decode(b.subarray(0, n));
  let bad = 0;
  for (const ch of text) if (ch === '\ufffd') bad++;
  // A multi-byte character cut at the 8 KiB sample edge gives one replacement character.
  return bad <= 1 + n / 1000;
}

export type ScrollAction =
  | { type: 'move'; delta: number }
  | { type: 'page'; dir: 1 | -1 }
  | { type: 'home' }
  | { type: 'end' };

/** Scroll: the top row moves, clamped so that the last page stays full. */
export function scrollView(v: FileViewState, a: ScrollAction, count: number, height: number): FileViewState {
  const h = Math.max(1, height);
  const max = Math.max(0, count - h);
  const delta = a.type === 'move' ? a.delta : a.type === 'page' ? a.dir * h : a.type === 'home' ? -Infinity : Infinity;
  const top = Math.max(0, Math.min(max, v.top + delta));
  return top === v.top ? v : { ...v, top };
}
