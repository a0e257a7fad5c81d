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
