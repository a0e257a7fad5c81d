/** Run the built CLI (dist/) as a user would, capturing stdout, stderr and the exit code. */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BIN, ROOT } from './paths.js';
import { cliReportProblem } from './report-schema.js';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A private cache for this test process, so runs never read or fill the user's cache. */
const CACHE = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-test-cache-'));
process.on('exit', () => fs.rmSync(CACHE, { recursive: true, force: true }));

export function runCli(
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: opts.cwd ?? ROOT,
      env: { ...process.env, STRATA_CACHE_DIR: CACHE, ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      // Every JSON report a test produces must match the published schema.
      const problem = cliReportProblem(args, { code, stdout }, opts.cwd ?? ROOT);
      if (problem) reject(new Error(problem));
      else resolve({ code, stdout, stderr });
    });
  });
}

export interface CliCaseResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
  /** Peak RSS of the child in kB (GNU time), when available. */
  maxRssKb: number | null;
  timedOut: boolean;
}

const GNU_TIME = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : null;

/**
 * Runs the CLI as the robustness tests need it: in its own process group (a timeout kills it whole),
 * NO_COLOR, timed, and with its peak RSS from GNU time when `measure` is not false.
 */
export function runCliMeasured(
  args: string[],
  opts: { timeoutMs?: number; env?: NodeJS.ProcessEnv; measure?: boolean } = {},
): Promise<CliCaseResult> {
  const measure = opts.measure !== false && GNU_TIME !== null;
  const rssFile = measure
    ? path.join(os.tmpdir(), `strata-rss-${process.pid}-${Math.random().toString(36).slice(2)}`)
    : '';
  const cmd = measure ? GNU_TIME : process.execPath;
  const argv = measure ? ['-f', '%M', '-o', rssFile, process.execPath, BIN, ...args] : [BIN, ...args];
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    // Its own process group, so a timeout kills node under GNU time too (an orphan would hold
    // the pipes open and the run would never close).
    const child = spawn(cmd!, argv, {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1', ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, opts.timeoutMs ?? 30_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      let maxRssKb: number | null = null;
      if (measure) {
        try {
          const lines = fs.readFileSync(rssFile, 'utf8').trim().split('\n');
          maxRssKb = Number(lines[lines.length - 1]) || null;
          // GNU time reports "Command exited with non-zero status N" first; the exit code is ours.
          fs.rmSync(rssFile, { force: true });
        } catch {
          // killed before time wrote it
        }
      }
      const stdout = Buffer.concat(out).toString('utf8');
      const stderr = Buffer.concat(err).toString('utf8');
      const result = { code, signal, stdout, stderr, ms: performance.now() - t0, maxRssKb, timedOut };
      // Every JSON report a test produces must match the published schema.
      const problem = cliReportProblem(args, result, ROOT);
      if (problem) reject(new Error(problem));
      else resolve(result);
    });
  });
}

/** A stack-trace line ("    at fn (file:1:2)") or a raw Node error dump. */
export function looksLikeStackTrace(text: string): boolean {
  return /^\s+at .+(:\d+:\d+\)?|\(native\)|<anonymous>)$/m.test(text) || /node:internal|Error: .*\n\s+at /.test(text);
}
