/**
 * End to end: the BUILT binary (bin/strata.js -> dist/) in a real terminal (tmux), on an image this
 * test builds on the real Engine (strata-test/changes:1, see test/fixtures/engine/changes), and on
 * the bundled sample when no Engine is reachable. Colour off (NO_COLOR), so the screen is plain text
 * and the change symbols carry the meaning.
 *
 * Layer 3 of the fixture (after 3 layers and 2 metadata steps: the 6th step) modifies /data/mod.txt
 * (content), removes /data/del.txt and /data/deldir, and rebuilds /data/opq as an opaque directory
 * holding keep.txt and new.txt.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildFixture, engineGate } from '../support/engine.js';
import { readStatus, screenLines, startTmux, strataCommand, withStatusFile, type Tmux } from '../support/tmux.js';
import { ROOT } from '../support/paths.js';

const MARKER = 'strata-e2e: the normal screen before strata';

/** The row of the tree pane (right column in the wide layout) holding `name`, or undefined. */
function treeRow(screen: string, name: string): string | undefined {
  return screenLines(screen).find(
    (l) =>
      l.includes('║') &&
      new RegExp(`\\s${name.replace(/\./g, '\\.')}(/|\\s|$)`).test(l.split('║').slice(-2, -1)[0] ?? ''),
  );
}

interface Run {
  t: Tmux;
  /** Where the shell around strata writes strata's exit status. */
  statusFile: string;
}

/**
 * Runs strata in a shell that first prints MARKER (so leaving the alternate screen shows it again)
 * and afterwards writes strata's exit status to a file. The pane's own status (remain-on-exit,
 * #{pane_dead_status}) is the shell's, which exits with strata's code; the file is there because
 * tmux 3.3 now and then leaves an exited pane process unreaped (a zombie), and never reports it dead.
 */
function launch(args: string[], env: Record<string, string>, dir: string, size = { columns: 120, rows: 40 }): Run {
  const statusFile = join(dir, `status-${Date.now()}`);
  const cmd = withStatusFile(strataCommand(args), statusFile, MARKER);
  return { t: startTmux(cmd, { ...size, env, cwd: ROOT }), statusFile };
}

async function quitCleanly({ t, statusFile }: Run): Promise<void> {
  t.type('q');
  const deadline = Date.now() + 10_000;
  let code: number | null = null;
  for (;;) {
    const pane = t.paneStatus();
    if (pane.dead) {
      code = pane.status;
      break;
    }
    code = readStatus(statusFile);
    if (code !== null) break;
    if (Date.now() > deadline) assert.fail(`strata did not exit within 10 s after q; screen:\n${t.screen()}`);
    await new Promise((r) => setTimeout(r, 40));
  }
  assert.equal(code, 0, 'exit code 0 after q');
  const screen = t.screen();
  // The alternate screen was left: the normal screen, with the line printed before strata, is back,
  // and nothing of the TUI's frame is left on it.
  assert.ok(screen.includes(MARKER), `the normal screen is back after quitting:\n${screen}`);
  assert.ok(
    !/[╭╔]═?/.test(screen) && !screen.includes('File tree'),
    `no TUI frame left on the normal screen:\n${screen}`,
  );
}

const gate = engineGate({ commands: ['tmux'] });

describe('the built binary in tmux, on an image built on the Engine', { skip: gate.skip, timeout: 120_000 }, () => {
  let run: Run | undefined;
  let cache: string;
  before(() => {
    gate.before();
    buildFixture('changes');
    cache = mkdtempSync(join(tmpdir(), 'strata-e2e-cache-'));
  });
  after(() => {
    run?.t.kill();
    rmSync(cache, { recursive: true, force: true });
  });

  it('opens the image, walks to layer 3, shows its changes, searches, re-lays out on resize, exits 0', async () => {
    run = launch(['strata-test/changes:1'], { NO_COLOR: '1', XDG_CACHE_HOME: cache, TERM: 'tmux-256color' }, cache);
    const t = run.t;
    let s = await t.waitFor(
      (x) => x.includes('strata-test/changes:1') && /Layers 1\/12/.test(x) && x.includes('File tree · L0'),
      'the image with its 12 build steps',
    );
    assert.match(s, /^strata │ strata-test\/changes:1 │ 7 layers │/m);

    // Select layer 3 (the 6th step: two metadata steps sit between layers 2 and 3).
    for (let i = 1; i <= 5; i++) {
      t.type(']');
      s = await t.waitFor((x) => x.includes(`Layers ${i + 1}/12`), `step ${i + 1} selected`);
    }
    s = await t.waitFor((x) => x.includes('File tree · L3 · layer changes'), 'the tree of layer 3');
    assert.match(s, /▶\s+3\s+106 B\s+RUN set -e/, 'the layer row is selected');

    // The tree: only what layer 3 changed (hide untouched paths), every directory open.
    t.type('2');
    t.type('.');
    t.type('e');
    s = await t.waitFor(
      (x) => x.includes('hidden: .untouched') && treeRow(x, 'mod.txt') !== undefined,
      'the changes of layer 3',
    );
    assert.match(treeRow(s, 'mod.txt')!, /~ -rw-r--r--\s+0:0\s+6 B\s+mod\.txt/, '~ on the modified file');
    assert.match(treeRow(s, 'del.txt')!, /- -rw-r--r--\s+0:0\s+23 B\s+del\.txt/, '- on the removed file');
    assert.match(treeRow(s, 'deldir')!, /- drwxr-xr-x\s+0:0\s+.*deldir\//, '- on the removed directory');
    assert.match(treeRow(s, 'b.txt')!, /- -rw-r--r--/, '- on what the removed directory held');
    assert.match(
      treeRow(s, 'new.txt')!,
      /\+ -rw-r--r--\s+0:0\s+11 B\s+new\.txt/,
      '+ on the new file in the opaque directory',
    );
    assert.match(treeRow(s, 'chmod.txt')!, /~ -rw-------/, 'the chmod shows in the permissions');

    // Collapse everything, then search: the match is revealed (its directories opened) and selected.
    t.type('c');
    s = await t.waitFor((x) => treeRow(x, 'mod.txt') === undefined, 'the tree collapsed');
    t.type('/');
    t.type('keep');
    t.keys('Enter');
    s = await t.waitFor((x) => /search "keep" 1\/1/.test(x), 'the search result in the status bar');
    const hit = treeRow(s, 'keep.txt');
    assert.ok(hit, `the match is shown:\n${s}`);
    assert.match(hit!, /║▶/, 'the cursor is on the match');
    // Rewritten by the opaque directory with the same content: an unchanged rewrite.
    assert.match(hit!, /= -rw-r--r--\s+0:0\s+5 B\s+keep\.txt/);
    assert.ok(treeRow(s, 'opq'), 'its directory is open');

    // Narrow: the stacked layout (the layer stack above the tree, never side by side).
    t.resize(70, 30);
    // Right after the resize, tmux shows the old frame cut to 70 columns until strata redraws: wait
    // for the new layout itself (the layer stack above the tree, never side by side, no Details).
    const stacked = (x: string) => {
      const ls = screenLines(x);
      const layersAt = ls.findIndex((l) => /Layers \d+\/12/.test(l));
      const treeAt = ls.findIndex((l) => l.includes('File tree · L3'));
      return (
        ls.every((l) => l.length <= 70) &&
        layersAt >= 0 &&
        treeAt > layersAt &&
        !ls[layersAt].includes('File tree') &&
        !x.includes('Details')
      );
    };
    s = await t.waitFor(stacked, 'the stacked layout at 70x30');
    assert.ok(treeRow(s, 'keep.txt') || s.includes('keep.txt'), `the tree still shows the match:\n${s}`);

    // Too small, then back to the wide layout with the same state.
    t.resize(40, 10);
    s = await t.waitFor((x) => x.includes('Terminal too small'), 'the too-small screen');
    assert.match(s, /40×10; Strata needs at least \d+×\d+/);
    t.resize(120, 40);
    s = await t.waitFor(
      (x) => screenLines(x).some((l) => /Layers 6\/12/.test(l) && l.includes('File tree · L3')),
      'the wide layout again',
    );
    assert.match(s, /search "keep" 1\/1/, 'the search survived the resizes');

    await quitCleanly(run);
  });
});

const noEngineGate = engineGate({ needEngine: false, commands: ['tmux'] });

describe('the built binary in tmux, with no Engine reachable', { skip: noEngineGate.skip, timeout: 60_000 }, () => {
  let run: Run | undefined;
  let cache: string;
  before(() => {
    noEngineGate.before();
    cache = mkdtempSync(join(tmpdir(), 'strata-e2e-cache-'));
  });
  after(() => {
    run?.t.kill();
    rmSync(cache, { recursive: true, force: true });
  });

  it('says so in one line and opens the bundled sample image', async () => {
    run = launch(
      [],
      { NO_COLOR: '1', XDG_CACHE_HOME: cache, TERM: 'tmux-256color', DOCKER_HOST: 'unix:///nonexistent.sock' },
      cache,
    );
    const t = run.t;
    const s = await t.waitFor(
      (x) => /Layers 1\/\d+/.test(x) && x.includes('File tree · L0') && /▶\s+0\s+1\.2 MB base/.test(x),
      'the sample image, read',
    );
    const notice = screenLines(s)[0];
    assert.match(notice, /^strata │ ⚠ showing the bundled sample image: /, `one-line notice:\n${s}`);
    assert.match(notice, /nonexistent\.sock|Engine|connect|ENOENT/i, 'it says why');
    assert.ok(notice.length <= 120, 'one line');
    // The sample is dive's test image: 15 build steps, a 1.2 MB base.
    assert.match(s, /▶\s+0\s+1\.2 MB base ADD file:/);
    // The notice goes at the first key; the header then names the image.
    t.type(']');
    const s2 = await t.waitFor((x) => x.includes('Layers 2/'), 'the next step');
    const header = screenLines(s2)[0];
    assert.ok(
      !header.includes('showing the bundled sample image') && header.includes('dive-test'),
      `the notice went away:\n${header}`,
    );
    await quitCleanly(run);
  });
});
