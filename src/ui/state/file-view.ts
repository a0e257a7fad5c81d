/**
 * The file view: one version of one file, as text (a pager with line numbers) or as a hex dump.
 * State and reducer are pure; the bytes arrive through `viewLoaded` (App reads them with
 * readVersionHead) and a save's outcome through `viewSaved`. Rows are computed lazily and only for
 * the window: a 1 MiB file is split into lines once (memoised per buffer), hex rows are made on
 * demand, and every row is cut (or wrapped) to the pane's width before it reaches the renderer, so
 * rendering costs the screen's size, not the file's or a line's.
 */
import type { FileVersion } from '../../sources/read-back.js';
import { formatBytes } from '../../format.js';
import { safe } from '../present/text.js';
import { displayName } from '../../model/names.js';

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

/** One row of the view: the line number (or '' for a continuation or a hex row) and its text. */
export interface ViewRow {
  num: string;
  text: string;
}

export interface ViewRows {
  count: number;
  /** Width of the line-number gutter (0 for hex). */
  gutter: number;
  row(i: number): ViewRow;
  /** A short description: "text, 12 lines" / "hex dump, 16 bytes a row". */
  kind: string;
}

const linesMemo = new WeakMap<Uint8Array, string[]>();

/** Lines of a text file: tabs expanded (stops of 8), control characters escaped, CR of CRLF dropped. */
export function textLines(b: Uint8Array): string[] {
  let lines = linesMemo.get(b);
  if (!lines) {
    const text = new TextDecoder('utf-8').decode(b);
    lines = text.split('\n');
    if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
    lines = lines.map((l) => safe(expandTabs(l.endsWith('\r') ? l.slice(0, -1) : l)));
    linesMemo.set(b, lines);
  }
  return lines;
}

/** Lines of a text file made one at a time: only the byte offsets of the line ends are found up front. */
export interface LazyLines {
  count: number;
  line(i: number): string;
}

const lazyMemo = new WeakMap<Uint8Array, LazyLines>();

/**
 * The same lines as textLines, without decoding the whole file: a 0x0A byte never occurs inside a
 * multi-byte UTF-8 sequence, so splitting the bytes at it and decoding each line gives the same text.
 */
export function lazyTextLines(b: Uint8Array): LazyLines {
  let l = lazyMemo.get(b);
  if (l) return l;
  const ends: number[] = [];
  for (let i = b.indexOf(10); i >= 0; i = b.indexOf(10, i + 1)) ends.push(i);
  if (ends.length === 0 || ends[ends.length - 1] !== b.length - 1) ends.push(b.length);
  const made = new Map<number, string>();
  const decoder = new TextDecoder('utf-8');
  l = {
    count: ends.length,
    line(i: number): string {
      let t = made.get(i);
      if (t === undefined) {
        const start = i === 0 ? 0 : ends[i - 1] + 1;
        let raw = decoder.decode(b.subarray(start, ends[i]));
        if (raw.endsWith('\r')) raw = raw.slice(0, -1);
        t = safe(expandTabs(raw));
        if (made.size > 4096) made.clear();
        made.set(i, t);
      }
      return t;
    },
  };
  lazyMemo.set(b, l);
  return l;
}

function expandTabs(l: string): string {
  if (!l.includes('\t')) return l;
  let out = '';
  for (const ch of l) out += ch === '\t' ? ' '.repeat(8 - (out.length % 8)) : ch;
  return out;
}

const wrapMemo = new WeakMap<string[], { width: number; rows: { line: number; start: number }[] }>();

/** Visual rows of wrapped text: [line, start column] per row, memoised per line array and width. */
function wrappedRows(lines: string[], width: number): { line: number; start: number }[] {
  const m = wrapMemo.get(lines);
  if (m && m.width === width) return m.rows;
  const rows: { line: number; start: number }[] = [];
  for (let i = 0; i < lines.length; i++) {
    const len = lines[i].length;
    let s = 0;
    do {
      rows.push({ line: i, start: s });
      s += width;
    } while (s < len);
  }
  wrapMemo.set(lines, { width, rows });
  return rows;
}

/**
 * A line cut to `w` characters (the last one an ellipsis when cut), so that a row handed to the
 * terminal renderer is never longer than the pane is wide: a file that is one 1 MiB line costs one
 * screen of characters per frame, not a megabyte of layout. A surrogate pair is never split.
 */
export function cutLine(line: string, w: number): string {
  if (line.length <= w) return line;
  let end = Math.max(0, w - 1);
  const c = line.charCodeAt(end - 1);
  if (c >= 0xd800 && c <= 0xdbff) end--;
  return `${line.slice(0, end)}…`;
}

/** Bytes per hex row that fit `width` columns: 16 (78 columns), else 8. */
export function hexWidth(width: number): number {
  return width >= 78 ? 16 : 8;
}

function hexRow(b: Uint8Array, i: number, per: number): string {
  const start = i * per;
  const chunk = b.subarray(start, Math.min(b.length, start + per));
  let hex = '';
  let ascii = '';
  for (let j = 0; j < per; j++) {
    if (j === per / 2) hex += ' ';
    if (j < chunk.length) {
      hex += `${chunk[j].toString(16).padStart(2, '0')} `;
      // Only printable ASCII reaches the terminal: everything else is a dot.
      ascii += chunk[j] >= 0x20 && chunk[j] < 0x7f ? String.fromCharCode(chunk[j]) : '.';
    } else hex += '   ';
  }
  return `${start.toString(16).padStart(8, '0')}  ${hex} |${ascii}|`;
}

/** The rows of the view for a content width of `width` columns. */
export function viewRows(v: FileViewState, width: number): ViewRows {
  const b = v.bytes;
  if (!b) return { count: 0, gutter: 0, row: () => ({ num: '', text: '' }), kind: '' };
  if (v.hex) {
    const per = hexWidth(width);
    return {
      count: Math.ceil(b.length / per),
      gutter: 0,
      row: (i) => ({ num: '', text: hexRow(b, i, per) }),
      kind: `hex dump, ${per} bytes a row`,
    };
  }
  // Cut lines are made per screen (a 300 kB binary in text mode costs one screen, not the file).
  const lazy = lazyTextLines(b);
  const gutter = String(Math.max(1, lazy.count)).length;
  const textW = Math.max(1, width - gutter - 3);
  const kind = `text, ${lazy.count} line${lazy.count === 1 ? '' : 's'}`;
  if (!v.wrap) {
    return {
      count: lazy.count,
      gutter,
      row: (i) => ({ num: String(i + 1), text: cutLine(lazy.line(i), textW) }),
      kind,
    };
  }
  const lines = textLines(b);
  const rows = wrappedRows(lines, textW);
  return {
    count: rows.length,
    gutter,
    row: (i) => {
      const r = rows[i];
      return { num: r.start === 0 ? String(r.line + 1) : '', text: lines[r.line].slice(r.start, r.start + textW) };
    },
    kind: `${kind}, wrapped`,
  };
}

/** Lines above the rows inside the view's pane (summary and status). */
export const VIEW_HEADER_ROWS = 2;

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

/** The first summary line: which version this is. */
export function viewSummary(v: FileViewState, rows: ViewRows): string {
  const ver = v.version;
  if (!ver) return `as of layer ${v.layer}`;
  const parts = [`${ver.change} in L${ver.layer}`, `${formatBytes(ver.size)} (${ver.size} B)`];
  if (ver.path !== v.path) parts.push(`hard link to ${displayName(ver.path)}`);
  if (v.status === 'ready') parts.push(rows.kind);
  return parts.join(' · ');
}

/** The second summary line: reading, the error, truncation, the last save. */
export function viewStatus(v: FileViewState): { text: string; tone: 'dim' | 'warning' | 'error' | 'ok' } {
  if (v.saving) return { text: v.progress ? `saving… ${safe(v.progress)}` : 'saving…', tone: 'dim' };
  if (v.saved)
    return { text: v.saved.ok ? `✓ ${v.saved.text}` : `✗ ${v.saved.text}`, tone: v.saved.ok ? 'ok' : 'error' };
  if (v.status === 'reading') {
    return { text: v.progress ? `reading… ${safe(v.progress)}` : 'reading…', tone: 'dim' };
  }
  if (v.status === 'error') return { text: `✗ ${safe(v.error ?? 'cannot read the file')}`, tone: 'error' };
  if (v.truncated && v.bytes && v.version)
    return {
      text: `⚠ truncated: the first ${formatBytes(v.bytes.length)} of ${formatBytes(v.version.size)} are shown (x saves the whole file)`,
      tone: 'warning',
    };
  if (v.note) return { text: v.note, tone: 'dim' };
  return { text: 'x saves this version · w wraps · m text/hex', tone: 'dim' };
}
