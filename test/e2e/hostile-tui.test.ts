/**
 * The real binary's TUI on a hostile image (test/support/hostile/display.ts) in tmux, recorded by
 * `script` so that every byte strata wrote to its terminal can be checked: after taking out the CSI
 * sequences a terminal UI draws with, no ESC, BEL, BS, C1, bidi or zero-width character is left;
 * the pane title (which an OSC 0 would set) is untouched; the escapes are shown as text instead.
 * Searching by the display form (`\xe9`) finds a name that is not UTF-8. And an Engine answering a
 * field of the wrong type, and an archive with one: the TUI shows the one-line error, exit 3 or 2.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { screenLines, shellQuote, startTmux, strataCommand, waitForStatus, type Tmux } from '../support/tmux.js';
import { hostileImage, rawAt, UNSAFE_RECORDING, type Hostile } from '../support/hostile/display.js';
import { imageArchive, imageArchiveWithMeta, layerTar } from '../support/hostile/build.js';
import { startFakeEngine } from '../support/fake-engine.js';
import { ROOT } from '../support/paths.js';

const missing = ['tmux', 'script'].filter((c) => {
  try {
    execFileSync('which', [c], { stdio: 'ignore' });
    return false;
  } catch {
    return true;
  }
});
const skip = missing.length > 0 ? `needs ${missing.join(', ')}` : false;

// eslint-disable-next-line no-control-regex
const CSI = /\u001b\[[0-?]*[ -/]*[@-~]/g;

function checkTypescript(file: string): void {
  const raw = readFileSync(file, 'utf8');
  assert.ok(raw.length > 1000, `the recording holds the session (${raw.length} chars)`);
  const rest = raw.replace(CSI, '');
  // Left after the CSI sequences are gone: nothing of this may remain in what strata wrote.
  const leftover = rawAt(rest, UNSAFE_RECORDING);
  assert.equal(leftover, null, `written to the terminal: ${leftover}`);
  // An 8-bit CSI sequence would have been taken out above only as 7-bit; an OSC has no CSI form.
  assert.ok(!rest.includes('\u001b]'), 'no OSC sequence');
}

/** strata under `script` (the raw output recorded in `typescript`), inside a tmux pane. */
function launch(
  dir: string,
  args: string[],
  env: Record<string, string>,
  columns = 140,
): { t: Tmux; typescript: string; statusFile: string } {
  const typescript = join(dir, `typescript-${Date.now()}`);
  const statusFile = join(dir, `status-${Date.now()}`);
  const recorded = `script -q -f -e -c ${shellQuote(strataCommand(args))} ${shellQuote(typescript)}`;
  const cmd = `${recorded}; echo $? > ${shellQuote(statusFile)}`;
  const t = startTmux(cmd, { columns, rows: 44, env: { NO_COLOR: '1', TERM: 'tmux-256color', ...env }, cwd: ROOT });
  launched.push(typescript);
  return { t, typescript, statusFile };
}

/** Typescripts of every run started, so that no `script` or strata process outlives the tests. */
const launched: string[] = [];

/**
 * Ends what the runs left: killing a tmux server does not end `script` (it keeps its own terminal),
 * nor the strata under it. `script` carries the run's unique typescript path on its command line;
 * strata is its child.
 */
function endRuns(): void {
  const procs = readdirSync('/proc')
    .filter((n) => /^\d+$/.test(n))
    .map((pid) => {
      try {
        const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        const ppid = Number(
          readFileSync(`/proc/${pid}/stat`, 'utf8')
            .replace(/^.*\) /s, '')
            .split(' ')[1],
        );
        return { pid: Number(pid), ppid, cmdline };
      } catch {
        return null;
      }
    })
    .filter((p) => p !== null);
  const scripts = new Set(procs.filter((p) => launched.some((ts) => p.cmdline.includes(ts))).map((p) => p.pid));
  for (const p of procs) {
    if (!scripts.has(p.pid) && !scripts.has(p.ppid)) continue;
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      // gone already
    }
  }
}

describe('the TUI on a hostile image', { skip, timeout: 120_000 }, () => {
  let dir: string;
  let h: Hostile;
  let t: Tmux | undefined;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'strata-hostile-tui-'));
    h = await hostileImage(dir);
  });
  after(() => {
    t?.kill();
    endRuns();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows every hostile string escaped, writes none raw, finds a non-UTF-8 name by its display form', async () => {
    const run = launch(dir, [h.diffIdFile, '--no-cache'], { XDG_CACHE_HOME: dir });
    t = run.t;
    const title0 = t.paneTitle();
    // The layer stack shows before the layers are read (the archive's index): wait for the read.
    let s = await t.waitFor(
      (x) => x.includes('File tree · L0') && x.includes('Details') && !/reading \d+\/\d+ layers/.test(x),
      'the image, read',
    );
    // Layer 0's details: the command, the blob digest and the media type, escaped.
    assert.ok(s.includes('RUN echo \\u202eevil\\e]8;;http://ev'), `the command in the layer row:\n${s}`);
    assert.ok(s.includes('\\u202eevil\\e]8;;http://evil.example/\\x07click'), `the command in the details:\n${s}`);
    assert.ok(s.includes('aaaa\\r\\e]8;;http:'), `the blob digest:\n${s}`);
    assert.ok(s.includes('\\r\\x08\\x08\\x08EVIL\\e]8;;'), `the media type:\n${s}`);
    // Wrapping never cuts an escape in two (no line ends in the middle of `\x07` or `\e`).
    for (const l of screenLines(s))
      assert.doesNotMatch(l, /\\(x[0-9a-f]?|u[0-9a-f]{0,3})?[│║]/, `a wrapped escape: ${l}`);
    // Scroll the details to the image's config, tags and warnings.
    t.type('4');
    t.type('G');
    s = await t.waitFor((x) => x.includes('Warnings ('), 'the end of the details');
    assert.ok(s.includes('\\r\\x08\\e]8;;http://evil.example/'), `the config's diff_id in a warning:\n${s}`);
    t.type('g');
    for (let i = 0; i < 12; i++) t.keys('Down');
    s = await t.waitFor((x) => x.includes('platform'), 'the platform line');
    assert.ok(s.includes('linux\\e]0;pwned-title\\x07/amd64\\e]52;c;'), `the platform:\n${s}`);

    // The tree: names escaped; search by what is shown.
    t.type('2');
    s = await t.waitFor((x) => x.includes('caf\\xe9'), 'the non-UTF-8 name shown as \\xe9');
    assert.ok(s.includes('fdp.exe'), s);
    t.type('/');
    t.type('caf\\xe9');
    t.keys('Enter');
    s = await t.waitFor((x) => /search "caf\\xe9" 1\/1/.test(x), 'the search by display form');
    assert.ok(
      screenLines(s).some((l) => /▶.*caf\\xe9/.test(l)),
      `the cursor is on the match:\n${s}`,
    );

    // The file view: its title and the file's own escapes.
    t.type('/');
    t.type('notes');
    t.keys('Enter');
    await t.waitFor((x) => /search "notes" 1\/1/.test(x), 'notes.txt found');
    t.type('v');
    // Control bytes make it open as a hex dump (once read): m shows it as text.
    s = await t.waitFor(
      (x) => x.includes('File /notes.txt') && (x.includes('00000000  ') || x.includes('line one\\e')),
      'the file view',
    );
    if (!s.includes('line one\\e')) t.type('m');
    s = await t.waitFor((x) => x.includes('line one\\e'), 'the file as text');
    assert.ok(s.includes('line one\\e]0;from-file\\x07'), `the file's escape shown:\n${s}`);
    assert.ok(s.includes('second \\u202e line'), s);
    t.type('q');
    await t.waitFor((x) => x.includes('File tree · L0'), 'back to the panes');

    // The waste pane: the wasted non-UTF-8 name.
    // Grouped by step: the pair's paths show the name escaped; the flat list (t) too.
    t.type('3');
    await t.waitFor((x) => /Waste by step \d+\/\d+/.test(x), 'waste by step');
    t.keys('Space');
    s = await t.waitFor((x) => x.includes('▾ ') && x.includes('/caf\\xe9'), "the pair's paths");
    t.type('t');
    s = await t.waitFor((x) => /Waste \d+\/\d+/.test(x) && x.includes('/caf\\xe9'), 'the wasted paths');

    assert.equal(t.paneTitle(), title0, 'no OSC 0 reached the terminal: the pane title is unchanged');
    t.type('q');
    assert.equal(await waitForStatus(t, run.statusFile), 0);
    checkTypescript(run.typescript);
  });

  it('an archive whose layer mediaType is a number: the one-line error on screen, exit 2', async () => {
    const layer = await layerTar([{ name: 'a.txt', data: 'a' }]);
    const file = join(dir, 'typed.tar');
    writeFileSync(
      file,
      await imageArchive({
        layers: [layer],
        editManifest: (m) => ({ ...m, layers: [{ ...m.layers[0], mediaType: 5 }] }),
      }),
    );
    const run = launch(dir, [file, '--no-cache'], { XDG_CACHE_HOME: dir }, 200);
    t = run.t;
    const s = await t.waitFor((x) => x.includes('press q to quit'), 'the error screen');
    assert.match(s, /✗ manifest sha256:[0-9a-f]{64}: layers\[0\]\.mediaType is a number, not a string/);
    assert.match(s, /press q to quit \(exit 2\)/);
    t.type('q');
    assert.equal(await waitForStatus(t, run.statusFile), 2);
  });

  it('an Engine answering RepoTags "notalist": the one-line error on screen, exit 3', async () => {
    const sock = join(dir, 'typed.sock');
    const layer = await layerTar([{ name: 'a.txt', data: 'a' }]);
    const m = await imageArchiveWithMeta({ shape: 'docker', layers: [layer], repoTag: 'fake/img:1' });
    const fe = await startFakeEngine(sock, {
      image: { name: 'fake/img:1', id: m.configDigest, diffIds: m.diffIds, archive: m.archive },
      edit: { json: (a) => ({ ...a, RepoTags: 'notalist' }) },
    });
    try {
      const run = launch(
        dir,
        ['docker://fake/img:1', '--no-cache'],
        { DOCKER_HOST: `unix://${sock}`, XDG_CACHE_HOME: dir },
        240,
      );
      t = run.t;
      const s = await t.waitFor((x) => x.includes('press q to quit'), 'the error screen');
      assert.match(
        s,
        new RegExp(
          '✗ the Engine at .*typed\\.sock answered the inspection of image fake/img:1 with a bad field: ' +
            'RepoTags is a string, not a list',
        ),
      );
      assert.match(s, /press q to quit \(exit 3\)/);
      t.type('q');
      assert.equal(await waitForStatus(t, run.statusFile), 3);
      checkTypescript(run.typescript);
    } finally {
      await fe.close();
    }
  });
});
