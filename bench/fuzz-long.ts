/**
 * The long fuzz run: the harness of test/integration/robustness/fuzz.test.ts with many more
 * cases, plus the 1 000 000-entry memory check that is too slow for the normal test run.
 *
 *   node --import tsx bench/fuzz-long.ts [--scale N] [--seed S] [--no-million] [--cli-every K]
 *
 * --scale N      multiplies every per-fixture count of the quick plan (default 8); every fixture
 *                is also truncated at every 512-byte block boundary (big ones included)
 * --seed S       PRNG seed (default: the quick plan's)
 * --cli-every K  also run every Kth case through the real CLI (default 50; 0 = none)
 * --no-million   skip the 1 000 000-entry layer
 * Prints one summary line per part and exits 1 when any case broke the contract.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
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
  type FuzzPlan,
} from '../test/support/fuzz-harness.js';
import { writeManyEntriesLayer, writeOciArchiveAroundBlob } from '../test/support/hostile/build.js';
import { runCliMeasured } from '../test/support/cli.js';

const argv = process.argv.slice(2);
const opt = (name: string, def: number) => {
  const i = argv.indexOf(name);
  return i >= 0 ? Number(argv[i + 1]) : def;
};
const scale = opt('--scale', 8);
const seed = opt('--seed', QUICK_PLAN.seed);
const cliEvery = opt('--cli-every', 50);
const million = !argv.includes('--no-million');

const plan: FuzzPlan = {
  seed,
  smallBytes: Number.MAX_SAFE_INTEGER, // every block boundary of every fixture
  bigTruncations: 0,
  flipsPerFixture: QUICK_PLAN.flipsPerFixture * scale,
  headerFlipsPerFixture: QUICK_PLAN.headerFlipsPerFixture * scale,
  jsonFlipsPerFixture: QUICK_PLAN.jsonFlipsPerFixture * scale,
  blobFlipsPerBlob: QUICK_PLAN.blobFlipsPerBlob * scale,
  blobTruncationsPerBlob: QUICK_PLAN.blobTruncationsPerBlob * scale,
  innerFlipsPerLayer: QUICK_PLAN.innerFlipsPerLayer * scale,
  innerTruncationsPerLayer: QUICK_PLAN.innerTruncationsPerLayer * scale,
  zeroRunsPerFixture: QUICK_PLAN.zeroRunsPerFixture * scale,
  splicesPerFixture: QUICK_PLAN.splicesPerFixture * scale,
};

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-fuzz-long-'));
let failed = false;
const t0 = performance.now();

try {
  // 1. In-process, every case; every Kth also through the CLI.
  const tally = newTally();
  const cli = { cases: 0, violations: [] as string[], codes: {} as Record<string, number>, peakKb: 0 };
  let i = 0;
  for (const c of fuzzCases(fixtureArchives(), plan)) {
    const f = writeCase(scratch, c, i);
    record(tally, c, await runInProcess(f, 10_000));
    if (cliEvery > 0 && i % cliEvery === 0) {
      const r = await runCliMeasured([f, '--json', '--no-cache'], { timeoutMs: 30_000 });
      cli.cases++;
      cli.codes[String(r.code)] = (cli.codes[String(r.code)] ?? 0) + 1;
      cli.peakKb = Math.max(cli.peakKb, r.maxRssKb ?? 0);
      const v = cliContractViolation(r);
      if (v) cli.violations.push(`${c.name}: ${v}`);
    }
    fs.rmSync(f, { force: true });
    i++;
    if (i % 1000 === 0) process.stderr.write(`  ${i} cases...\n`);
  }
  console.log(summaryLine(`archives (scale ${scale}, seed 0x${seed.toString(16)})`, tally));
  console.log(`  by class: ${JSON.stringify(tally.byClass)}`);
  console.log(
    `CLI sample: ${cli.cases} cases, exit codes ${JSON.stringify(cli.codes)}, ` +
      `${cli.violations.length} contract violations, peak RSS ${Math.round(cli.peakKb / 1024)} MB`,
  );
  for (const b of tally.bugs.slice(0, 30)) console.log(`  BUG [${b.outcome}] ${b.name}: ${b.message.slice(0, 200)}`);
  for (const v of cli.violations.slice(0, 30)) console.log(`  CLI ${v.slice(0, 300)}`);
  if (tally.bugs.length || cli.violations.length) failed = true;

  // 2. OCI layout directories with corrupted blobs.
  const lt = newTally();
  let k = 0;
  for (const c of layoutCases(fixtureArchives(), plan, 3 * scale)) {
    const dir = path.join(scratch, `layout-${k++}`);
    fs.mkdirSync(dir);
    c.write(dir);
    record(lt, { name: c.name, cls: 'blob-flip', bytes: () => Buffer.alloc(0) }, await runInProcess(dir, 10_000));
    fs.rmSync(dir, { recursive: true, force: true });
  }
  console.log(summaryLine('OCI layouts', lt));
  for (const b of lt.bugs.slice(0, 30)) console.log(`  BUG [${b.outcome}] ${b.name}: ${b.message.slice(0, 200)}`);
  if (lt.bugs.length) failed = true;

  // 3. One layer of 1 000 000 entries through the CLI: peak RSS.
  if (million) {
    const blob = path.join(scratch, 'million.blob');
    const file = path.join(scratch, 'million.tar');
    const b = await writeManyEntriesLayer(blob, 1_000_000);
    await writeOciArchiveAroundBlob(file, blob, b);
    fs.rmSync(blob);
    for (const args of [['--json'], ['--json', '--files']]) {
      const r = await runCliMeasured([file, ...args, '--no-cache'], { timeoutMs: 600_000 });
      const ok = r.code === 0 && JSON.parse(r.stdout).layers[0].added.count === 1_001_000;
      console.log(
        `1 000 000 entries [${args.join(' ')}]: exit ${r.code}, ${ok ? 'report ok' : 'REPORT WRONG'}, ` +
          `${Math.round(r.ms)} ms, peak RSS ${Math.round((r.maxRssKb ?? 0) / 1024)} MB, ` +
          `stdout ${(r.stdout.length / 1e6).toFixed(1)} MB`,
      );
      if (!ok) failed = true;
    }
  }
} finally {
  fs.rmSync(scratch, { recursive: true, force: true });
}
console.log(`total ${Math.round((performance.now() - t0) / 1000)} s`);
process.exit(failed ? 1 : 0);
