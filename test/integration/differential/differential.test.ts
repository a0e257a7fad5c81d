/**
 * Differential test: random small images whose layers are written by real tar writers (GNU tar in
 * every --format and --sparse, bsdtar, Python's tarfile, the Docker Engine's own build steps),
 * compressed none/gzip/zstd, as docker-archive and OCI archive. Strata's `--json --files` must
 * agree with a reading by GNU tar (reference.py) on every layer's change set, sizes and file rows.
 *
 * A fixed seed and a modest count here; any seed and many cases: `node --import tsx
 * bench/differential.ts --seed N --cases M` (bench/README.md). Each failure names the case seed;
 * `bench/differential.ts --case-seed S [--docker]` replays that one case with its full diff.
 * DIFFTEST_SEED, DIFFTEST_CASES and DIFFTEST_DOCKER_EVERY override the figures below;
 * STRATA_BIN points the test at another build.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { spawnSync } from 'node:child_process';
import { classes, formatResult, runMany, STRATA_BIN, type CaseResult } from '../../support/differential/harness.js';

const SEED = Number(process.env.DIFFTEST_SEED ?? 20261128);
const CASES = Number(process.env.DIFFTEST_CASES ?? 14);
/** Every 7th case goes through the Docker Engine (2 of the 14). */
const DOCKER_EVERY = Number(process.env.DIFFTEST_DOCKER_EVERY ?? 7);

const missing = ['tar', 'bsdtar', 'zstd', 'python3'].filter((t) => spawnSync(t, ['--version']).status !== 0);

describe('differential: Strata against a GNU tar reading of generated images', () => {
  const writers = missing.length ? `missing: ${missing.join(', ')}` : 'GNU tar, bsdtar, zstd, python3';
  it(`the writers are installed (${writers})`, () => {
    assert.deepEqual(missing, [], 'install GNU tar, libarchive-tools (bsdtar), zstd and python3');
  });

  it(`seed ${SEED}: ${CASES} cases agree with the reference`, { timeout: 600_000 }, async (t) => {
    const results: CaseResult[] = await runMany({ seed: SEED, cases: CASES, dockerEvery: DOCKER_EVERY });
    const bad = results.filter((r) => r.mismatches.length > 0);
    const viaDocker = results.filter((r) => r.description.includes('(docker save')).length;
    const writers = new Set(results.flatMap((r) => [...r.description.matchAll(/\d+:([^/\s]+)\//g)].map((m) => m[1])));
    t.diagnostic(
      `Strata: ${STRATA_BIN}; ${results.length} cases, ${viaDocker} through the Docker Engine, ${writers.size} writers`,
    );
    for (const r of results) for (const s of r.skips) t.diagnostic(`case seed ${r.seed}: ${s}`);
    assert.equal(results.length, CASES);
    assert.ok(writers.size >= 5, `expected a mix of writers, got ${[...writers].join(', ')}`);
    const summary = classes(results)
      .map((c) => `  ${c.cls}: ${c.cases} case(s), e.g. case seed ${c.firstSeed} (${c.writer ?? '-'}): ${c.example}`)
      .join('\n');
    assert.equal(
      bad.length,
      0,
      `${bad.length} of ${results.length} cases disagree with the reference.\nClasses:\n${summary}\n\n` +
        bad
          .slice(0, 6)
          .map((r) => formatResult(r, 5))
          .join('\n'),
    );
  });
});
