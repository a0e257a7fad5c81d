/// <reference path="./gifenc.d.ts" />
/**
 * Screens -> pictures -> an animated GIF. Glyphs are drawn with Skia (@napi-rs/canvas, a prebuilt
 * binary from npm) in DejaVu Sans Mono (Debian's fonts-dejavu-core; it covers the box drawing, the
 * arrows and the symbols the TUI uses); the GIF is encoded by gifenc with one palette for all frames
 * (no colour flicker between frames) and only the changed rectangle of each frame stored.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { createCanvas, GlobalFonts, type SKRSContext2D } from '@napi-rs/canvas';
import gifenc from 'gifenc';
import type { Screen } from './screen.js';

const { GIFEncoder, quantize, applyPalette } = gifenc;

const FONT_DIRS = ['/usr/share/fonts/truetype/dejavu'];
const FAMILY = 'StrataDemoMono';

export interface Metrics {
  cellW: number;
  cellH: number;
  fontPx: number;
  pad: number;
}

let fontReady = false;
function loadFont(): void {
  if (fontReady) return;
  for (const dir of FONT_DIRS) {
    const regular = `${dir}/DejaVuSansMono.ttf`;
    if (!existsSync(regular)) continue;
    GlobalFonts.registerFromPath(regular, FAMILY);
    const bold = `${dir}/DejaVuSansMono-Bold.ttf`;
    if (existsSync(bold)) GlobalFonts.registerFromPath(bold, FAMILY);
    fontReady = true;
    return;
  }
  throw new Error('DejaVu Sans Mono not found (apt-get install fonts-dejavu-core)');
}

export function metrics(fontPx = 14): Metrics {
  loadFont();
  const probe = createCanvas(10, 10).getContext('2d');
  probe.font = `${fontPx}px ${FAMILY}`;
  const cellW = Math.ceil(probe.measureText('M').width);
  return { cellW, cellH: Math.round(fontPx * 1.3), fontPx, pad: 10 };
}

const rgb = (c: readonly number[]) => `rgb(${c[0]},${c[1]},${c[2]})`;

/** Box-drawing lines are drawn as rectangles, so borders join without gaps between cells. */
function drawBox(ctx: SKRSContext2D, ch: string, x: number, y: number, m: Metrics): boolean {
  const H = '─━═╌';
  const V = '│┃║╎';
  const t = 1;
  const cx = x + Math.floor(m.cellW / 2);
  const cy = y + Math.floor(m.cellH / 2);
  const dbl = '═║╔╗╚╝'.includes(ch);
  const hline = (x0: number, x1: number) => {
    if (dbl) {
      ctx.fillRect(x0, cy - 2, x1 - x0, t);
      ctx.fillRect(x0, cy + 1, x1 - x0, t);
    } else ctx.fillRect(x0, cy, x1 - x0, t);
  };
  const vline = (y0: number, y1: number) => {
    if (dbl) {
      ctx.fillRect(cx - 2, y0, t, y1 - y0);
      ctx.fillRect(cx + 1, y0, t, y1 - y0);
    } else ctx.fillRect(cx, y0, t, y1 - y0);
  };
  const r = x + m.cellW;
  const b = y + m.cellH;
  if (H.includes(ch)) hline(x, r);
  else if (V.includes(ch)) vline(y, b);
  else if ('╭┌'.includes(ch)) {
    hline(cx, r);
    vline(cy, b);
  } else if ('╮┐'.includes(ch)) {
    hline(x, cx + 1);
    vline(cy, b);
  } else if ('╰└'.includes(ch)) {
    hline(cx, r);
    vline(y, cy + 1);
  } else if ('╯┘'.includes(ch)) {
    hline(x, cx + 1);
    vline(y, cy + 1);
  } else if (ch === '╔') {
    ctx.fillRect(cx - 2, cy - 2, r - cx + 2, 1);
    ctx.fillRect(cx + 1, cy + 1, r - cx - 1, 1);
    ctx.fillRect(cx - 2, cy - 2, 1, b - cy + 2);
    ctx.fillRect(cx + 1, cy + 1, 1, b - cy - 1);
  } else if (ch === '╗') {
    ctx.fillRect(x, cy - 2, cx - x + 2, 1);
    ctx.fillRect(x, cy + 1, cx - x - 1, 1);
    ctx.fillRect(cx + 1, cy - 2, 1, b - cy + 2);
    ctx.fillRect(cx - 2, cy + 1, 1, b - cy - 1);
  } else if (ch === '╚') {
    ctx.fillRect(cx - 2, cy + 1, r - cx + 2, 1);
    ctx.fillRect(cx + 1, cy - 2, r - cx - 1, 1);
    ctx.fillRect(cx - 2, y, 1, cy - y + 2);
    ctx.fillRect(cx + 1, y, 1, cy - y - 1);
  } else if (ch === '╝') {
    ctx.fillRect(x, cy + 1, cx - x + 2, 1);
    ctx.fillRect(x, cy - 2, cx - x - 1, 1);
    ctx.fillRect(cx + 1, y, 1, cy - y + 2);
    ctx.fillRect(cx - 2, y, 1, cy - y - 1);
  } else return false;
  return true;
}

/** One screen as RGBA pixels. */
export function rasterise(
  s: Screen,
  m: Metrics,
  title?: string,
): { width: number; height: number; rgba: Uint8ClampedArray } {
  const bar = title ? m.cellH + 8 : 0;
  const width = s.columns * m.cellW + 2 * m.pad;
  const height = s.rows * m.cellH + 2 * m.pad + bar;
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext('2d');
  const bg = s.cells[0]?.[0]?.bg ?? [0, 0, 0];
  ctx.fillStyle = rgb([0x0e, 0x11, 0x16]);
  ctx.fillRect(0, 0, width, height);
  ctx.fillStyle = rgb(bg);
  ctx.fillRect(0, bar, width, height - bar);
  if (title) {
    // A window title bar with the three dots, to read as a terminal.
    ctx.fillStyle = rgb([0x23, 0x28, 0x31]);
    ctx.fillRect(0, 0, width, bar);
    [
      [0xff, 0x5f, 0x57],
      [0xfe, 0xbc, 0x2e],
      [0x28, 0xc8, 0x40],
    ].forEach((c, i) => {
      ctx.fillStyle = rgb(c);
      ctx.beginPath();
      ctx.arc(m.pad + 6 + i * 18, bar / 2, 5, 0, Math.PI * 2);
      ctx.fill();
    });
    ctx.fillStyle = rgb([0x9a, 0xa2, 0xb1]);
    ctx.font = `${m.fontPx - 1}px ${FAMILY}`;
    ctx.textBaseline = 'middle';
    ctx.textAlign = 'center';
    ctx.fillText(title, width / 2, bar / 2 + 1);
    ctx.textAlign = 'left';
  }
  ctx.textBaseline = 'alphabetic';
  const base = Math.round(m.cellH * 0.78);
  for (let r = 0; r < s.rows; r++) {
    const y = m.pad + bar + r * m.cellH;
    for (let c = 0; c < s.columns; c++) {
      const cell = s.cells[r][c];
      const x = m.pad + c * m.cellW;
      if (cell.bg !== bg && (cell.bg[0] !== bg[0] || cell.bg[1] !== bg[1] || cell.bg[2] !== bg[2])) {
        ctx.fillStyle = rgb(cell.bg);
        ctx.fillRect(x, y, m.cellW * (s.cells[r][c + 1]?.cont ? 2 : 1), m.cellH);
      }
      if (cell.cont || cell.ch === ' ') continue;
      ctx.fillStyle = rgb(cell.fg);
      if (drawBox(ctx, cell.ch, x, y, m)) continue;
      ctx.font = `${cell.bold ? 'bold ' : ''}${m.fontPx}px ${FAMILY}`;
      ctx.fillText(cell.ch, x, y + base);
      if (cell.underline) ctx.fillRect(x, y + base + 2, m.cellW, 1);
    }
  }
  const data = ctx.getImageData(0, 0, width, height).data;
  return { width, height, rgba: new Uint8ClampedArray(data.buffer, data.byteOffset, data.byteLength) };
}

export function writePng(file: string, s: Screen, m: Metrics, title?: string): void {
  const { width, height, rgba } = rasterise(s, m, title);
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext('2d');
  const img = ctx.createImageData(width, height);
  img.data.set(rgba);
  ctx.putImageData(img, 0, 0);
  writeFileSync(file, canvas.toBuffer('image/png'));
}

export interface Frame {
  rgba: Uint8ClampedArray;
  /** How long it stays on screen (ms). */
  delay: number;
}

/** Encodes frames (all the same size) into an animated GIF that loops forever. */
export function encodeGif(frames: Frame[], width: number, height: number): Uint8Array {
  // One palette for the whole animation, from a sample of every frame's pixels, plus one
  // transparent entry: a pixel unchanged since the previous frame is written as transparent
  // (the previous frame stays underneath, dispose 1), which LZW packs into almost nothing.
  const step = 7;
  const sample: number[] = [];
  for (const f of frames)
    for (let i = 0; i < f.rgba.length; i += 4 * step) sample.push(f.rgba[i], f.rgba[i + 1], f.rgba[i + 2], 255);
  const palette = quantize(new Uint8Array(sample), 127, { format: 'rgb565' });
  const clear = palette.length;
  const full = [...palette, [0, 0, 0]];
  const gif = GIFEncoder();
  let prev: Uint8Array | null = null;
  frames.forEach((f, n) => {
    const index = applyPalette(f.rgba, palette, 'rgb565');
    let out = index;
    if (prev) {
      out = new Uint8Array(index.length);
      for (let i = 0; i < index.length; i++) out[i] = index[i] === prev[i] ? clear : index[i];
    }
    gif.writeFrame(out, width, height, {
      palette: n === 0 ? full : undefined,
      delay: f.delay,
      repeat: 0,
      transparent: n > 0,
      transparentIndex: clear,
      dispose: 1,
    });
    prev = index;
  });
  gif.finish();
  return gif.bytes();
}
