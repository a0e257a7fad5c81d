/**
 * `npm run demo`: renders demo.gif at the repository root from the real app on a real image.
 *
 * The BUILT binary (bin/strata.js; `npm run build` first when dist/ is missing) runs in tmux at
 * 120x36 with colours on; a script of key presses walks through it (the Engine's image list,
 * choosing an image, the layers one by one with the tree following, a search, waste by build step,
 * go to a path and its file view, the Advice view) and
 * after each step the screen is captured with `capture-pane -e -p` (text + SGR colours), parsed into
 * cells (scripts/demo/screen.ts), drawn with a monospace TTF into pixels and encoded as a GIF
 * (scripts/demo/render.ts).
 *
 * The image is test/fixtures/engine/changes (every change kind, some waste), built on the Engine
 * with the tests' helper. Without an Engine, the demo shows what a user sees then: the one-line
 * notice and the bundled sample image (assets/sample-image.tar).
 *
 * Options: DEMO_OUT (default demo.gif), DEMO_FRAMES=DIR also writes every frame as PNG there.
 * Needs tmux and DejaVu Sans Mono (Debian: tmux, fonts-dejavu-core).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildFixture, engineStatus } from '../test/support/engine.js';
import { shellQuote, startTmux, type Tmux } from '../test/support/tmux.js';
import { parseCapture } from './demo/screen.js';
import { encodeGif, metrics, rasterise, writePng, type Frame } from './demo/render.js';
import { BIN, ROOT } from '../test/support/paths.js';

const COLUMNS = 120;
const ROWS = 36;
const OUT = resolve(ROOT, process.env.DEMO_OUT ?? 'demo.gif');
const FRAMES_DIR = process.env.DEMO_FRAMES ? resolve(process.env.DEMO_FRAMES) : null;
const log = (s: string) => process.stderr.write(`demo: ${s}\n`);

interface Shot {
  delay: number;
  capture: string;
  caption: string;
}

class Recorder {
  shots: Shot[] = [];
  constructor(private t: Tmux) {}
  /** Waits for the screen to satisfy `until`, then for it to stop changing, and keeps it for `delay` ms. */
  async shot(caption: string, until: (s: string) => boolean, delay: number): Promise<void> {
    await this.t.waitFor(until, caption, 30_000);
    // Settle: Ink renders at most every 33 ms; two equal captures 80 ms apart mean a finished frame.
    let last = this.t.screen(true);
    for (let i = 0; i < 20; i++) {
      await new Promise((r) => setTimeout(r, 80));
      const now = this.t.screen(true);
      if (now === last) break;
      last = now;
    }
    this.shots.push({ delay, capture: last, caption });
    log(`frame ${this.shots.length}: ${caption}`);
  }
  async typeSlowly(text: string, until: (s: string) => boolean, perChar = 220): Promise<void> {
    let typed = '';
    for (const ch of text) {
      typed += ch;
      this.t.type(ch);
      const sofar = typed;
      await this.shot(`typing "${sofar}"`, (s) => s.includes(sofar), perChar);
    }
    await this.t.waitFor(until, `after typing ${text}`);
  }
}

function ensureBuilt(): void {
  if (existsSync(join(ROOT, 'dist', 'cli', 'main.js'))) return;
  log('dist/ missing: npm run build');
  execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
}

async function engineScript(r: Recorder, t: Tmux): Promise<void> {
  await r.shot('the image list', (s) => /Images \d+\/\d+/.test(s) && s.includes('strata-test/changes:1'), 2200);
  t.type('/');
  await r.typeSlowly('changes', (s) => s.includes('changes'));
  t.keys('Enter');
  await r.shot('filtered', (s) => /Images 1\/1/.test(s), 900);
  t.keys('Enter');
  await r.shot('the image opens', (s) => /Layers 1\/12/.test(s) && s.includes('File tree · L0'), 2200);
  await walkLayers(r, t);
}

async function walkLayers(r: Recorder, t: Tmux): Promise<void> {
  // Step through the build: the tree follows the selected layer.
  for (let i = 2; i <= 6; i++) {
    t.type(']');
    await r.shot(`step ${i}`, (s) => s.includes(`Layers ${i}/`), i === 3 || i === 6 ? 1800 : 1100);
  }
  // Only what this layer changed, every directory open.
  t.type('2');
  await r.shot('the tree pane', (s) => /File tree · L\d+[^\n]*·/.test(s), 700);
  t.type('.');
  await r.shot('hide untouched', (s) => s.includes('hidden: .untouched'), 1200);
  t.type('e');
  await r.shot('expand all', (s) => s.includes('hidden: .untouched'), 2600);
  t.type('a');
  await r.shot('aggregated', (s) => s.includes('aggregated since base'), 2200);
  t.type('a');
  await r.shot('layer changes', (s) => s.includes('layer · layer changes') || s.includes('· layer changes ·'), 900);
  // Search: collapse everything, then find a file: it is revealed and selected.
  t.type('c');
  await r.shot('collapse all', (s) => s.includes('hidden: .untouched'), 900);
  t.type('/');
  await r.shot('search prompt', () => true, 400);
}

async function searchAndWaste(r: Recorder, t: Tmux, query: string): Promise<void> {
  await r.typeSlowly(query, (s) => s.includes(query));
  t.keys('Enter');
  await r.shot('search result', (s) => new RegExp(`search "${query}" \\d+/\\d+`).test(s), 2600);
  // Waste by build step: (step that shipped, step that hid), largest first; a pair opens to its paths.
  t.type('3');
  await r.shot('waste by step', (s) => /Waste by step \d+\/\d+/.test(s), 3000);
  t.keys('Space');
  await r.shot("waste: the pair's paths", (s) => s.includes('▾ '), 2200);
  t.keys('Down');
  await r.shot('waste: a path', () => true, 900);
  t.keys('Enter');
  await r.shot('jump to the path', (s) => /File tree/.test(s), 2400);
  // The file view of that version (an Engine image: read through a created container or the kept export).
  t.type(':');
  await r.typeSlowly('grow.txt', (s) => s.includes('grow.txt'));
  t.keys('Enter');
  await r.shot('go to grow.txt', (s) => /File tree/.test(s) && !s.includes('go to path'), 1600);
  t.type('v');
  await r.shot('the file view', (s) => s.includes('x saves this version') || s.includes('✗'), 3200);
  t.keys('Escape');
  await r.shot('back to the tree', (s) => /File tree/.test(s), 900);
}

/** The Advice view: what to change, with what it saves; an item's paths; Enter into the tree. */
async function adviceScene(r: Recorder, t: Tmux): Promise<void> {
  t.type('A');
  await r.shot('the advice view', (s) => s.includes('Advice · recoverable'), 3400);
  t.keys('Down');
  await r.shot('advice: next item', (s) => s.includes('Advice · recoverable'), 1600);
  t.keys('Space');
  await r.shot('advice: its paths', (s) => s.includes('▾'), 2200);
  t.keys('Down');
  await r.shot('advice: a path', (s) => s.includes('▾'), 900);
  t.keys('Enter');
  const inTree = (s: string) => /File tree/.test(s) && !s.includes('Advice · recoverable');
  await r.shot('advice: to the path in the tree', inTree, 3000);
}

async function main(): Promise<void> {
  ensureBuilt();
  if (spawnSync('sh', ['-c', 'command -v tmux']).status !== 0)
    throw new Error('tmux is not installed (apt-get install tmux)');
  const engine = engineStatus();
  const cache = mkdtempSync(join(tmpdir(), 'strata-demo-cache-'));
  const env: Record<string, string> = {
    TERM: 'xterm-256color',
    COLORTERM: '',
    XDG_CACHE_HOME: cache,
    FORCE_COLOR: '1',
  };
  let query = 'keep';
  if (engine.ok) {
    log(`Engine ${engine.version}: building strata-test/changes:1`);
    buildFixture('changes');
  } else {
    log(`no Engine (${engine.reason}): the demo shows the bundled sample image`);
    env.DOCKER_HOST = 'unix:///nonexistent.sock';
    query = 'somefile';
  }
  const cmd = `clear; exec ${shellQuote(process.execPath)} ${shellQuote(BIN)}`;
  const t = startTmux(cmd, { columns: COLUMNS, rows: ROWS, env, cwd: ROOT });
  const r = new Recorder(t);
  try {
    if (engine.ok) await engineScript(r, t);
    else {
      await r.shot('no Engine: the sample image', (s) => /Layers 1\/\d+/.test(s), 3500);
      await walkLayers(r, t);
    }
    await searchAndWaste(r, t, query);
    await adviceScene(r, t);
    t.type('q');
  } finally {
    t.kill();
    rmSync(cache, { recursive: true, force: true });
  }

  log(`rendering ${r.shots.length} frames`);
  const m = metrics(14);
  const title = `strata — ${engine.ok ? 'strata-test/changes:1 on the Docker Engine' : 'the bundled sample image'}`;
  const frames: Frame[] = [];
  let size = { width: 0, height: 0 };
  if (FRAMES_DIR) mkdirSync(FRAMES_DIR, { recursive: true });
  r.shots.forEach((shot, i) => {
    const screen = parseCapture(shot.capture, COLUMNS, ROWS);
    const px = rasterise(screen, m, title);
    size = { width: px.width, height: px.height };
    frames.push({ rgba: px.rgba, delay: shot.delay });
    if (FRAMES_DIR) writePng(join(FRAMES_DIR, `frame-${String(i + 1).padStart(2, '0')}.png`), screen, m, title);
  });
  const gif = encodeGif(frames, size.width, size.height);
  writeFileSync(OUT, gif);
  log(
    `wrote ${OUT}: ${size.width}x${size.height}, ${frames.length} frames, ${(statSync(OUT).size / 1e6).toFixed(2)} MB`,
  );
}

main().catch((e: unknown) => {
  process.stderr.write(`demo: ${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
