/**
 * The CI gate: dive's rules with dive's names and meanings (read from `.dive-ci` or flags), rules
 * on Strata's exact figures, and an ignore list of path globs.
 *
 * .dive-ci (YAML):
 *   rules:
 *     lowestEfficiency: 0.95          # dive efficiency below this fails
 *     highestWastedBytes: 20MB        # dive wasted bytes above this fails ("disabled" allowed)
 *     highestUserWastedPercent: 0.10  # dive wasted / user bytes above this fails
 *     lowestStrataEfficiency: 0.95    # Strata's exact efficiency below this fails
 *     highestStrataWastedBytes: 5MiB  # Strata's exact wasted bytes above this fails
 *     pinnedReference: true           # opt-in: an image used through `latest` (or no tag) fails
 *     highestRecoverableBytes: 50MB   # what the advice would save (waste, leftovers, duplicates)
 *   ignore:                           # paths matching these globs are not counted
 *     - /var/cache/**
 */
import fs from 'node:fs';
import picomatch from 'picomatch';
import YAML from 'yaml';
import type { LoadedImage } from '../model/image.js';
import { StrataError, EXIT_INPUT } from '../errors.js';
import { openRegularFile } from '../sources/files/regular-file.js';
import { wastedPaths } from '../model/waste.js';
import { displayName, escapeText } from '../model/names.js';
import { adviceFor, computeAdvice } from '../model/advice.js';
import { parseSize } from '../format.js';

export type RuleName =
  | 'lowestEfficiency'
  | 'highestWastedBytes'
  | 'highestUserWastedPercent'
  | 'lowestStrataEfficiency'
  | 'highestStrataWastedBytes'
  | 'pinnedReference'
  | 'highestRecoverableBytes';
export const RULE_NAMES: RuleName[] = [
  'lowestEfficiency',
  'highestWastedBytes',
  'highestUserWastedPercent',
  'lowestStrataEfficiency',
  'highestStrataWastedBytes',
  'pinnedReference',
  'highestRecoverableBytes',
];

/** dive's defaults; the Strata rules are off unless configured. */
const DEFAULTS: Record<RuleName, string> = {
  lowestEfficiency: '0.9',
  highestWastedBytes: 'disabled',
  highestUserWastedPercent: '0.1',
  lowestStrataEfficiency: 'disabled',
  highestStrataWastedBytes: 'disabled',
  pinnedReference: 'disabled',
  highestRecoverableBytes: 'disabled',
};

export interface CiConfig {
  rules: Record<RuleName, string>;
  ignore: string[];
  /** Where the rules came from, for the verdict. */
  origin: string;
}

export interface RuleResult {
  rule: RuleName;
  status: 'PASS' | 'FAIL' | 'SKIP';
  value: number | null;
  threshold: number | null;
  message: string;
}

export interface CiResult {
  passed: boolean;
  rules: RuleResult[];
  ignore: string[];
}

/** A byte threshold: see parseSize for the units ("20MB" = 20e6, "20MiB" = 20 * 2^20, as dive reads them). */
function parseBytes(s: string): number {
  const v = parseSize(s);
  if (v === null) throw new StrataError(`invalid byte size "${s}"`, EXIT_INPUT);
  return v;
}

function parseRatio(rule: RuleName, s: string): number {
  const v = Number(s.trim().replace(/%$/, ''));
  if (!Number.isFinite(v)) throw new StrataError(`rule ${rule}: "${s}" is not a number`, EXIT_INPUT);
  return s.trim().endsWith('%') ? v / 100 : v;
}

export function loadCiConfig(
  file: string | undefined,
  flags: Partial<Record<RuleName, string>>,
  ignoreFlags: string[] = [],
): CiConfig {
  const rules = { ...DEFAULTS };
  let ignore: string[] = [];
  let origin = 'defaults';
  const path = file ?? (fs.existsSync('.dive-ci') ? '.dive-ci' : undefined);
  if (path) {
    let text: string;
    // A regular file of at most 1 MiB: a `.dive-ci` in a checked-out repository could be a FIFO
    // or a link to a device (src/sources/files/regular-file.ts).
    const { fd, size } = openRegularFile(path, `CI config ${path}`);
    try {
      if (size > 1 << 20) {
        throw new StrataError(`CI config ${path} is ${size} bytes, more than the 1 MiB strata reads`, EXIT_INPUT);
      }
      text = fs.readFileSync(fd, 'utf8');
    } catch (err) {
      if (err instanceof StrataError) throw err;
      throw new StrataError(
        `cannot read CI config ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
        EXIT_INPUT,
      );
    } finally {
      fs.closeSync(fd);
    }
    let doc: unknown;
    try {
      doc = YAML.parse(text);
    } catch (err) {
      throw new StrataError(
        `CI config ${path} is not valid YAML: ${(err as Error).message.split('\n')[0]}`,
        EXIT_INPUT,
      );
    }
    const d = (doc ?? {}) as { rules?: Record<string, unknown>; ignore?: unknown };
    if (d.rules && typeof d.rules === 'object') {
      for (const [k, v] of Object.entries(d.rules)) {
        if (!(RULE_NAMES as string[]).includes(k))
          throw new StrataError(`CI config ${path}: unknown rule "${k}" (known: ${RULE_NAMES.join(', ')})`, EXIT_INPUT);
        rules[k as RuleName] = String(v);
      }
    }
    if (d.ignore !== undefined) {
      if (!Array.isArray(d.ignore))
        throw new StrataError(`CI config ${path}: "ignore" must be a list of path globs`, EXIT_INPUT);
      ignore = d.ignore.map(String);
    }
    origin = path;
  }
  for (const [k, v] of Object.entries(flags)) if (v !== undefined) rules[k as RuleName] = v;
  ignore = [...ignore, ...ignoreFlags];
  // Validate every threshold now, so a typo is a usage error rather than a silent pass.
  for (const r of RULE_NAMES) threshold(r, rules[r]);
  return { rules, ignore, origin };
}

function threshold(rule: RuleName, raw: string): number | null {
  const v = raw.trim().toLowerCase();
  if (v === 'disabled') return null;
  if (rule === 'pinnedReference') {
    if (v === 'true') return 1;
    if (v === 'false') return null;
    throw new StrataError(`rule pinnedReference: "${raw}" is not true, false or disabled`, EXIT_INPUT);
  }
  return rule.endsWith('Bytes') ? parseBytes(raw) : parseRatio(rule, raw);
}

export function evaluateCi(img: LoadedImage, cfg: CiConfig): CiResult {
  const a = img.analysis;
  const globs = cfg.ignore.map((g) => picomatch(g.startsWith('/') ? g : `/${g}`, { dot: true }));
  const ignored = (path: string) => globs.some((m) => m(path) || m(`${path}/`));
  // Globs match a path as it is shown (its display form), like the TUI's filters.
  const shown = (id: number) => displayName(a.table.path(id));
  const skip =
    globs.length === 0
      ? undefined
      : (id: number) => {
          const p = shown(id);
          return ignored(p) || hasIgnoredAncestor(p, ignored);
        };
  const dive = a.diveFigures(skip);
  let ignoredWaste = 0;
  if (skip) for (const w of wastedPaths(a)) if (skip(w.pathId)) ignoredWaste += w.bytes;
  const strataWasted = a.wastedBytes - ignoredWaste;
  const denom = a.layerBytes - ignoredWaste;
  const strataEff = denom <= 0 ? 1 : a.unionBytes / denom;

  const figures: Record<Exclude<RuleName, 'pinnedReference'>, () => number | null> = {
    lowestEfficiency: () => dive.efficiency,
    highestWastedBytes: () => dive.wastedBytes,
    highestUserWastedPercent: () => dive.userWastedPercent,
    lowestStrataEfficiency: () => strataEff,
    highestStrataWastedBytes: () => strataWasted,
    // The advice is computed only when its rule is on.
    highestRecoverableBytes: () => (skip ? computeAdvice(a, { exclude: skip }) : adviceFor(a)).recoverableBytes,
  };
  const results: RuleResult[] = RULE_NAMES.map((rule) => {
    const t = threshold(rule, cfg.rules[rule]);
    if (rule === 'pinnedReference') {
      if (t === null) return { rule, status: 'SKIP', value: null, threshold: null, message: 'disabled' };
      const ref = img.reference;
      if (!ref)
        return {
          rule,
          status: 'PASS',
          value: 0,
          threshold: t,
          message: 'used by id, digest or path, not through a tag',
        };
      return ref.floating
        ? {
            rule,
            status: 'FAIL',
            value: 1,
            threshold: t,
            message: `${ref.name} floats (latest); pin a version tag or a digest`,
          }
        : { rule, status: 'PASS', value: 0, threshold: t, message: `${ref.name} is pinned` };
    }
    const figure = figures[rule as Exclude<RuleName, 'pinnedReference'>];
    const isBytes = rule.endsWith('Bytes');
    const fmt = (v: number) => (isBytes ? `${v} B` : v.toFixed(4));
    if (t === null) {
      const shown = rule === 'highestRecoverableBytes' ? null : figure();
      return { rule, status: 'SKIP', value: shown, threshold: null, message: 'disabled' };
    }
    const value = figure();
    if (value === null || !Number.isFinite(value)) {
      return {
        rule,
        status: 'SKIP',
        value: null,
        threshold: t,
        message: 'undefined for this image (no layers above the base)',
      };
    }
    const lowest = rule.startsWith('lowest');
    const fail = lowest ? value < t : value > t;
    const op = lowest ? (fail ? '<' : '>=') : fail ? '>' : '<=';
    return { rule, status: fail ? 'FAIL' : 'PASS', value, threshold: t, message: `${fmt(value)} ${op} ${fmt(t)}` };
  });
  return { passed: results.every((r) => r.status !== 'FAIL'), rules: results, ignore: cfg.ignore };
}

function hasIgnoredAncestor(path: string, ignored: (p: string) => boolean): boolean {
  for (let i = path.lastIndexOf('/'); i > 0; i = path.lastIndexOf('/', i - 1))
    if (ignored(path.slice(0, i))) return true;
  return false;
}

export function formatCi(res: CiResult, cfg: CiConfig): string {
  // Messages name the image's reference (its registry part included): escaped like any outside text.
  const ignoring = cfg.ignore.length ? `; ignoring ${cfg.ignore.join(', ')}` : '';
  const lines = [`CI gate (rules from ${escapeText(cfg.origin)}${escapeText(ignoring)}):`];
  for (const r of res.rules) lines.push(`  ${r.status}  ${r.rule}: ${escapeText(r.message)}`);
  const n = (s: string) => res.rules.filter((r) => r.status === s).length;
  lines.push(
    `Result: ${res.passed ? 'PASS' : 'FAIL'} [${n('PASS')} passed, ${n('FAIL')} failed, ${n('SKIP')} skipped]`,
  );
  return lines.join('\n');
}
