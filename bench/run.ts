// `npm run bench`: the speed and memory benchmark (bench/README.md). Builds or reuses the benchmark
// image, then measures in one run, interleaved (the order rotates every round), the median of BENCH_RUNS rounds:
//   (a) docker save IMAGE > /dev/null                       the floor for reading the Engine export
//   (b) strata IMAGE --json --no-cache > /dev/null          cold analysis from the Engine
//   (c) strata IMAGE --json > /dev/null, warm cache         the second look
//   (d) strata ARCHIVE --json --no-cache > /dev/null        on the image's `docker save` archive
//   floor: tar -tvf of every layer blob + sha256sum of all layer bytes (sequential sum)
//   (e) peak RSS of (b) (GNU time %M)
//   (f) TUI first frame and keypress latency, from bench/tui-latency.ts when it exists
// and writes bench/out/results.json and the tables in bench/README.md.
//
// Also timed, for reference: the export read by Node itself (time to first byte and to the end).
//
// Environment: BENCH_RUNS (rounds, default 3), BENCH_IMAGE (default strata-bench/app:1, built by
// build-image.sh; another image must already exist), STRATA_BIN (default bin/strata.js),
// BENCH_NO_README=1 (leave README.md alone), BENCH_QUIET_WAIT_S (how long to wait for an idle machine
// before each timed command, default 30; 0 = do not wait).
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildImage, prepareImage } from './lib/image.js';
import { readExport } from './lib/engine-read.js';
import { describeMachine } from './lib/machine.js';
import { capture, firstLine, median, run, TIME_BIN, type RunResult } from './lib/proc.js';
import { waitQuiet } from './lib/quiet.js';
import { consoleSummary, MB, target, updateReadme, type Measure, type Results } from './lib/report.js';
import { BIN, ROOT } from '../test/support/paths.js';

const BENCH = join(ROOT, 'bench');
const OUT = join(BENCH, 'out');
const DEFAULT_IMAGE = 'strata-bench/app:1';
const IMAGE = process.env.BENCH_IMAGE || DEFAULT_IMAGE;
const RUNS = Math.max(1, Math.floor(Number(process.env.BENCH_RUNS ?? 3)) || 3);
const QUIET_WAIT_MS = 1000 * Math.max(0, Number(process.env.BENCH_QUIET_WAIT_S ?? 30) || 0);
let STRATA = resolve(process.env.STRATA_BIN || BIN);
const CACHE_WARM = join(OUT, 'cache-warm'); // filled once, then read by (c)
const CACHE_OFF = join(OUT, 'cache-off'); // given to --no-cache runs: must stay empty

const log = (s: string) => process.stderr.write(`bench: ${s}\n`);

/**
 * Copies bin/ and dist/ to bench/out/strata-snapshot/ and measures that copy, so that a rebuild of
 * dist/ during the run (the test suite builds) cannot change the program between samples.
 * Packages still resolve from the project's node_modules (Node walks up from the snapshot).
 */
function snapshotStrata(): string {
  const snap = join(OUT, 'strata-snapshot');
  rmSync(snap, { recursive: true, force: true });
  mkdirSync(snap, { recursive: true });
  cpSync(join(ROOT, 'bin'), join(snap, 'bin'), { recursive: true });
  cpSync(join(ROOT, 'dist'), join(snap, 'dist'), { recursive: true });
  if (existsSync(join(ROOT, 'assets'))) symlinkSync(join(ROOT, 'assets'), join(snap, 'assets'));
  writeFileSync(join(snap, 'package.json'), '{ "type": "module" }\n');
  return join(snap, 'bin', 'strata.js');
}

async function strataVersion(): Promise<string> {
  try {
    const head = (await capture('git', ['-C', ROOT, 'log', '-1', '--format=%h %s'])).trim();
    const dirty = (await capture('git', ['-C', ROOT, 'status', '--porcelain', '--', 'src', 'bin'])).trim() !== '';
    return `${head}${dirty ? ' (with uncommitted changes in src/ or bin/)' : ''}`;
  } catch {
    return 'unknown';
  }
}

const ENGINE_WAIT_MS = 180_000;

async function engineUp(): Promise<boolean> {
  try {
    await capture('docker', ['version', '--format', '{{.Server.Version}}']);
    return true;
  } catch {
    return false;
  }
}

async function waitEngine(maxMs: number): Promise<boolean> {
  const until = Date.now() + maxMs;
  while (Date.now() < until) {
    if (await engineUp()) return true;
    await new Promise((r) => setTimeout(r, 2000));
  }
  return false;
}

function measure(key: string, label: string, unit: 'ms' | 'MB' = 'ms'): Measure {
  return { key, label, samples: [], unit };
}

function strata(
  args: string[],
  cacheHome: string,
  opts: { rss?: boolean; stdoutTo?: string } = {},
): Promise<RunResult> {
  return run(process.execPath, [STRATA, ...args], { ...opts, env: { ...process.env, XDG_CACHE_HOME: cacheHome } });
}

function failure(r: RunResult): string | undefined {
  if (r.code === 0) return undefined;
  return `exit ${r.code ?? r.signal}: ${firstLine(r.stderr) || '(no stderr)'}`;
}

/** Two reports of one image must agree apart from `source`, whatever the route; names the first keys that differ. */
function compareReports(a: string, b: string): string | undefined {
  let x: Record<string, unknown>, y: Record<string, unknown>;
  try {
    x = JSON.parse(readFileSync(a, 'utf8'));
    y = JSON.parse(readFileSync(b, 'utf8'));
  } catch (e) {
    return `unparseable JSON (${(e as Error).message})`;
  }
  const diffs: string[] = [];
  for (const k of new Set([...Object.keys(x), ...Object.keys(y)])) {
    if (k === 'source') continue;
    const [u, v] = [x[k], y[k]];
    if (JSON.stringify(u) === JSON.stringify(v)) continue;
    if (u && v && typeof u === 'object' && typeof v === 'object' && !Array.isArray(u)) {
      const sub = [...new Set([...Object.keys(u), ...Object.keys(v)])].filter(
        (s) => JSON.stringify((u as never)[s]) !== JSON.stringify((v as never)[s]),
      );
      diffs.push(`${k}.{${sub.join(',')}}`);
    } else if (Array.isArray(u) && Array.isArray(v)) {
      const i = u.findIndex((e, n) => JSON.stringify(e) !== JSON.stringify(v[n]));
      diffs.push(`${k}[${i < 0 ? u.length : i}] (lengths ${u.length}/${v.length})`);
    } else diffs.push(k);
  }
  return diffs.length ? diffs.join('; ') : undefined;
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  if (IMAGE === DEFAULT_IMAGE) await buildImage(BENCH);
  const img = await prepareImage(IMAGE, OUT);
  const blobs = img.layers.map((l) => l.blob);
  const machine = await describeMachine();
  const checks: string[] = [];

  const m = {
    a: measure('a', '`docker save IMAGE > /dev/null`'),
    aNode: measure('a.node', '  for reference: the same export read by Node over the socket, discarded'),
    aFirst: measure('a.first', '  of which waiting for its first byte'),
    b: measure('b', '`strata IMAGE --json --no-cache`'),
    c: measure('c', '`strata IMAGE --json`, warm cache'),
    d: measure('d', '`strata ARCHIVE --json --no-cache`'),
    floor: measure('floor', 'floor of (d): `tar -tvf` every layer + `sha256sum` all layers'),
    floorTar: measure('floor.tar', '  of which `tar -tvf` of every layer'),
    floorSha: measure('floor.sha', '  of which `sha256sum` of every layer'),
    e: measure('e', 'peak RSS of (b)', 'MB'),
    eArchive: measure('e.d', 'peak RSS of (d), for reference', 'MB'),
    f1: measure('f.first', 'TUI: launch to first frame with the layer stack'),
    f2: measure('f.key', 'TUI: keypress to frame, median'),
    f3: measure('f.p95', 'TUI: keypress to frame, p95'),
  };
  const noteAll = (keys: (keyof typeof m)[], note: string) => {
    for (const k of keys) m[k].note ??= note;
  };

  // Strata is measured only once it is built and analyses this image at all.
  let strataOk =
    existsSync(STRATA) && (process.env.STRATA_BIN !== undefined || existsSync(join(ROOT, 'dist', 'cli', 'main.js')));
  if (!strataOk) noteAll(['b', 'c', 'd', 'e', 'eArchive'], 'CLI not built yet (no dist/cli/main.js)');
  else if (process.env.STRATA_BIN === undefined) STRATA = snapshotStrata();
  const strataAt = strataOk ? await strataVersion() : 'not built';
  if (strataOk) checks.push(`Strata measured: ${strataAt}`);
  const rss = existsSync(TIME_BIN);
  if (!rss) noteAll(['e', 'eArchive'], `${TIME_BIN} missing (apt-get install time)`);

  if (strataOk) {
    // Warm-up round, which also checks what is being timed: the three ways give the same report,
    // the cache is filled, and --no-cache leaves its cache directory untouched.
    rmSync(CACHE_WARM, { recursive: true, force: true });
    rmSync(CACHE_OFF, { recursive: true, force: true });
    const reports = {
      engine: join(OUT, 'report-engine.json'),
      cached: join(OUT, 'report-cached.json'),
      archive: join(OUT, 'report-archive.json'),
    };
    log('warm-up: strata IMAGE --json (fills the cache)');
    const fill = await strata([IMAGE, '--json'], CACHE_WARM, { stdoutTo: reports.engine });
    const fillErr = failure(fill);
    if (fillErr) {
      strataOk = false;
      noteAll(['b', 'c', 'd', 'e', 'eArchive'], `strata failed on the image: ${fillErr}`);
      checks.push(`strata IMAGE --json failed: ${fillErr}`);
    } else {
      checks.push(`first run with an empty cache (analysis + cache writes): ${(fill.ms / 1000).toFixed(2)} s`);
      log('warm-up: strata IMAGE --json (cached) and strata ARCHIVE --json --no-cache');
      const cached = await strata([IMAGE, '--json'], CACHE_WARM, { stdoutTo: reports.cached });
      const arch = await strata([img.archive, '--json', '--no-cache'], CACHE_OFF, { stdoutTo: reports.archive });
      for (const [name, r, file] of [
        ['cached', cached, reports.cached],
        ['archive', arch, reports.archive],
      ] as const) {
        const err = failure(r);
        if (err) checks.push(`${name} run failed: ${err}`);
        else {
          const diff = compareReports(reports.engine, file);
          checks.push(
            diff
              ? `report from the ${name} run differs from the Engine run's in ${diff}`
              : `report from the ${name} run equals the Engine run's (apart from source)`,
          );
        }
      }
      try {
        const rep = JSON.parse(readFileSync(reports.engine, 'utf8'));
        const ids: string[] = (rep.layers ?? []).map((l: { diffId: string }) => l.diffId);
        checks.push(
          JSON.stringify(ids) === JSON.stringify(img.info.diffIds)
            ? `the report's ${ids.length} layer diffIds match inspect`
            : `the report's layer diffIds (${ids.length}) do not match inspect's (${img.info.diffIds.length})`,
        );
      } catch {
        // unparseable: compareReports said so
      }
    }
  }

  // Each step records its samples and returns an error line, or undefined when it succeeded.
  const steps: [string, keyof typeof m, () => Promise<string | undefined>][] = [
    [
      'a',
      'a',
      async () => {
        const r = await run('docker', ['save', IMAGE]);
        const err = failure(r);
        if (!err) m.a.samples.push(r.ms);
        return err;
      },
    ],
    [
      'a.node',
      'aNode',
      async () => {
        try {
          const r = await readExport(IMAGE);
          m.aNode.samples.push(r.totalMs);
          m.aFirst.samples.push(r.firstByteMs);
          return undefined;
        } catch (e) {
          return (e as Error).message;
        }
      },
    ],
    [
      'floor',
      'floor',
      async () => {
        let tarMs = 0;
        for (const b of blobs) tarMs += (await run('tar', ['-tvf', b])).ms;
        const sha = await run('sha256sum', blobs);
        m.floorTar.samples.push(tarMs);
        m.floorSha.samples.push(sha.ms);
        m.floor.samples.push(tarMs + sha.ms);
        return undefined;
      },
    ],
  ];
  if (strataOk) {
    steps.push(
      [
        'b',
        'b',
        async () => {
          const r = await strata([IMAGE, '--json', '--no-cache'], CACHE_OFF, { rss });
          const err = failure(r);
          if (!err) m.b.samples.push(r.ms);
          if (!err && r.maxRssKiB !== undefined) m.e.samples.push((r.maxRssKiB * 1024) / MB);
          return err;
        },
      ],
      [
        'c',
        'c',
        async () => {
          const r = await strata([IMAGE, '--json'], CACHE_WARM);
          const err = failure(r);
          if (!err) m.c.samples.push(r.ms);
          return err;
        },
      ],
      [
        'd',
        'd',
        async () => {
          const r = await strata([img.archive, '--json', '--no-cache'], CACHE_OFF, { rss });
          const err = failure(r);
          if (!err) m.d.samples.push(r.ms);
          if (!err && r.maxRssKiB !== undefined) m.eArchive.samples.push((r.maxRssKiB * 1024) / MB);
          return err;
        },
      ],
    );
  }
  const noisy: string[] = [];
  const noisySteps = new Set<string>();
  for (let round = 0; round < RUNS; round++) {
    const order = steps.map((_, i) => steps[(i + round) % steps.length]);
    for (const [name, key, step] of order) {
      if (QUIET_WAIT_MS > 0) {
        const q = await waitQuiet(QUIET_WAIT_MS);
        if (!q.quiet) {
          noisy.push(
            `round ${round + 1} ${name}: ${(q.busy * 100).toFixed(0)}% of the CPUs busy ` +
              `after waiting ${(q.waitedMs / 1000).toFixed(0)} s`,
          );
          noisySteps.add(name);
        }
      }
      log(`round ${round + 1}/${RUNS}: ${name}`);
      let err = await step();
      // The Engine may be restarted under us (a test suite that stops the daemon): wait for it to
      // come back and take the sample again, once.
      if (err && !(await engineUp())) {
        log(`the Engine is unreachable; waiting up to ${ENGINE_WAIT_MS / 1000} s for it`);
        if (await waitEngine(ENGINE_WAIT_MS)) {
          checks.push(`round ${round + 1} ${name}: the Engine went away and came back; sample retaken`);
          noisySteps.add(name);
          err = await step();
        }
      }
      if (err) {
        m[key].note = err;
        checks.push(`round ${round + 1} ${name} failed: ${err}`);
      }
    }
  }
  for (const n of noisy) checks.push(`machine not idle before a sample (${n})`);
  for (const x of Object.values(m)) {
    const lo = Math.min(...x.samples);
    const hi = Math.max(...x.samples);
    if (x.samples.length > 1 && lo > 0 && hi / lo > 1.25)
      checks.push(`${x.key}: samples spread ${(hi / lo).toFixed(2)}x (max/min)`);
  }
  if (m.a.samples.length === m.b.samples.length && m.b.samples.length > 0) {
    const perRound = m.b.samples.map((b, i) => (b / m.a.samples[i]).toFixed(2));
    checks.push(`b/a round by round: ${perRound.join(', ')}`);
  }
  if (strataOk && existsSync(CACHE_OFF) && readdirSync(CACHE_OFF).length > 0) {
    checks.push(`--no-cache wrote into its cache directory (${CACHE_OFF})`);
  }

  // (f) TODO(tui): the TUI developer adds bench/tui-latency.ts. It must export
  //   measureTui(image: string): Promise<{ firstFrameMs: number; keyMedianMs: number; keyP95Ms: number }>
  // measured with an in-process harness (ink-testing-library) on this image: firstFrameMs from
  // launch to the first frame that shows the layer stack; keyMedianMs / keyP95Ms from a keypress to
  // the frame that reflects it, over a sequence that moves through and toggles (collapses/expands)
  // the ~100 000-entry file tree. Until that file exists, (f) is reported as not measured.
  let tui: Results['tui'];
  const tuiModule = join(BENCH, 'tui-latency.ts');
  if (existsSync(tuiModule)) {
    try {
      const mod = (await import(pathToFileURL(tuiModule).href)) as {
        measureTui?: (image: string) => Promise<{ firstFrameMs: number; keyMedianMs: number; keyP95Ms: number }>;
      };
      if (typeof mod.measureTui !== 'function') throw new Error('bench/tui-latency.ts does not export measureTui');
      log('(f) measuring the TUI');
      tui = await mod.measureTui(IMAGE);
      m.f1.samples.push(tui.firstFrameMs);
      m.f2.samples.push(tui.keyMedianMs);
      m.f3.samples.push(tui.keyP95Ms);
    } catch (e) {
      tui = { note: `failed: ${(e as Error).message}` };
      noteAll(['f1', 'f2', 'f3'], `tui-latency.ts ${tui.note}`);
    }
  } else {
    tui = { note: 'bench/tui-latency.ts does not exist yet' };
    noteAll(['f1', 'f2', 'f3'], 'not measured: no bench/tui-latency.ts (TUI not written yet)');
  }

  for (const x of Object.values(m)) if (x.samples.length) x.median = median(x.samples);
  const med = (k: keyof typeof m) => m[k].median;
  const ratio = (p?: number, q?: number) => (p !== undefined && q !== undefined && q > 0 ? p / q : undefined);
  const ratios = {
    'b/a': ratio(med('b'), med('a')),
    'c/b': ratio(med('c'), med('b')),
    'd/floor': ratio(med('d'), med('floor')),
  };
  const results: Results = {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    machine,
    runs: RUNS,
    image: {
      ref: IMAGE,
      id: img.info.id,
      sizeBytes: img.info.sizeBytes,
      archiveBytes: img.archiveBytes,
      layers: img.layers.length,
      entries: img.layers.reduce((s, l) => s + l.entries, 0),
    },
    measures: m,
    ratios,
    targets: [
      target('b/a (cold analysis vs docker save)', ratios['b/a'], 1.15, 'x'),
      target('c, warm cache', med('c'), 1000, 'ms'),
      target('c/b', ratios['c/b'], 0.1, 'x'),
      target('d/floor (archive vs tar + sha256sum)', ratios['d/floor'], 1.5, 'x'),
      target('e, peak RSS of (b)', med('e'), 400, 'MB'),
      target('f, first frame', med('f1'), 1000, 'ms'),
      target('f, keypress p95', med('f3'), 50, 'ms'),
    ],
    checks,
    tui,
  };
  const dependsOn: Record<string, string[]> = {
    'b/a': ['a', 'b'],
    'c,': ['c'],
    'c/b': ['b', 'c'],
    'd/floor': ['d', 'floor'],
    'e,': ['b'],
  };
  for (const t of results.targets) {
    const deps = dependsOn[t.name.split(' ')[0]] ?? [];
    if (t.pass !== undefined && deps.some((d) => noisySteps.has(d))) t.unreliable = true;
  }
  if (RUNS < 3) checks.push(`only ${RUNS} round(s): the targets are defined on a median of at least 3`);
  writeFileSync(join(OUT, 'results.json'), `${JSON.stringify({ ...results, layers: img.layers }, null, 2)}\n`);
  if (process.env.BENCH_NO_README !== '1') updateReadme(join(BENCH, 'README.md'), results, img);
  process.stdout.write(`${consoleSummary(results)}\n`);
  process.stdout.write(
    `\nwrote ${join(OUT, 'results.json')}${process.env.BENCH_NO_README === '1' ? '' : ' and bench/README.md'}\n`,
  );
}

main().catch((e: unknown) => {
  process.stderr.write(`bench: ${(e as Error).message}\n`);
  process.exitCode = 1;
});
