// The advice's cost, measured before/after in one run on a generated ~100 000-entry image
// (bench/gen-advice-image.py): `strata ARCHIVE --json --no-cache` of the commit before the advice
// (BENCH_BEFORE, default the merge base with main) against the current build, interleaved, the
// median of BENCH_RUNS rounds of wall time and peak RSS; then, in this process, the load (the
// analysis) and the advice computed on it, timed, with the memory each adds.
//
//   node --expose-gc --import tsx bench/advice.ts        (writes bench/out/advice-results.json)
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { median, run, TIME_BIN } from './lib/proc.js';
import { loadImage } from '../src/sources/load.js';
import { computeAdvice } from '../src/model/advice.js';
import { BIN, ROOT } from '../test/support/paths.js';

const BENCH = join(ROOT, 'bench');
const OUT = join(BENCH, 'out');
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 5) || 5);
const log = (s: string) => process.stderr.write(`bench: ${s}\n`);

function beforeBuild(): string {
  const rev =
    process.env.BENCH_BEFORE ??
    execFileSync('git', ['-C', ROOT, 'merge-base', 'HEAD', 'main'], { encoding: 'utf8' }).trim();
  const dir = join(OUT, `before-${rev.slice(0, 12)}`);
  if (!existsSync(join(dir, 'dist', 'cli', 'main.js'))) {
    log(`building the "before" program from ${rev}`);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    execFileSync('sh', [
      '-c',
      `git -C "${ROOT}" archive ${rev} bin src tsconfig.json package.json | tar -x -C "${dir}"`,
    ]);
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
    execFileSync(join(ROOT, 'node_modules', '.bin', 'tsc'), ['-p', join(dir, 'tsconfig.json')], { stdio: 'inherit' });
  }
  return join(dir, 'bin', 'strata.js');
}

/** One CLI run under GNU time: wall ms, CPU ms (user + system) and peak RSS in MB. */
async function timed(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ ms: number; cpuMs: number; rssMB: number; code: number | null; stderr: string }> {
  const file = join(OUT, `advice-time-${process.pid}`);
  const r = await run(TIME_BIN, ['-f', '%U %S %M', '-o', file, process.execPath, ...args], { env });
  const last = readFileSync(file, 'utf8').trim().split('\n').pop() ?? '';
  rmSync(file, { force: true });
  const [u, sy, m] = last.split(' ').map(Number);
  return { ms: r.ms, cpuMs: (u + sy) * 1000, rssMB: (m * 1024) / 1e6, code: r.code, stderr: r.stderr };
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const archive = join(OUT, 'advice-image.tar');
  if (!existsSync(archive)) {
    log('generating the image');
    execFileSync('python3', [join(BENCH, 'gen-advice-image.py'), archive], { stdio: 'inherit' });
  }
  const before = beforeBuild();
  const after = BIN;
  const env = { ...process.env, STRATA_NO_CACHE: '1' };
  const fresh = () => ({ ms: [] as number[], cpu: [] as number[], rss: [] as number[] });
  const samples = { before: fresh(), after: fresh() };
  const warm = { before: fresh(), after: fresh() };
  // The same image on the Engine, for the runs the cache answers (inspect only, no export).
  const tag = 'strata-bench/advice:1';
  let engine = true;
  try {
    execFileSync('docker', ['image', 'inspect', tag], { stdio: 'ignore' });
  } catch {
    try {
      log(`docker load -i ${archive}`);
      execFileSync('docker', ['load', '-i', archive], { stdio: 'ignore' });
    } catch {
      engine = false;
    }
  }
  const cacheOf = (which: string) => join(OUT, `advice-cache-${which}`);
  if (engine) {
    for (const [which, bin] of [
      ['before', before],
      ['after', after],
    ] as const) {
      rmSync(cacheOf(which), { recursive: true, force: true });
      const fill = await run(process.execPath, [bin, tag, '--json'], {
        env: { ...process.env, STRATA_CACHE_DIR: cacheOf(which) },
      });
      if (fill.code !== 0) throw new Error(`${which}: filling the cache: exit ${fill.code}: ${fill.stderr}`);
    }
  }
  for (let r = 0; r < RUNS; r++) {
    const order = r % 2 === 0 ? (['before', 'after'] as const) : (['after', 'before'] as const);
    for (const which of order) {
      const res = await timed([which === 'before' ? before : after, archive, '--json', '--no-cache'], env);
      if (res.code !== 0) throw new Error(`${which}: exit ${res.code}: ${res.stderr}`);
      samples[which].ms.push(res.ms);
      samples[which].cpu.push(res.cpuMs);
      samples[which].rss.push(res.rssMB);
      log(
        `round ${r + 1} ${which}: ${(res.ms / 1000).toFixed(2)} s, ` +
          `cpu ${(res.cpuMs / 1000).toFixed(2)} s, ${res.rssMB.toFixed(0)} MB`,
      );
      if (!engine) continue;
      const cachedRun = () =>
        timed([which === 'before' ? before : after, tag, '--json'], {
          ...process.env,
          STRATA_CACHE_DIR: cacheOf(which),
        });
      let w = await cachedRun();
      // The Engine is shared with other work on this machine: one retry after a dropped connection.
      if (w.code !== 0) w = await cachedRun();
      if (w.code !== 0) throw new Error(`${which} (cached): exit ${w.code}: ${w.stderr}`);
      warm[which].ms.push(w.ms);
      warm[which].cpu.push(w.cpuMs);
      warm[which].rss.push(w.rssMB);
      log(
        `round ${r + 1} ${which}, cached: ${(w.ms / 1000).toFixed(2)} s, ` +
          `cpu ${(w.cpuMs / 1000).toFixed(2)} s, ${w.rssMB.toFixed(0)} MB`,
      );
    }
  }
  // In process: the analysis, then the advice on it.
  const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
  const mem = () => {
    gc();
    const m = process.memoryUsage();
    return m.heapUsed + m.arrayBuffers;
  };
  const cpu = () => {
    const c = process.cpuUsage();
    return (c.user + c.system) / 1000;
  };
  const inproc = {
    loadMs: [] as number[],
    adviceMs: [] as number[],
    loadCpuMs: [] as number[],
    adviceCpuMs: [] as number[],
    analysisBytes: 0,
    adviceRetainedBytes: 0,
    adviceRssGrowth: 0,
    entries: 0,
    items: 0,
  };
  for (let r = 0; r < RUNS; r++) {
    const m0 = mem();
    const t0 = performance.now();
    const c0 = cpu();
    const img = await loadImage({ kind: 'archive', path: archive, ref: archive }, {});
    const t1 = performance.now();
    const c1 = cpu();
    const m1 = mem();
    const rss1 = process.memoryUsage().rss;
    const c2 = cpu();
    const t15 = performance.now();
    const advice = computeAdvice(img.analysis);
    const t2 = performance.now();
    inproc.loadCpuMs.push(c1 - c0);
    inproc.adviceCpuMs.push(cpu() - c2);
    const rss2 = process.memoryUsage().rss;
    const m2 = mem();
    inproc.loadMs.push(t1 - t0);
    inproc.adviceMs.push(t2 - t15);
    inproc.analysisBytes = Math.max(inproc.analysisBytes, m1 - m0);
    inproc.adviceRetainedBytes = Math.max(inproc.adviceRetainedBytes, m2 - m1);
    inproc.adviceRssGrowth = Math.max(inproc.adviceRssGrowth, rss2 - rss1);
    inproc.entries = img.analysis.table.size;
    inproc.items = advice.items.length;
    log(
      `in process ${r + 1}: load ${(t1 - t0).toFixed(0)} ms (cpu ${(c1 - c0).toFixed(0)}), ` +
        `advice ${(t2 - t15).toFixed(0)} ms (cpu ${inproc.adviceCpuMs[r].toFixed(0)})`,
    );
  }
  const res = {
    archive,
    paths: inproc.entries,
    adviceItems: inproc.items,
    cli: {
      beforeMs: median(samples.before.ms),
      afterMs: median(samples.after.ms),
      beforeCpuMs: median(samples.before.cpu),
      afterCpuMs: median(samples.after.cpu),
      beforeRssMB: median(samples.before.rss),
      afterRssMB: median(samples.after.rss),
      samples,
    },
    cached: engine
      ? {
          beforeMs: median(warm.before.ms),
          afterMs: median(warm.after.ms),
          beforeCpuMs: median(warm.before.cpu),
          afterCpuMs: median(warm.after.cpu),
          beforeRssMB: median(warm.before.rss),
          afterRssMB: median(warm.after.rss),
          samples: warm,
        }
      : null,
    inProcess: {
      loadMs: median(inproc.loadMs),
      adviceMs: median(inproc.adviceMs),
      loadCpuMs: median(inproc.loadCpuMs),
      adviceCpuMs: median(inproc.adviceCpuMs),
      firstAdviceCpuMs: inproc.adviceCpuMs[0],
      analysisMB: inproc.analysisBytes / 1e6,
      adviceRetainedMB: inproc.adviceRetainedBytes / 1e6,
      adviceRssGrowthMB: inproc.adviceRssGrowth / 1e6,
    },
  };
  writeFileSync(join(OUT, 'advice-results.json'), `${JSON.stringify(res, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(res, (k, v) => (k === 'samples' ? undefined : v), 2)}\n`);
}

main().catch((e) => {
  process.stderr.write(`bench: ${(e as Error).message}\n`);
  process.exit(1);
});
