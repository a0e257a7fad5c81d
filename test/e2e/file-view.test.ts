/**
 * End to end: the file view of the BUILT binary in a real terminal (tmux) on hostile files an archive
 * made here holds: a text file that is one 1 MiB line, and a 300 kB binary. The view opens at once,
 * wraps and pages without a freeze, switches hex <-> text, and the process answers SIGHUP and SIGTERM
 * at any moment (it is never stuck in a long synchronous loop).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { engineGate } from '../support/engine.js';
import { imageArchive, layerTar } from '../support/hostile/build.js';
import { screenLines, shellQuote, startTmux, strataCommand, waitForStatus, type Tmux } from '../support/tmux.js';
import { ROOT } from '../support/paths.js';

const gate = engineGate({ needEngine: false, commands: ['tmux'] });

interface Run {
  t: Tmux;
  pidFile: string;
  statusFile: string;
}

/** strata in tmux; the shell writes strata's pid first (exec keeps it) and the exit status after. */
function launch(archive: string, dir: string): Run {
  const pidFile = join(dir, `pid-${Date.now()}`);
  const statusFile = join(dir, `status-${Date.now()}`);
  const strata = strataCommand([archive, '--no-cache']);
  const inner = `echo $$ > ${pidFile}; exec ${strata}`;
  const cmd = `sh -c ${shellQuote(inner)}; echo $? > ${shellQuote(statusFile)}`;
  return {
    t: startTmux(cmd, { columns: 120, rows: 40, env: { NO_COLOR: '1', TERM: 'tmux-256color' }, cwd: ROOT }),
    pidFile,
    statusFile,
  };
}

/** Opens the view of `name` from the tree: Tab to the tree, search, `v`. */
async function openFile(t: Tmux, name: string): Promise<string> {
  t.keys('Tab');
  t.type(`/${name}`);
  t.keys('Enter');
  await t.waitFor((x) => new RegExp(`search "${name}" 1/1`).test(x), `the search for ${name}`);
  const t0 = Date.now();
  t.type('v');
  const s = await t.waitFor(
    (x) => x.includes(`File /${name}`) && /added in L0/.test(x) && !x.includes('reading…'),
    `the view of ${name}`,
    10_000,
  );
  return `${Date.now() - t0}|${s}`;
}

describe('the file view in tmux, on a 1 MiB line and a 300 kB binary', { skip: gate.skip, timeout: 120_000 }, () => {
  let dir: string;
  let archive: string;
  let run: Run | undefined;
  before(async () => {
    gate.before();
    dir = mkdtempSync(join(tmpdir(), 'strata-e2e-view-'));
    const line = Buffer.alloc(1 << 20, 'abcdefghij');
    const bin = Buffer.alloc(300_000);
    for (let i = 0; i < bin.length; i++) bin[i] = (Math.imul(i, 2654435761) >>> 24) & 0xff;
    archive = join(dir, 'view.tar');
    writeFileSync(
      archive,
      await imageArchive({
        layers: [
          await layerTar([
            { name: 'oneline.txt', data: line },
            { name: 'blob.bin', data: bin },
          ]),
        ],
      }),
    );
  });
  after(() => {
    run?.t.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a 1 MiB line opens at once, cut to the pane; wrap and End page through it; SIGHUP ends strata', async (t) => {
    run = launch(archive, dir);
    const tm = run.t;
    await tm.waitFor((x) => x.includes('hostile:1') && x.includes('File tree'), 'the image');
    const [ms, s] = (await openFile(tm, 'oneline.txt')).split(/\|(.*)/s);
    t.diagnostic(`1 MiB line: view shown ${ms} ms after v`);
    assert.ok(Number(ms) < 10_000, `the view took ${ms} ms`);
    assert.match(s, /text, 1 line/);
    const row = screenLines(s).find((l) => /║1 │ abcdefghij/.test(l));
    assert.ok(row && row.length <= 120 && row.includes('…'), `the line is cut to the pane with an ellipsis:\n${s}`);

    tm.type('w');
    let w = await tm.waitFor((x) => x.includes('wrapped'), 'wrapped');
    const total = Number(/1-\d+\/(\d+)/.exec(w)![1]);
    assert.ok(total > 9000, `about 1 MiB / 113 columns rows: ${total}`);
    tm.keys('End');
    w = await tm.waitFor((x) => new RegExp(`\\d+-${total}/${total}`).test(x), 'the last page');
    assert.ok(screenLines(w).every((l) => l.length <= 120));

    process.kill(Number(readFileSync(run.pidFile, 'utf8')), 'SIGHUP');
    assert.equal(await waitForStatus(run.t, run.statusFile), 129, 'SIGHUP: exit 129');
    run.t.kill();
    run = undefined;
  });

  it('a 300 kB binary: hex paged, hex <-> text without a freeze; SIGTERM ends strata at once', async (t) => {
    run = launch(archive, dir);
    const tm = run.t;
    await tm.waitFor((x) => x.includes('hostile:1') && x.includes('File tree'), 'the image');
    const [, s] = (await openFile(tm, 'blob.bin')).split(/\|(.*)/s);
    assert.match(s, /hex dump, 16 bytes a row/);
    assert.match(s, /1-\d+\/18750/, '300 000 / 16 rows, paged');
    for (const [key, want] of [
      ['m', /text, \d+ lines?/],
      ['m', /hex dump/],
      ['m', /text, \d+ lines?/],
    ] as const) {
      const t0 = Date.now();
      tm.type(key);
      const x = await tm.waitFor((y) => want.test(y), `switch to ${want}`, 10_000);
      t.diagnostic(`switch to ${want}: ${Date.now() - t0} ms`);
      // No freeze: lines are made per screen (the whole-file split took 1.5 s before).
      assert.ok(Date.now() - t0 < 1000, `switch to ${want} took ${Date.now() - t0} ms`);
      assert.ok(screenLines(x).every((l) => l.length <= 120));
    }
    // A resize with the binary open in text view: a clean frame of the new width at once.
    for (const [cols, rows] of [
      [90, 30],
      [120, 40],
    ] as const) {
      const t0 = Date.now();
      tm.resize(cols, rows);
      const x = await tm.waitFor(
        (y) => {
          const ls = screenLines(y);
          return (
            ls.some((l) => l.length >= cols - 2) && ls.every((l) => l.length <= cols) && /text, \d+ lines?/.test(y)
          );
        },
        `a clean ${cols}x${rows} frame`,
        5_000,
      );
      t.diagnostic(`resize to ${cols}x${rows}: ${Date.now() - t0} ms`);
      assert.ok(Date.now() - t0 < 1000, `resize took ${Date.now() - t0} ms`);
      assert.ok(screenLines(x).every((l) => l.length <= cols));
    }
    tm.keys('PageDown');
    tm.keys('PageDown');
    process.kill(Number(readFileSync(run.pidFile, 'utf8')), 'SIGTERM');
    assert.equal(await waitForStatus(run.t, run.statusFile), 143, 'SIGTERM: exit 143');
  });
});
