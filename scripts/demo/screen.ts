/**
 * A terminal screen from `tmux capture-pane -e -p`: text plus SGR sequences (tmux emits only SGR
 * there, and carries attributes across line ends), parsed into a grid of cells. Wide characters
 * (CJK) take two cells, as in the terminal.
 */
import stringWidth from 'string-width';

export type RGB = [number, number, number];

export interface Cell {
  ch: string;
  fg: RGB;
  bg: RGB;
  bold: boolean;
  underline: boolean;
  /** The right half of a wide character: draw nothing. */
  cont?: boolean;
}

export interface Screen {
  columns: number;
  rows: number;
  cells: Cell[][];
}

/** A dark theme close to common terminal defaults. */
export const DEFAULT_FG: RGB = [0xd0, 0xd4, 0xdc];
export const DEFAULT_BG: RGB = [0x16, 0x1a, 0x21];
const ANSI16: RGB[] = [
  [0x1c, 0x20, 0x28], // black
  [0xe0, 0x6c, 0x75], // red
  [0x98, 0xc3, 0x79], // green
  [0xe5, 0xc0, 0x7b], // yellow
  [0x61, 0xaf, 0xef], // blue
  [0xc6, 0x78, 0xdd], // magenta
  [0x56, 0xb6, 0xc2], // cyan
  [0xd0, 0xd4, 0xdc], // white
  [0x6b, 0x72, 0x80], // bright black (grey: dim text)
  [0xff, 0x7b, 0x86], // bright red
  [0xb5, 0xe8, 0x90], // bright green
  [0xff, 0xd6, 0x8a], // bright yellow
  [0x82, 0xc8, 0xff], // bright blue
  [0xe0, 0x94, 0xf5], // bright magenta
  [0x7c, 0xd8, 0xe4], // bright cyan
  [0xff, 0xff, 0xff], // bright white
];

function xterm256(n: number): RGB {
  if (n < 16) return ANSI16[n];
  if (n < 232) {
    const i = n - 16;
    const v = (x: number) => (x === 0 ? 0 : 55 + x * 40);
    return [v(Math.floor(i / 36)), v(Math.floor(i / 6) % 6), v(i % 6)];
  }
  const g = 8 + (n - 232) * 10;
  return [g, g, g];
}

interface Attr {
  fg: RGB | null;
  bg: RGB | null;
  bold: boolean;
  dim: boolean;
  italic: boolean;
  underline: boolean;
  inverse: boolean;
}

const RESET: Attr = { fg: null, bg: null, bold: false, dim: false, italic: false, underline: false, inverse: false };

function applySgr(a: Attr, params: number[]): Attr {
  const n = { ...a };
  if (params.length === 0) params = [0];
  for (let i = 0; i < params.length; i++) {
    const p = params[i];
    if (p === 0) Object.assign(n, RESET);
    else if (p === 1) n.bold = true;
    else if (p === 2) n.dim = true;
    else if (p === 3) n.italic = true;
    else if (p === 4) n.underline = true;
    else if (p === 7) n.inverse = true;
    else if (p === 22) n.bold = n.dim = false;
    else if (p === 23) n.italic = false;
    else if (p === 24) n.underline = false;
    else if (p === 27) n.inverse = false;
    else if (p >= 30 && p <= 37) n.fg = ANSI16[p - 30];
    else if (p === 39) n.fg = null;
    else if (p >= 40 && p <= 47) n.bg = ANSI16[p - 40];
    else if (p === 49) n.bg = null;
    else if (p >= 90 && p <= 97) n.fg = ANSI16[p - 90 + 8];
    else if (p >= 100 && p <= 107) n.bg = ANSI16[p - 100 + 8];
    else if (p === 38 || p === 48) {
      let c: RGB | null = null;
      if (params[i + 1] === 5) {
        c = xterm256(params[i + 2] ?? 0);
        i += 2;
      } else if (params[i + 1] === 2) {
        c = [params[i + 2] ?? 0, params[i + 3] ?? 0, params[i + 4] ?? 0];
        i += 4;
      }
      if (p === 38) n.fg = c;
      else n.bg = c;
    }
  }
  return n;
}

function mix(a: RGB, b: RGB, t: number): RGB {
  return [
    Math.round(a[0] * (1 - t) + b[0] * t),
    Math.round(a[1] * (1 - t) + b[1] * t),
    Math.round(a[2] * (1 - t) + b[2] * t),
  ];
}

function cellOf(ch: string, a: Attr): Cell {
  let fg = a.fg ?? DEFAULT_FG;
  let bg = a.bg ?? DEFAULT_BG;
  if (a.dim) fg = mix(fg, bg, 0.45);
  if (a.inverse) [fg, bg] = [bg, fg];
  return { ch, fg, bg, bold: a.bold, underline: a.underline };
}

/** Parses capture-pane -e output into a columns x rows grid (missing cells are blank). */
export function parseCapture(text: string, columns: number, rows: number): Screen {
  const blank = (): Cell => cellOf(' ', RESET);
  const cells: Cell[][] = Array.from({ length: rows }, () => Array.from({ length: columns }, blank));
  let attr = RESET;
  let row = 0;
  let col = 0;
  const chars = [...text.replace(/\n$/, '')];
  for (let i = 0; i < chars.length && row < rows; i++) {
    const ch = chars[i];
    if (ch === '\x1b') {
      // CSI ... final byte; tmux only emits SGR (m) here: anything else is skipped.
      if (chars[i + 1] !== '[') continue;
      let j = i + 2;
      let body = '';
      while (j < chars.length && !/[@-~]/.test(chars[j])) body += chars[j++];
      if (chars[j] === 'm') attr = applySgr(attr, body === '' ? [] : body.split(/[;:]/).map((x) => Number(x) || 0));
      i = j;
      continue;
    }
    if (ch === '\n') {
      row++;
      col = 0;
      continue;
    }
    const w = stringWidth(ch);
    if (w === 0) continue;
    if (col + w > columns) continue;
    cells[row][col] = cellOf(ch, attr);
    if (w === 2) cells[row][col + 1] = { ...cellOf(' ', attr), cont: true };
    col += w;
  }
  return { columns, rows, cells };
}
