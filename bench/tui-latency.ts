/**
 * (f) of the benchmark: the TUI's launch-to-first-frame time and keypress-to-frame latency on a big
 * image, from an in-process harness.
 *
 * The App is rendered with Ink's own `render` in production mode (not ink-testing-library's debug
 * mode: the real 30 fps render throttle and the real log-update output) on a fake terminal: a
 * stdout that records the time of every write and a stdin that takes key sequences. The image is
 * read from the Engine through the normal loader (per-layer cache on, as a user's second look).
 *
 *   firstFrameMs  from render() to the first frame showing the Layers pane with its rows
 *                 (the metadata is there; layers still stream in behind it)
 *   key*Ms        from writing a key to stdin to the next frame written, over a scripted walk through
 *                 the ~86 000-entry tree: moves, pages, expand all, collapse all, layer changes, mode
 *                 and sort toggles, a search typed letter by letter, n/N. Keys are sent one at a time,
 *                 each after the previous frame plus an idle gap longer than Ink's render throttle
 *                 (33 ms), as a person types: the throttle's leading edge renders at once.
 *
 * Run alone: `node --import tsx bench/tui-latency.ts [IMAGE]` prints every key's figure.
 */
import { EventEmitter } from 'node:events';
import { fileURLToPath } from 'node:url';
import { loadImage } from '../src/sources/load.js';
import { openCache } from '../src/cache/layer-cache.js';
import { cacheSettingsFromEnv } from '../src/cache/settings.js';
import { buildSteps } from '../src/ui/state/image-view.js';
import type { LoadedImage } from '../src/model/image.js';
import { KEYS } from '../test/support/ui/keys.js';

const COLUMNS = 120;
const ROWS = 40;
/** Longer than Ink's render throttle (1000 / 30 fps, rounded up). */
const IDLE_GAP_MS = 40;
/** A key whose frame has not come within this long is counted at this value (and reported). */
const KEY_TIMEOUT_MS = 5000;

class FakeStdout extends EventEmitter {
  readonly isTTY = true;
  columns = COLUMNS;
  rows = ROWS;
  writes = 0;
  lastWriteAt = 0;
  /** The screen as plain text: every frame is the whole output since Ink's last erase. */
  text = '';
  private waiters: (() => void)[] = [];
  write = (chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
    const s = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    this.writes++;
    this.lastWriteAt = performance.now();
    // Keep what log-update wrote after its erase sequence: the frame itself.
    // eslint-disable-next-line no-control-regex
    const plain = s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
    if (plain.trim()) this.text = plain;
    const cb = rest.find((x) => typeof x === 'function') as (() => void) | undefined;
    cb?.();
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
    return true;
  };
  nextWrite(): Promise<void> {
    return new Promise((r) => this.waiters.push(r));
  }
  // Ink calls these on some terminals.
  cursorTo() {
    return true;
  }
  moveCursor() {
    return true;
  }
  clearLine() {
    return true;
  }
}

class FakeStdin extends EventEmitter {
  readonly isTTY = true;
  private data: string | null = null;
  write(data: string): void {
    this.data = data;
    this.emit('readable');
    this.emit('data', data);
  }
  read = (): string | null => {
    const d = this.data;
    this.data = null;
    return d;
  };
  setEncoding() {}
  setRawMode() {}
  resume() {}
  pause() {}
  ref() {}
  unref() {}
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface KeySample {
  key: string;
  ms: number;
}

export interface TuiFigures {
  firstFrameMs: number;
  keyMedianMs: number;
  keyP95Ms: number;
}

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const i = Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1));
  return s[i];
}

/** The walk: [label, key, times]. Labels group the figures in the detailed print-out. */
function script(bigLayer: number): [string, string, number][] {
  return [
    ['layer: next', ']', bigLayer],
    ['focus tree', '2', 1],
    ['expand all', 'e', 1],
    ['move down', 'down', 20],
    ['move up', 'up', 5],
    ['page down', 'pagedown', 20],
    ['page up', 'pageup', 5],
    ['end', 'end', 1],
    ['home', 'home', 1],
    ['page down', 'pagedown', 3],
    ['collapse (h)', 'left', 2],
    ['expand (l)', 'right', 2],
    ['collapse all', 'c', 1],
    ['move down', 'down', 5],
    ['expand all', 'e', 1],
    ['layer: next', ']', 2],
    ['layer: prev', '[', 2],
    ['mode toggle', 'a', 2],
    ['sort toggle', 's', 2],
    ['page down', 'pagedown', 5],
    ['search: open', '/', 1],
    ['search: type', 'f', 1],
    ['search: type', '1', 1],
    ['search: type', '2', 1],
    ['search: type', '3', 1],
    ['search: accept', 'enter', 1],
    ['search: next', 'n', 5],
    ['search: prev', 'N', 2],
    ['search: clear', 'esc', 1],
    ['collapse all', 'c', 1],
    ['move down', 'down', 10],
  ];
}

export interface TuiRun extends TuiFigures {
  samples: KeySample[];
  timeouts: number;
  loadMs: number;
  /** Peak resident set of this process (the harness and the TUI), bytes. */
  peakRssBytes: number;
}

/**
 * `archive`: read a docker-archive file instead of the Engine image (the generated one-layer
 * image of bench/gen-million.py), with no cache, so the first frame and the keys are measured on
 * a cold load of the huge layer.
 */
export async function measureTuiDetailed(
  image: string,
  log: (s: string) => void = () => {},
  archive?: string,
): Promise<TuiRun> {
  // As bin/strata.js does, before React is first loaded: its development build is several times slower.
  process.env.NODE_ENV ??= 'production';
  const React = (await import('react')).default;
  // Under CI (is-in-ci, read once when Ink loads) Ink writes no frame until exit: load it as on a
  // user's terminal.
  const ci = { CI: process.env.CI, CONTINUOUS_INTEGRATION: process.env.CONTINUOUS_INTEGRATION };
  delete process.env.CI;
  delete process.env.CONTINUOUS_INTEGRATION;
  const { render } = await import('ink');
  for (const [k, v] of Object.entries(ci)) if (v !== undefined) process.env[k] = v;
  const { App } = await import('../src/ui/App.js');
  const { COLOUR_THEME } = await import('../src/ui/theme.js');
  const stdout = new FakeStdout();
  const stdin = new FakeStdin();
  const cache = process.env.STRATA_NO_CACHE || archive ? undefined : openCache(cacheSettingsFromEnv(process.env));
  const spec: Parameters<typeof loadImage>[0] = archive
    ? { kind: 'archive', path: archive, ref: archive }
    : { kind: 'engine', engine: 'docker', image, ref: image };
  const t0 = performance.now();
  let loaded = 0;
  let loadError: Error | null = null;
  let image0: LoadedImage | null = null;
  const start = {
    kind: 'image' as const,
    label: image,
    load: (l: Parameters<typeof loadImage>[2]) =>
      loadImage(spec, { cache }, l).then(
        (img) => {
          loaded = performance.now();
          image0 = img;
          return img;
        },
        (err: unknown) => {
          loadError = err as Error;
          throw err;
        },
      ),
  };
  const instance = render(React.createElement(App, { start, theme: COLOUR_THEME }), {
    stdout: stdout as unknown as NodeJS.WriteStream,
    stdin: stdin as unknown as NodeJS.ReadStream,
    stderr: stdout as unknown as NodeJS.WriteStream,
    exitOnCtrlC: false,
    patchConsole: false,
  });
  try {
    // First frame with the layer stack: the Layers pane and at least its first layer row.
    let firstFrameMs = NaN;
    const deadline = t0 + 120_000;
    while (performance.now() < deadline) {
      if (/Layers \d+\/\d+/.test(stdout.text) && /▶\s+0 /.test(stdout.text)) {
        firstFrameMs = stdout.lastWriteAt - t0;
        break;
      }
      await Promise.race([stdout.nextWrite(), sleep(50)]);
    }
    if (Number.isNaN(firstFrameMs))
      throw new Error(`no frame with the layer stack within 120 s; last frame:\n${stdout.text}`);
    log(`first frame with the layer stack: ${firstFrameMs.toFixed(0)} ms`);
    // Then wait for the whole image (the walk needs every layer).
    while (!loaded && !loadError && performance.now() < t0 + 600_000) await sleep(50);
    if (loadError) throw new Error(`loading ${image} failed: ${(loadError as Error).message}`);
    if (!loaded) throw new Error(`the image did not finish loading within 10 minutes; last frame:\n${stdout.text}`);
    log(`image loaded in ${(loaded - t0).toFixed(0)} ms`);
    await sleep(300);

    // Which step holds the most entries? The walk starts there.
    const bigLayer = biggestStep(image0!);
    const samples: KeySample[] = [];
    let timeouts = 0;
    for (const [label, key, times] of script(bigLayer)) {
      for (let i = 0; i < times; i++) {
        // Idle until the throttle window of the previous frame has passed.
        const idle = IDLE_GAP_MS - (performance.now() - stdout.lastWriteAt);
        if (idle > 0) await sleep(idle);
        const before = stdout.writes;
        const frame = stdout.nextWrite();
        const ts = performance.now();
        stdin.write(KEYS[key] ?? key);
        const ok = await Promise.race([frame.then(() => true), sleep(KEY_TIMEOUT_MS).then(() => false)]);
        if (!ok || stdout.writes === before) {
          // A key that changes nothing on screen (the script avoids them) has no frame to time.
          timeouts++;
          if (process.env.TUI_LATENCY_DEBUG) log(`no frame after ${label} (${key}):\n${stdout.text}`);
          continue;
        }
        samples.push({ key: label, ms: stdout.lastWriteAt - ts });
      }
    }
    const ms = samples.map((s) => s.ms);
    const peakRssBytes = process.resourceUsage().maxRSS * 1024;
    return {
      firstFrameMs,
      keyMedianMs: quantile(ms, 0.5),
      keyP95Ms: quantile(ms, 0.95),
      samples,
      timeouts,
      loadMs: loaded - t0,
      peakRssBytes,
    };
  } finally {
    instance.unmount();
    instance.cleanup?.();
  }
}

/** Position (in the Layers pane) of the layer with the most entries: the walk starts there. */
function biggestStep(img: LoadedImage): number {
  const a = img.analysis;
  let best = 0;
  let most = -1;
  for (let k = 0; k < a.layerCount; k++) {
    const [from, to] = a.layerEvents(k);
    if (to - from > most) {
      most = to - from;
      best = k;
    }
  }
  return Math.max(
    0,
    buildSteps(img).findIndex((s) => s.kind === 'layer' && s.layer === best),
  );
}

export async function measureTui(image: string): Promise<TuiFigures> {
  const r = await measureTuiDetailed(image);
  return { firstFrameMs: r.firstFrameMs, keyMedianMs: r.keyMedianMs, keyP95Ms: r.keyP95Ms };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  // `--archive FILE`: a docker-archive (e.g. bench/gen-million.py's) instead of an Engine image.
  const ai = process.argv.indexOf('--archive');
  const archive = ai >= 0 ? process.argv[ai + 1] : undefined;
  const image = archive ?? process.argv[2] ?? process.env.BENCH_IMAGE ?? 'strata-bench/app:1';
  const log = (s: string) => process.stderr.write(`tui-latency: ${s}\n`);
  measureTuiDetailed(image, log, archive).then(
    (r) => {
      const by = new Map<string, number[]>();
      for (const s of r.samples) by.set(s.key, [...(by.get(s.key) ?? []), s.ms]);
      for (const [k, v] of by)
        log(
          `${k.padEnd(16)} n=${String(v.length).padStart(2)}  ` +
            `median ${quantile(v, 0.5).toFixed(1).padStart(7)} ms  ` +
            `max ${Math.max(...v)
              .toFixed(1)
              .padStart(7)} ms`,
        );
      log(`keys ${r.samples.length} (${r.timeouts} without a new frame)`);
      process.stdout.write(
        `first frame ${r.firstFrameMs.toFixed(0)} ms · load ${r.loadMs.toFixed(0)} ms · ` +
          `keypress median ${r.keyMedianMs.toFixed(1)} ms · ` +
          `p95 ${r.keyP95Ms.toFixed(1)} ms · peak RSS ${(r.peakRssBytes / 1e6).toFixed(0)} MB\n`,
      );
      process.exit(0);
    },
    (e) => {
      process.stderr.write(`tui-latency: ${(e as Error).stack}\n`);
      process.exit(1);
    },
  );
}
