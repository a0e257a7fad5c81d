/**
 * The file view's rows, as text (a pager with line numbers) or as a hex dump. Rows are computed
 * lazily and only for the window: a 1 MiB file is split into lines once (memoised per buffer), hex
 * rows are made on demand, and every row is cut (or wrapped) to the pane's width before it reaches
 * the renderer, so rendering costs the screen's size, not the file's or a line's.
 */
import { formatBytes } from '../../format.js';
import { displayName } from '../../model/names.js';
import type { FileViewState } from '../state/file-view.js';
import { safe } from './text.js';

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
      text:
        `⚠ truncated: the first ${formatBytes(v.bytes.length)} of ${formatBytes(v.version.size)} are shown` +
        ' (x saves the whole file)',
      tone: 'warning',
    };
  if (v.note) return { text: v.note, tone: 'dim' };
  return { text: 'x saves this version · w wraps · m text/hex', tone: 'dim' };
}
