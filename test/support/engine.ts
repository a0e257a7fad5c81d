/**
 * Test helpers for everything that needs a real Docker Engine: is it reachable, build the project's
 * fixture images (test/fixtures/engine/<name>/Dockerfile), `docker save` them, run the built CLI.
 *
 * The tests drive the docker *CLI* (simple, and independent of the product, which talks to the Engine
 * through dockerode): what the tests check must not be computed by the code under test.
 *
 * Policy when the Engine is not reachable: under CI (`process.env.CI` set) the tests FAIL; locally
 * they skip with the reason. Use `engineGate()` at the top of a test file:
 *
 *   const gate = engineGate();
 *   describe('...', { skip: gate.skip }, () => { before(gate.before); ... });
 */
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, ROOT } from './paths.js';
import { cliReportProblem } from './report-schema.js';

export const FIXTURES = join(ROOT, 'test', 'fixtures', 'engine');
/** The static busybox every fixture image is built from (Debian's busybox-static). */
export const BUSYBOX = '/bin/busybox';
export const IN_CI = !!process.env.CI;

// ---------------------------------------------------------------------------------------------
// Engine reachability

export interface EngineStatus {
  ok: boolean;
  /** Why it is not usable (when !ok). */
  reason?: string;
  /** Server version (when ok). */
  version?: string;
}

let engineStatusMemo: EngineStatus | undefined;

/** Asks the Engine for its version through the docker CLI (bounded: 20 s). Memoised per process. */
export function engineStatus(): EngineStatus {
  if (engineStatusMemo) return engineStatusMemo;
  const host = process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock';
  const r = spawnSync('docker', ['version', '--format', '{{.Server.Version}}'], { encoding: 'utf8', timeout: 20_000 });
  if (r.error) {
    const e = r.error as NodeJS.ErrnoException;
    engineStatusMemo = {
      ok: false,
      reason: e.code === 'ENOENT' ? 'the docker CLI is not installed' : `docker version failed: ${e.message}`,
    };
  } else if (r.status !== 0 || !r.stdout.trim()) {
    const msg = (r.stderr || r.stdout).trim().split('\n').pop() ?? '';
    engineStatusMemo = { ok: false, reason: `Docker Engine at ${host} does not answer (${msg})` };
  } else {
    engineStatusMemo = { ok: true, version: r.stdout.trim() };
  }
  return engineStatusMemo;
}

/** True when every command is on PATH. */
export function haveCommands(...cmds: string[]): string[] {
  return cmds.filter((c) => spawnSync('sh', ['-c', `command -v ${c}`], { encoding: 'utf8' }).status !== 0);
}

export interface Gate {
  /** For `describe(name, { skip })`: a reason string locally when the requirement is missing, else false. */
  skip: string | false;
  /** For `before()`: throws (fails the suite) when the requirement is missing under CI. */
  before: () => void;
}

/**
 * The Engine (and optionally some commands) must be there: skip locally with the reason, fail under CI.
 * Also fails when bin/strata.js cannot run because `npm run build` has not produced dist/cli/main.js.
 */
export function engineGate(opts: { needEngine?: boolean; commands?: string[]; needBusybox?: boolean } = {}): Gate {
  const { needEngine = true, commands = [], needBusybox = needEngine } = opts;
  const problems: string[] = [];
  if (needEngine) {
    const st = engineStatus();
    if (!st.ok) problems.push(st.reason!);
  }
  const missing = haveCommands(...commands);
  if (missing.length) problems.push(`missing command(s): ${missing.join(', ')}`);
  if (needBusybox && !existsSync(BUSYBOX)) problems.push(`${BUSYBOX} is missing (apt-get install busybox-static)`);
  const reason = problems.join('; ');
  return {
    skip: reason && !IN_CI ? reason : false,
    before: () => {
      if (reason) throw new Error(`CI is set, so this cannot be skipped: ${reason}`);
      if (!existsSync(join(ROOT, 'dist', 'cli', 'main.js')))
        throw new Error('dist/cli/main.js is missing: run `npm run build` first');
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Fixture images

/** A per-process scratch directory, removed on exit. */
let scratch: string | undefined;
export function scratchDir(): string {
  if (!scratch) {
    scratch = mkdtempSync(join(tmpdir(), 'strata-engine-test-'));
    const dir = scratch;
    process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  return scratch;
}

export function fixtureTag(name: string): string {
  return `strata-test/${name}:1`;
}

function docker(args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): string {
  try {
    return execFileSync('docker', args, {
      encoding: 'utf8',
      maxBuffer: 64 << 20,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...opts.env },
      cwd: opts.cwd,
    });
  } catch (err) {
    const e = err as { stderr?: string; stdout?: string; message: string };
    throw new Error(`docker ${args.join(' ')} failed: ${(e.stderr || e.stdout || e.message).trim()}`);
  }
}

const built = new Map<string, BuiltImage>();

export interface BuiltImage {
  tag: string;
  /** "sha256:<hex>" */
  id: string;
  /** Inspect's RootFS.Layers (the config's diff_ids), base first. */
  diffIds: string[];
  inspect: any;
}

/**
 * Builds test/fixtures/engine/<name>/ as `strata-test/<name>:1` with the legacy builder
 * (DOCKER_BUILDKIT=0: it produces one layer per filesystem step and works without a registry).
 * The build context is a temp copy of the fixture directory plus /bin/busybox. Idempotent: the
 * builder's cache makes a rebuild of an unchanged context a no-op (same image id), and the result is
 * memoised per process.
 */
export function buildFixture(name: string): BuiltImage {
  const memo = built.get(name);
  if (memo) return memo;
  const src = join(FIXTURES, name);
  if (!existsSync(join(src, 'Dockerfile'))) throw new Error(`no Dockerfile in ${src}`);
  const ctx = mkdtempSync(join(scratchDir(), `ctx-${name}-`));
  for (const f of readdirSync(src)) {
    // copyFileSync keeps content, not mtime: COPY'd files get a fixed mtime below so that two
    // builds of the same context give byte-identical layers (the build cache keys on content anyway).
    if (statSync(join(src, f)).isFile()) copyFileSync(join(src, f), join(ctx, f));
  }
  copyFileSync(BUSYBOX, join(ctx, 'busybox'));
  const fixed = new Date('2020-01-01T00:00:00Z');
  for (const f of readdirSync(ctx)) utimesSync(join(ctx, f), fixed, fixed);
  const tag = fixtureTag(name);
  docker(['build', '-q', '-t', tag, ctx], { env: { DOCKER_BUILDKIT: '0' } });
  rmSync(ctx, { recursive: true, force: true });
  const inspect = JSON.parse(docker(['image', 'inspect', tag]))[0];
  const img: BuiltImage = { tag, id: inspect.Id, diffIds: inspect.RootFS.Layers, inspect };
  built.set(name, img);
  return img;
}

const saved = new Map<string, string>();

/** `docker save` of a fixture image into the scratch dir (once per process); returns the tar path. */
export function saveFixture(name: string): string {
  const memo = saved.get(name);
  if (memo) return memo;
  const img = buildFixture(name);
  const out = join(scratchDir(), `${name}.docker-save.tar`);
  docker(['save', '-o', out, img.tag]);
  saved.set(name, out);
  return out;
}

/** `docker save` of several fixture images into one archive (shared layers are stored once). */
export function saveFixtures(names: string[], out: string): string {
  const tags = names.map((n) => buildFixture(n).tag);
  docker(['save', '-o', out, ...tags]);
  return out;
}

/** `docker info` storage driver details, for diagnostics about whiteout/opaque markers. */
export function storageDriver(): { driver: string; nativeDiff: boolean | undefined } {
  const info = JSON.parse(docker(['info', '--format', '{{json .}}']));
  const status: [string, string][] = info.DriverStatus ?? [];
  const nd = status.find(([k]) => k === 'Native Overlay Diff');
  return { driver: info.Driver, nativeDiff: nd ? nd[1] === 'true' : undefined };
}

export function sha256(buf: Buffer | string): string {
  return `sha256:${createHash('sha256').update(buf).digest('hex')}`;
}

// ---------------------------------------------------------------------------------------------
// Running the CLI

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

let cacheHome: string | undefined;

/**
 * Runs `node bin/strata.js ...args` (the built CLI) and collects its output. NO_COLOR is set and
 * the per-layer cache is pointed at a private temp dir (XDG_CACHE_HOME), so runs never share results.
 */
export function runStrata(
  args: string[],
  env: NodeJS.ProcessEnv = {},
  timeoutMs = 180_000,
  wrap: string[] = [],
): Promise<RunResult> {
  if (!cacheHome) {
    cacheHome = join(scratchDir(), 'xdg-cache');
    mkdirSync(cacheHome, { recursive: true });
  }
  return new Promise((resolvePromise, rejectPromise) => {
    // `wrap` runs the CLI through another command (e.g. nsenter into a network namespace).
    const [cmd, ...argv] = [...wrap, process.execPath, BIN, ...args];
    execFile(
      cmd,
      argv,
      {
        cwd: ROOT,
        encoding: 'utf8',
        maxBuffer: 256 << 20,
        timeout: timeoutMs,
        env: { ...process.env, NO_COLOR: '1', XDG_CACHE_HOME: cacheHome, ...env },
      },
      (err, stdout, stderr) => {
        const code = err ? (typeof (err as any).code === 'number' ? (err as any).code : null) : 0;
        // Every JSON report a test produces must match the published schema.
        const problem = cliReportProblem(args, { code, stdout }, ROOT);
        if (problem) rejectPromise(new Error(problem));
        else resolvePromise({ code, stdout, stderr });
      },
    );
  });
}

/** Runs the CLI expecting exit 0 and a JSON report on stdout; fails with the CLI's stderr otherwise. */
export async function strataJson(args: string[], env: NodeJS.ProcessEnv = {}): Promise<any> {
  const r = await runStrata(args, env);
  if (r.code !== 0) {
    throw new Error(`strata ${args.join(' ')} exited ${r.code}\nstderr: ${r.stderr.trim()}`);
  }
  try {
    return JSON.parse(r.stdout);
  } catch {
    throw new Error(`strata ${args.join(' ')}: stdout is not JSON: ${r.stdout.slice(0, 300)}`);
  }
}

/** Reads a file relative to the project root. */
export function readProjectFile(rel: string): string {
  return readFileSync(join(ROOT, rel), 'utf8');
}

/**
 * A stopped container of strata-test/changes:1 named `name` (replacing any of that name) whose
 * copy-on-write layer holds what `commands` did; the caller builds the fixture first.
 */
export function runChangedContainer(name: string, commands: string[]): void {
  removeContainer(name);
  execFileSync('docker', ['run', '--name', name, 'strata-test/changes:1', 'sh', '-c', commands.join('; ')]);
}

export function removeContainer(name: string): void {
  execFileSync('docker', ['rm', '-f', name], { stdio: 'ignore' });
}
