/** Small pure text helpers for the panes: fixed-width columns, wrapping, modes, sizes, dates. */
import { escapeText } from '../../model/names.js';

/**
 * Untrusted text (commands, labels, tags, digests, messages) made safe for the terminal: the one
 * escaping function, `escapeText`. Names (paths) go through `displayName` instead. Escape before
 * `fit` or `wrap` cut the text, so a cut never splits an escape and widths count the escaped form.
 */
export const safe = escapeText;

/** Cut to `w` columns with an ellipsis, or pad with spaces to exactly `w` (ASCII-width text). */
export function fit(s: string, w: number): string {
  if (w <= 0) return '';
  if (s.length > w) return w === 1 ? '…' : `${s.slice(0, w - 1)}…`;
  return s + ' '.repeat(w - s.length);
}

/**
 * Cut a path to at most `w` characters in the middle, keeping its last component (the file name)
 * whole when it fits: `/var/lib/apt/lists/deb…_Translation-en`. Shorter text is returned as is.
 */
export function fitMiddle(s: string, w: number): string {
  if (w <= 0) return '';
  if (s.length <= w) return s;
  if (w === 1) return '…';
  const name = s.slice(s.lastIndexOf('/', s.length - 2) + 1);
  const tail = Math.min(w - 1, Math.max(Math.ceil((w - 1) / 2), name.length + 1));
  return `${s.slice(0, w - 1 - tail)}…${s.slice(s.length - tail)}`;
}

export function fitStart(s: string, w: number): string {
  if (w <= 0) return '';
  if (s.length > w) return s.slice(0, w);
  return ' '.repeat(w - s.length) + s;
}

/**
 * Where to cut escaped text at most `w` characters in: before an escape (`\e`, `\x07`, `\u202e`,
 * as escapeText writes them) that the cut would split, so each line shows whole escapes.
 */
export function cutPoint(s: string, w: number): number {
  if (s.length <= w) return s.length;
  const from = Math.max(0, w - 5);
  const b = s.lastIndexOf('\\', w - 1);
  if (b < from || b === 0) return w;
  const m = /^\\(?:x[0-9a-f]{2}|u[0-9a-f]{4}|[entr])/.exec(s.slice(b, b + 6));
  return m && b + m[0].length > w ? b : w;
}

/** Wrap text to `w` columns at spaces; words longer than a line are cut (never inside an escape). Iterative. */
export function wrap(s: string, w: number): string[] {
  const out: string[] = [];
  const width = Math.max(1, w);
  for (const para of s.split('\n')) {
    let line = '';
    for (const word of para.split(' ')) {
      let rest = word;
      for (;;) {
        const room = width - line.length - (line ? 1 : 0);
        if (rest.length <= room) {
          line = line ? `${line} ${rest}` : rest;
          break;
        }
        if (line) {
          out.push(line);
          line = '';
          continue;
        }
        const cut = cutPoint(rest, width);
        out.push(rest.slice(0, cut));
        rest = rest.slice(cut);
      }
    }
    out.push(line);
  }
  return out;
}

const TYPE_CHAR: Record<string, string> = {
  file: '-',
  dir: 'd',
  symlink: 'l',
  hardlink: '-',
  char: 'c',
  block: 'b',
  fifo: 'p',
};

/** `ls -l` style permissions, setuid/setgid/sticky included. */
export function permString(type: string, mode: number): string {
  const r = (bit: number, c: string) => (mode & bit ? c : '-');
  const x = (xbit: number, special: number, on: string, off: string) =>
    mode & special ? (mode & xbit ? on : off) : mode & xbit ? 'x' : '-';
  return (
    (TYPE_CHAR[type] ?? '?') +
    r(0o400, 'r') +
    r(0o200, 'w') +
    x(0o100, 0o4000, 's', 'S') +
    r(0o040, 'r') +
    r(0o020, 'w') +
    x(0o010, 0o2000, 's', 'S') +
    r(0o004, 'r') +
    r(0o002, 'w') +
    x(0o001, 0o1000, 't', 'T')
  );
}

/** "2024-05-01 12:00" (UTC), deterministic; "-" when unknown. */
export function formatDate(d: string | number | null | undefined): string {
  if (d === null || d === undefined || d === '') return '-';
  const t = typeof d === 'number' ? new Date(d * 1000) : new Date(d);
  if (Number.isNaN(t.getTime())) return safe(String(d));
  return t.toISOString().slice(0, 16).replace('T', ' ');
}
