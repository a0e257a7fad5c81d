// Process timing for the benchmark: spawn, wall clock with hrtime, stdout streamed to /dev/null
// (or a file), stderr kept (capped) for error lines, optional peak RSS through GNU time.
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  /** Where stdout goes: a file path; default /dev/null. */
  stdoutTo?: string;
  /** Wrap in `/usr/bin/time -f %M` and report the peak RSS (KiB). Adds ~1 ms of fork/exec. */
  rss?: boolean;
  /** Kill the process after this many ms; default 20 min. */
  timeoutMs?: number;
}

export interface RunResult {
  ms: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  /** Peak resident set size in KiB (only with `rss`). */
  maxRssKiB?: number;
}

export const TIME_BIN = '/usr/bin/time';
const STDERR_CAP = 64 * 1024;

export function run(cmd: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  const out = openSync(opts.stdoutTo ?? '/dev/null', 'w');
  const rssFile = opts.rss ? join(tmpdir(), `strata-bench-rss-${process.pid}-${Date.now()}`) : undefined;
  const [file, argv] = rssFile ? [TIME_BIN, ['-f', '%M', '-o', rssFile, cmd, ...args]] : [cmd, args];
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    let end = start;
    const child = spawn(file, argv, { env: opts.env ?? process.env, stdio: ['ignore', out, 'pipe'] });
    let stderr = '';
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (s: string) => {
      if (stderr.length < STDERR_CAP) stderr += s;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 20 * 60_000);
    child.on('error', (err) => {
      clearTimeout(timer);
      closeSync(out);
      reject(err);
    });
    // 'exit' marks the end of the process; 'close' only adds the drain of our stderr pipe.
    child.on('exit', () => {
      end = process.hrtime.bigint();
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      closeSync(out);
      const result: RunResult = { ms: Number(end - start) / 1e6, code, signal, stderr };
      if (rssFile) {
        try {
          // GNU time writes "Command exited with non-zero status N" before the figure on failure.
          const lines = readFileSync(rssFile, 'utf8').trim().split('\n');
          const kib = Number(lines[lines.length - 1]);
          if (Number.isFinite(kib)) result.maxRssKiB = kib;
        } catch {
          // no figure: leave maxRssKiB undefined
        }
        rmSync(rssFile, { force: true });
      }
      resolve(result);
    });
  });
}

/** Runs a command for its stdout (small outputs only: versions, inspect JSON). */
export function capture(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (err += s));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${cmd} ${args.join(' ')}: exit ${code}: ${err.trim()}`)),
    );
  });
}

/** First non-empty stderr line, for one-line failure notes. */
export function firstLine(s: string): string {
  return (
    s
      .split('\n')
      .find((l) => l.trim() !== '')
      ?.trim()
      .slice(0, 300) ?? ''
  );
}

export function median(xs: number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Nearest-rank percentile (p in 0..100). */
export function percentile(xs: number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}
