/**
 * Every JSON report the test suite produces is validated against schema/report.schema.json (JSON
 * Schema 2020-12, with Ajv), so the schema and the code cannot drift apart. The helpers that run
 * the CLI call `checkCliReport` after each run; in-process report builders call `assertReport`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { ROOT } from './paths.js';

export const SCHEMA_FILE = path.join(ROOT, 'schema', 'report.schema.json');

let compiled: (((doc: unknown) => boolean) & { errors?: unknown }) | undefined;
let ajv: Ajv2020 | undefined;

function validator() {
  if (!compiled) {
    ajv = new Ajv2020({ allErrors: true, strict: true });
    compiled = ajv.compile(JSON.parse(fs.readFileSync(SCHEMA_FILE, 'utf8')));
  }
  return compiled;
}

/** How many reports were validated in this process (tests can assert the hook ran). */
export let validatedReports = 0;

/** The schema's complaints about `doc`, or null when it is valid. */
export function reportErrors(doc: unknown): string | null {
  const v = validator();
  if (v(doc)) {
    validatedReports++;
    return null;
  }
  return ajv!.errorsText(v.errors as never, { separator: '\n  ', dataVar: 'report' });
}

export function assertReport(doc: unknown, label = 'report'): void {
  const errs = reportErrors(doc);
  if (errs) throw new Error(`${label} does not match schema/report.schema.json:\n  ${errs}`);
}

/** Reports bigger than this are not parsed again (a string this long is near V8's limit). */
const MAX_CHECKED = 256 * 1024 * 1024;

/**
 * After a CLI run: when `--json` was asked for and the run succeeded (exit 0, or 1 for a failed CI
 * gate), find the report (stdout, or the FILE of `--json FILE` / `--json=FILE`) and validate it.
 * Returns the problem, or null.
 */
export function cliReportProblem(
  args: string[],
  r: { code: number | null; stdout: string },
  cwd: string,
): string | null {
  const at = args.findIndex((a) => a === '--json' || a.startsWith('--json='));
  if (at < 0 || (r.code !== 0 && r.code !== 1)) return null;
  if (args.includes('-h') || args.includes('--help') || args.includes('--extract')) return null;
  let text: string | undefined;
  let where = 'stdout';
  if (r.stdout.trimStart().startsWith('{')) {
    text = r.stdout;
  } else {
    const file = args[at].startsWith('--json=') ? args[at].slice(7) : args[at + 1];
    if (file !== undefined && !file.startsWith('-')) {
      const p = path.resolve(cwd, file);
      try {
        if (fs.statSync(p).size > MAX_CHECKED) return null;
        const content = fs.readFileSync(p, 'utf8');
        // A SOURCE after --json (an archive) is not a report.
        if (content.trimStart().startsWith('{')) {
          text = content;
          where = p;
        }
      } catch {
        // not a file: the argument was a SOURCE
      }
    }
  }
  if (text === undefined || text.length > MAX_CHECKED) return null;
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    const why = (err as Error).message;
    return `strata ${args.join(' ')}: exit ${r.code} but the report on ${where} is not JSON (${why})`;
  }
  const errs = reportErrors(doc);
  return errs
    ? `strata ${args.join(' ')}: the report on ${where} does not match schema/report.schema.json:\n  ${errs}`
    : null;
}

export function checkCliReport(args: string[], r: { code: number | null; stdout: string }, cwd: string): void {
  const problem = cliReportProblem(args, r, cwd);
  if (problem) throw new Error(problem);
}
