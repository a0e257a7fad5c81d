/**
 * The long differential run: random images written by real tar writers, Strata's `--json --files`
 * against the GNU tar reference (test/support/differential/, test/integration/differential/).
 *
 *   node --import tsx bench/differential.ts [--seed N] [--cases M] [--docker-every K] [--keep DIR]
 *                                           [--case-seed S] [--quiet]
 *
 * --seed N         run seed (default 1); case i has seed caseSeed(N, i), printed with every mismatch
 * --cases M        number of cases (default 200)
 * --docker-every K every Kth case goes through the Docker Engine (docker load + docker build with
 *                  COPY and RUN steps + docker save); default 10, 0 = never
 * --case-seed S    run the one case with this seed (add --docker for a Docker case)
 * --keep DIR       keep the archive of every case that disagrees in DIR
 * --writers A,B    draw layer writers from this list only (see WRITERS in generate.ts)
 * --ascii-names    printable ASCII names only: the classes of mismatch that are not about name bytes
 * STRATA_BIN       the Strata launcher under test (default: bin/strata.js of this checkout)
 *
 * Prints each disagreeing case with a minimal diff, then the mismatch classes with the first case
 * seed of each; exits 1 when any case disagrees.
 */
import {
  STRATA_BIN,
  classes,
  formatResult,
  runCase,
  runMany,
  type CaseResult,
} from '../test/support/differential/harness.js';
import { WRITERS, type WriterId } from '../test/support/differential/generate.js';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const argv = process.argv.slice(2);
const opt = (name: string, def: number) => {
  const i = argv.indexOf(name);
  return i >= 0 ? Number(argv[i + 1]) : def;
};
const str = (name: string) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const quiet = argv.includes('--quiet');
const keepDir = str('--keep');
const writers = str('--writers')?.split(',') as WriterId[] | undefined;
for (const w of writers ?? [])
  if (!WRITERS.includes(w)) throw new Error(`unknown writer ${w}; one of ${WRITERS.join(' ')}`);
const asciiNames = argv.includes('--ascii-names');
const t0 = performance.now();

let results: CaseResult[];
if (str('--case-seed') !== undefined) {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-difftest-'));
  try {
    results = [
      await runCase(Number(str('--case-seed')), {
        scratch,
        keepDir,
        docker: argv.includes('--docker'),
        writers,
        asciiNames,
      }),
    ];
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  const r = results[0];
  console.log(formatResult(r, 1000));
  for (const s of r.skips) console.log(`  writer skip: ${s}`);
  for (const n of r.notes) console.log(`  reference note: ${n}`);
} else {
  const seed = opt('--seed', 1);
  const cases = opt('--cases', 200);
  console.log(`differential: seed ${seed}, ${cases} cases, Strata ${STRATA_BIN}`);
  results = await runMany({
    seed,
    cases,
    dockerEvery: opt('--docker-every', 10),
    keepDir,
    writers,
    asciiNames,
    onCase: (r, i) => {
      if (r.mismatches.length && !quiet) {
        console.log(formatResult(r));
        for (const s of r.skips) console.log(`  writer skip: ${s}`);
      } else if (!quiet && i % 20 === 19) console.log(`  ${i + 1} cases`);
    },
  });
}
const bad = results.filter((r) => r.mismatches.length > 0);
const skips = results.flatMap((r) => r.skips);
console.log(
  `\n${results.length} cases, ${bad.length} disagree, ${skips.length} layer(s) re-written by the fallback writer, ` +
    `${((performance.now() - t0) / 1000).toFixed(1)} s`,
);
if (bad.length) {
  console.log('mismatch classes (cases, first case seed, example):');
  for (const c of classes(results))
    console.log(`  ${c.cls}: ${c.cases} case(s), case seed ${c.firstSeed} (${c.writer ?? '-'}): ${c.example}`);
}
if (skips.length && !quiet) {
  const why = new Map<string, number>();
  for (const s of skips) {
    const k = s.replace(/^layer \d+: /, '').replace(/'[^']*'|"[^"]*"/g, '…');
    why.set(k, (why.get(k) ?? 0) + 1);
  }
  console.log('writer refusals:');
  for (const [k, n] of why) console.log(`  ${n}x ${k}`);
}
process.exitCode = bad.length ? 1 : 0;
