/** Human formatting shared by the reports and the UI: sizes, ratios, digests, commands, padding. */
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

/** Size units, case-insensitive: decimal like formatBytes and dive, binary with an `i`. */
const SIZE_UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1e3,
  kb: 1e3,
  m: 1e6,
  mb: 1e6,
  g: 1e9,
  gb: 1e9,
  t: 1e12,
  tb: 1e12,
  ki: 1024,
  kib: 1024,
  mi: 1024 ** 2,
  mib: 1024 ** 2,
  gi: 1024 ** 3,
  gib: 1024 ** 3,
  tib: 1024 ** 4,
};

/**
 * A size as people type it -> bytes (rounded), or null when it is not one. A number, then
 * optionally a unit, spaces allowed around both: none or `B` (bytes); `k`/`kB`, `M`/`MB`, `G`/`GB`,
 * `T`/`TB` (powers of 1000, as formatBytes shows them and dive's go-humanize reads them);
 * `Ki`/`KiB`, `Mi`/`MiB`, `Gi`/`GiB`, `TiB` (powers of 1024). "1.5M" = 1 500 000, "20MiB" = 20 * 2^20.
 */
export function parseSize(text: string): number | null {
  const m = /^\s*([0-9]+(?:\.[0-9]+)?)\s*([a-zA-Z]*)\s*$/.exec(text);
  const unit = m?.[2].toLowerCase() ?? '';
  if (!m || !Object.hasOwn(SIZE_UNITS, unit)) return null;
  return Math.round(Number(m[1]) * SIZE_UNITS[unit]);
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
