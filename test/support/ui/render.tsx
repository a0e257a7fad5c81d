/**
 * UI test helpers: a fixed-size render of the App (ink-testing-library), named key presses,
 * waiting on a predicate (never a fixed sleep), and the dive fixture image loaded once.
 */
import './env.js';
import { execFileSync } from 'node:child_process';
import React from 'react';
import { render } from 'ink-testing-library';
import { loadImage } from '../../../src/sources/load.js';
import type { LoadedImage } from '../../../src/model/image.js';
import { App, type AppProps } from '../../../src/ui/App.js';
import type { TerminalControl } from '../../../src/ui/services.js';
import { PLAIN_THEME } from '../../../src/ui/theme.js';
import { fixture } from '../paths.js';
import { KEYS } from './keys.js';

export const DIVE_IMAGE = fixture('test-docker-image.tar');

/** A member of one layer of the dive archive, read with the system tar (independent of Strata). */
export function diveLayerMember(layer: number, member: string): Buffer {
  const manifest = JSON.parse(execFileSync('tar', ['-xOf', DIVE_IMAGE, 'manifest.json'], { encoding: 'utf8' }));
  const layerTar = execFileSync('tar', ['-xOf', DIVE_IMAGE, manifest[0].Layers[layer]], { maxBuffer: 64 << 20 });
  return execFileSync('tar', ['-xOf', '-', member], { input: layerTar, maxBuffer: 64 << 20 });
}

let dive: Promise<LoadedImage> | null = null;
/** dive's test image, loaded once per test file (the App never mutates a loaded image). */
export function diveImage(): Promise<LoadedImage> {
  dive ??= loadImage({ kind: 'archive', path: DIVE_IMAGE, ref: DIVE_IMAGE }, {});
  return dive;
}

/** One turn of the event loop: Ink parses input and flushes a lone Esc on setImmediate. */
const tick = () => new Promise<void>((r) => setImmediate(r));

export interface Rendered {
  frame(): string;
  press(key: string, times?: number): Promise<void>;
  type(text: string): Promise<void>;
  waitFor(pred: (frame: string) => boolean, what?: string, timeoutMs?: number): Promise<string>;
  resize(columns: number, rows: number): Promise<void>;
  unmount(): void;
  exitCode(): number | null;
}

export async function renderApp(
  props: Omit<AppProps, 'theme'> & { theme?: AppProps['theme'] },
  size = { columns: 100, rows: 30 },
): Promise<Rendered> {
  let code: number | null = null;
  const r = render(<App theme={PLAIN_THEME} throttleMs={0} {...props} onExit={(c) => (code = c)} />);
  const stdout = r.stdout as unknown as NodeJS.EventEmitter & { columns: number; rows: number };
  const setSize = (columns: number, rows: number) => {
    // ink-testing-library's stdout reports 100 columns and no rows: give it the size under test.
    Object.defineProperty(stdout, 'columns', { value: columns, configurable: true });
    Object.defineProperty(stdout, 'rows', { value: rows, configurable: true });
    stdout.emit('resize');
  };
  setSize(size.columns, size.rows);
  const frame = () => r.lastFrame() ?? '';
  const api: Rendered = {
    frame,
    async press(key, times = 1) {
      for (let i = 0; i < times; i++) {
        r.stdin.write(KEYS[key] ?? key);
        await tick();
      }
      await tick();
    },
    async type(text) {
      for (const ch of text) {
        r.stdin.write(ch);
        await tick();
      }
      await tick();
    },
    async waitFor(pred, what = 'the expected frame', timeoutMs = 5000) {
      const start = Date.now();
      for (;;) {
        const f = frame();
        if (pred(f)) return f;
        if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}; last frame:\n${f}`);
        await new Promise((res) => setTimeout(res, 5));
      }
    },
    async resize(columns, rows) {
      setSize(columns, rows);
      await tick();
    },
    unmount: () => r.unmount(),
    exitCode: () => code,
  };
  return api;
}

/** The start of an App that opens `image()` under the label dive-test. */
export const openImage = (image: () => LoadedImage) => ({
  kind: 'image' as const,
  label: 'dive-test',
  load: async () => image(),
});

/** The App on dive's test image at `size` (and with `props`), once the image is on screen. */
export async function exploreDive(
  size = { columns: 100, rows: 30 },
  props: Partial<Omit<AppProps, 'start'>> = {},
): Promise<Rendered> {
  const img = await diveImage();
  const app = await renderApp({ start: openImage(() => img), ...props }, size);
  await app.waitFor((f) => f.includes('Layers 1/15'), 'the image');
  return app;
}

/** A terminal that records what the App asks of it. */
export function fakeTerminal(): TerminalControl & { writes: string[]; mouseCalls: boolean[]; suspends: number } {
  const t = {
    writes: [] as string[],
    mouseCalls: [] as boolean[],
    suspends: 0,
    suspend: () => {
      t.suspends++;
      return true;
    },
    mouse: (on: boolean) => void t.mouseCalls.push(on),
    write: (d: string) => void t.writes.push(d),
  };
  return t;
}

/** Lines of the frame, right-trimmed. */
export function lines(frame: string): string[] {
  return frame.split('\n').map((l) => l.replace(/\s+$/, ''));
}

/**
 * The content rows of the pane whose title contains `title`: the text between its side borders,
 * right-trimmed, down to its bottom border. Empty rows are dropped.
 */
export function paneLines(frame: string, title: string): string[] {
  const ls = frame.split('\n');
  const top = ls.findIndex((l) => l.includes(title));
  if (top < 0) return [];
  const head = ls[top];
  const left = Math.max(head.lastIndexOf('╭', head.indexOf(title)), head.lastIndexOf('╔', head.indexOf(title)));
  const right = Math.min(...['╮', '╗'].map((c) => head.indexOf(c, left)).filter((i) => i >= 0));
  const out: string[] = [];
  for (let i = top + 1; i < ls.length; i++) {
    const l = ls[i];
    const corner = l[left];
    if (corner === '╰' || corner === '╚') break;
    const row = l.slice(left + 1, right).replace(/\s+$/, '');
    if (row) out.push(row);
  }
  return out;
}

/** The File tree pane's rows. */
export const treeLines = (frame: string): string[] => paneLines(frame, 'File tree');

/** The status line of a frame (the first of the two bottom lines). */
export const statusLine = (frame: string): string => lines(frame).at(-2) ?? '';
/** The key hints of a frame (the bottom line). */
export const hintLine = (frame: string): string => lines(frame).at(-1) ?? '';
