/**
 * Bad archives: seeded, bounded fuzzing of every fixture archive.
 *
 * - In-process (fast): every case of QUICK_PLAN through loadImage + buildReport + textReport, each
 *   with a 10 s timeout; the outcome must be a report or one of the readers' own errors (what the
 *   CLI prints as one `strata: ...` line, exit 2). Uncaught exceptions are caught per case.
 * - Through the real CLI (slower, a sample): exit 0 with JSON, or exit 2, empty stdout and exactly
 *   one stderr line starting with `strata: `; no stack trace, no hang, peak RSS bounded.
 *
 * Reproduce a failing case: its name gives the fixture, the mutation and its parameters; the
 * generator in fuzz-harness.ts is deterministic (see `fuzzCases`).
 * A longer run with more cases: `node --import tsx bench/fuzz-long.ts`.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it, after } from 'node:test';
import {
  QUICK_PLAN,
  cliContractViolation,
  fixtureArchives,
  fuzzCases,
  layoutCases,
  newTally,
  record,
  runInProcess,
  summaryLine,
  writeCase,
  type FuzzCase,
} from '../../support/fuzz-harness.js';
import { ROOT } from '../../support/paths.js';
import { runCliMeasured } from '../../support/cli.js';

const CASE_TIMEOUT_MS = 10_000;
const CLI_TIMEOUT_MS = 30_000;
/** The in-process harness holds one small archive at a time; its RSS must stay far below this. */
const MAX_INPROCESS_RSS_MB = 1024;
/** Peak RSS of one CLI run on a (mutated) fixture. */
const MAX_CLI_RSS_MB = 400;
/** Every Nth case also runs through the CLI (JSON mode), and every Mth in text mode. */
const CLI_EVERY = 24;
const CLI_TEXT_EVERY = 97;

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-fuzz-'));
after(() => fs.rmSync(scratch, { recursive: true, force: true }));

function formatBugs(bugs: { name: string; outcome: string; message: string }[]): string {
  const shown = bugs.slice(0, 15).map((b) => `  [${b.outcome}] ${b.name}: ${b.message.slice(0, 300)}`);
  return `${bugs.length} case(s) broke the contract:\n${shown.join('\n')}${bugs.length > 15 ? '\n  ...' : ''}`;
}

describe('fuzz: mutated and truncated fixture archives', () => {
  const fixtures = fixtureArchives();

  it(`fixtures are there (${fixtures.length})`, () => {
    assert.ok(fixtures.length >= 7, `expected the dive fixtures, found ${fixtures.length}`);
  });

  it('in-process: every case ends with a report or a clean error', { timeout: 180_000 }, async (t) => {
    const tally = newTally();
    let i = 0;
    for (const c of fuzzCases(fixtures, QUICK_PLAN)) {
      const f = writeCase(scratch, c, i++);
      const r = await runInProcess(f, CASE_TIMEOUT_MS);
      fs.rmSync(f, { force: true });
      record(tally, c, r);
    }
    const line = summaryLine('fuzz in-process (archives)', tally);
    t.diagnostic(line);
    t.diagnostic(`by class: ${JSON.stringify(tally.byClass)}`);
    console.log(line);
    assert.ok(tally.cases >= 1000, `expected at least 1000 cases, ran ${tally.cases}`);
    assert.equal(tally.bugs.length, 0, formatBugs(tally.bugs));
    assert.ok(tally.peakRssMb < MAX_INPROCESS_RSS_MB, `peak RSS ${tally.peakRssMb} MB`);
  });

  it('in-process: corrupted blobs in OCI layout directories', { timeout: 120_000 }, async (t) => {
    const tally = newTally();
    let i = 0;
    for (const c of layoutCases(fixtures, QUICK_PLAN, 3)) {
      const dir = path.join(scratch, `layout-${i++}`);
      fs.mkdirSync(dir);
      c.write(dir);
      const r = await runInProcess(dir, CASE_TIMEOUT_MS);
      fs.rmSync(dir, { recursive: true, force: true });
      record(tally, { name: c.name, cls: 'blob-flip', bytes: () => Buffer.alloc(0) }, r);
    }
    const line = summaryLine('fuzz in-process (OCI layouts)', tally);
    t.diagnostic(line);
    console.log(line);
    assert.ok(tally.cases >= 40, `expected at least 40 layout cases, ran ${tally.cases}`);
    assert.equal(tally.bugs.length, 0, formatBugs(tally.bugs));
  });

  it('through the CLI: exit 0 + JSON, or exit 2 + one "strata: " line; bounded time and memory', {
    timeout: 240_000,
  }, async (t) => {
    assert.ok(
      fs.existsSync(path.join(ROOT, 'dist', 'cli', 'main.js')),
      'dist/cli/main.js is missing: run `npm run build` first',
    );
    const sample: { c: FuzzCase; mode: 'json' | 'text' }[] = [];
    let i = 0;
    for (const c of fuzzCases(fixtures, QUICK_PLAN)) {
      if (i % CLI_EVERY === 0) sample.push({ c, mode: 'json' });
      else if (i % CLI_TEXT_EVERY === 0) sample.push({ c, mode: 'text' });
      i++;
    }
    const problems: { name: string; outcome: string; message: string }[] = [];
    const codes: Record<string, number> = {};
    let peakKb = 0;
    let slowest = 0;
    // Two at a time: the machines here have two cores.
    let next = 0;
    const worker = async () => {
      while (next < sample.length) {
        const k = next++;
        const { c, mode } = sample[k];
        const f = path.join(scratch, `cli-${k}.tar`);
        fs.writeFileSync(f, c.bytes());
        const r = await runCliMeasured(mode === 'json' ? [f, '--json', '--no-cache'] : [f, '--no-cache'], {
          timeoutMs: CLI_TIMEOUT_MS,
        });
        fs.rmSync(f, { force: true });
        codes[String(r.code)] = (codes[String(r.code)] ?? 0) + 1;
        peakKb = Math.max(peakKb, r.maxRssKb ?? 0);
        slowest = Math.max(slowest, r.ms);
        const v = cliContractViolation(r, mode);
        if (v) problems.push({ name: `${c.name} (${mode})`, outcome: 'bug', message: v });
        else if (r.maxRssKb !== null && r.maxRssKb > MAX_CLI_RSS_MB * 1024)
          problems.push({ name: c.name, outcome: 'bug', message: `peak RSS ${r.maxRssKb} kB` });
      }
    };
    await Promise.all([worker(), worker()]);
    const line =
      `fuzz through the CLI: ${sample.length} cases, exit codes ${JSON.stringify(codes)}, ` +
      `${problems.length} contract violations; slowest ${Math.round(slowest)} ms; ` +
      `peak RSS ${Math.round(peakKb / 1024)} MB`;
    t.diagnostic(line);
    console.log(line);
    assert.ok(sample.length >= 50, `expected at least 50 CLI cases, ran ${sample.length}`);
    assert.equal(problems.length, 0, formatBugs(problems));
  });
});
