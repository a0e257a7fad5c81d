/**
 * What only a terminal shows, on the BUILT binary in tmux: mouse reporting switched on and off,
 * wheel reports acted on (never read as keys), Ctrl+C's exit status 130, Ctrl+Z stopping the
 * process with the terminal given back and a redraw on SIGCONT, a bad config file's exit 2.
 * The image is the bundled sample (an archive): no Engine needed.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { engineGate } from '../support/engine.js';
import { shellQuote, startTmux, strataCommand, waitForStatus, withStatusFile, type Tmux } from '../support/tmux.js';
import { ROOT, SAMPLE_IMAGE } from '../support/paths.js';

const MARKER = 'strata-e2e: the shell before strata';

interface Run {
  t: Tmux;
  statusFile: string;
}

function launch(dir: string, env: Record<string, string> = {}, args: string[] = [SAMPLE_IMAGE]): Run {
  const statusFile = join(dir, `status-${Date.now()}-${Math.random().toString(36).slice(2)}`);
  const cmd = withStatusFile(strataCommand(args), statusFile, MARKER);
  return {
    t: startTmux(cmd, {
      columns: 120,
      rows: 40,
      env: { NO_COLOR: '1', TERM: 'tmux-256color', XDG_CONFIG_HOME: dir, ...env },
      cwd: ROOT,
    }),
    statusFile,
  };
}

const exitStatus = (r: Run): Promise<number> => waitForStatus(r.t, r.statusFile);

const gate = engineGate({ needEngine: false, commands: ['tmux'] });

describe('the built binary in tmux: mouse, Ctrl+C, Ctrl+Z, config', { skip: gate.skip, timeout: 120_000 }, () => {
  let dir: string;
  const runs: Run[] = [];
  before(() => {
    gate.before();
    dir = mkdtempSync(join(tmpdir(), 'strata-term-'));
  });
  after(() => {
    for (const r of runs) r.t.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it('mouse reporting is on while it runs; a wheel report scrolls the tree, no keystroke; M turns it off', async () => {
    const r = launch(dir);
    runs.push(r);
    const t = r.t;
    let s = await t.waitFor((x) => /Layers 1\/\d+/.test(x) && x.includes('File tree · L0'), 'the sample image');
    const pane = (f: string) => t.paneFormat(f);
    assert.equal(pane('mouse_sgr_flag'), '1', 'SGR mouse mode on');
    assert.equal(pane('mouse_standard_flag'), '1', 'button reporting on');
    // A wheel-down report over the tree (right column), three times: the tree scrolls, the layer stays.
    for (let i = 0; i < 3; i++) t.type('\x1b[<65;90;8M');
    s = await t.waitFor(
      (x) => /File tree · L0 · layer changes · (\d+)\//.exec(x)?.[1] !== '1',
      'the tree cursor moved',
    );
    assert.match(s, /Layers 1\//, 'still the first step: no [ or ] was read from the report');
    assert.match(s, /▶ Layers/, 'the focus stayed');
    t.type('M');
    s = await t.waitFor((x) => x.includes('mouse off'), 'mouse off');
    await t.waitFor(
      () => pane('mouse_sgr_flag') === '0' && pane('mouse_standard_flag') === '0',
      'mouse reporting off in the terminal',
    );
    t.type('q');
    assert.equal(await exitStatus(r), 0);
    assert.equal(pane('mouse_standard_flag'), '0', 'left off after quitting');
  });

  it('Ctrl+C exits with 130 and gives the terminal back', async () => {
    const r = launch(dir);
    runs.push(r);
    // The image on screen: raw mode has long been on, so Ctrl+C is a key, not the terminal's SIGINT
    // (which would also end the shell around strata). The key while loading: test/unit/ui/terminal-input.test.tsx.
    await r.t.waitFor((x) => /Layers 1\/\d+/.test(x), 'the sample image');
    r.t.keys('C-c');
    assert.equal(await exitStatus(r), 130);
    const s = await r.t.waitFor((x) => x.includes(MARKER), 'the normal screen');
    assert.ok(!s.includes('File tree'), s);
  });

  it('Ctrl+Z stops the job (the shell gets the terminal back); fg redraws the TUI where it was', async () => {
    // A shell with job control (set -m): strata runs as its own job, as at an interactive prompt.
    const statusFile = join(dir, 'status-job');
    const script = [
      'set -m',
      `printf '%s\\n' ${shellQuote(MARKER)}`,
      strataCommand([SAMPLE_IMAGE]),
      'code=$?',
      'if [ $code -gt 128 ]; then echo "job stopped: $code"; read go; fg; code=$?; fi',
      `echo $code > ${shellQuote(statusFile)}`,
    ].join('; ');
    const t = startTmux(`sh -c ${shellQuote(script)}`, {
      columns: 120,
      rows: 40,
      env: { NO_COLOR: '1', TERM: 'tmux-256color', XDG_CONFIG_HOME: dir },
      cwd: ROOT,
    });
    const r: Run = { t, statusFile };
    runs.push(r);
    await t.waitFor((x) => /Layers 1\/\d+/.test(x), 'the sample image');
    t.type(']');
    await t.waitFor((x) => /Layers 2\/\d+/.test(x), 'step 2');
    t.keys('C-z');
    let s = await t.waitFor((x) => x.includes('job stopped: 148'), 'the shell saw the job stop (128 + SIGTSTP)');
    assert.ok(s.includes(MARKER) && !s.includes('File tree'), `the normal screen is back:\n${s}`);
    assert.equal(t.paneFormat('mouse_standard_flag'), '0', 'no mouse reporting while stopped');
    t.keys('Enter');
    s = await t.waitFor((x) => /Layers 2\/\d+/.test(x) && x.includes('File tree'), 'the TUI drawn again, where it was');
    assert.equal(t.paneFormat('mouse_standard_flag'), '1', 'mouse reporting back on');
    t.type('j');
    await t.waitFor((x) => /Layers 3\/\d+/.test(x), 'keys work again (raw mode back)');
    t.type('q');
    assert.equal(await exitStatus(r), 0);
  });

  it('Ctrl+Z without a job-control shell says so and keeps running', async () => {
    const r = launch(dir);
    runs.push(r);
    await r.t.waitFor((x) => /Layers 1\/\d+/.test(x), 'the sample image');
    r.t.keys('C-z');
    await r.t.waitFor((x) => x.includes('cannot suspend') && x.includes('File tree'), 'the notice, the TUI still up');
    r.t.type('q');
    assert.equal(await exitStatus(r), 0);
  });

  it('a bad config file: one line naming the key, exit 2, the screen untouched', async () => {
    const cfgHome = join(dir, 'bad');
    mkdirSync(join(cfgHome, 'strata'), { recursive: true });
    writeFileSync(join(cfgHome, 'strata', 'config.yaml'), 'keys:\n  search: ctrl+m\n');
    const r = launch(dir, { XDG_CONFIG_HOME: cfgHome });
    runs.push(r);
    assert.equal(await exitStatus(r), 2);
    const s = r.t.screen();
    assert.match(s, /strata: config .*config\.yaml: keys\.search: ctrl\+m is Enter to a terminal/);
  });
});
