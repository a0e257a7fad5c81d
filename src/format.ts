/** Human formatting shared by the text report and the UI. */
import { escapeText } from './model/names.js';

const UNITS = ['B', 'kB', 'MB', 'GB', 'TB'];

/** Decimal units like dive and docker ("1.2 MB"). */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n)) return '-';
  const neg = n < 0;
  let v = Math.abs(n);
  let u = 0;
  while (v >= 1000 && u < UNITS.length - 1) {
    v /= 1000;
    u++;
  }
  const s = u === 0 ? `${v} B` : `${v >= 100 ? v.toFixed(0) : v.toFixed(1)} ${UNITS[u]}`;
  return neg ? `-${s}` : s;
}

export function formatPercent(r: number | null): string {
  return r === null || !Number.isFinite(r) ? 'n/a' : `${(r * 100).toFixed(1)}%`;
}

/** Strip the classic builder's and BuildKit's noise from a history command; newlines as a symbol. */
export function cleanCommand(cmd: string): string {
  let c = cmd.trim();
  c = c.replace(/^\/bin\/sh -c #\(nop\)\s*/, '');
  c = c.replace(/^\/bin\/sh -c\s+/, 'RUN ');
  c = c.replace(/\s*# buildkit$/, '');
  c = c.replace(/^\|\d+ [^ ]+=\S*(?: [^ ]+=\S*)* \/bin\/sh -c /, 'RUN ');
  return c.replace(/\r?\n/g, ' ⏎ ');
}

/** The first `n` characters of a digest's hex part; escaped first (digests come from the image). */
export function shortDigest(d: string | null | undefined, n = 12): string {
  if (!d) return '-';
  d = escapeText(d);
  const hex = d.includes(':') ? d.slice(d.indexOf(':') + 1) : d;
  return hex.slice(0, n);
}

export function padEnd(s: string, w: number): string {
  return s.length >= w ? s.slice(0, w) : s + ' '.repeat(w - s.length);
}

export function padStart(s: string, w: number): string {
  return s.length >= w ? s : ' '.repeat(w - s.length) + s;
}
