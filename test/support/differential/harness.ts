/**
 * Differential test, harness: generate a case, read it with the reference (reference.py, GNU tar
 * and Python, no code shared with Strata), run Strata's CLI on it (`--json --files`) and compare.
 *
 * Compared per layer: sizeBytes, the added/modified/removed counts and bytes, and the file rows
 * (path as bytes: `pathBase64` when present, else the UTF-8 of `path`; change, type, size, mode,
 * uid, gid, linkTarget); per image: layerBytes, unionBytes, unionFiles, wastedBytes.
 *
 * The Strata under test is `STRATA_BIN` (default: this worktree's bin/strata.js).
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PYTHON, generateLayers, packageCase, caseSeed, type Case, type WriterId } from './generate.js';
import { dockerCase, dockerAvailable } from './docker.js';
import { BIN } from '../paths.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const STRATA_BIN = process.env.STRATA_BIN ? path.resolve(process.env.STRATA_BIN) : BIN;
const REFERENCE_PY = path.join(HERE, 'reference.py');

export interface RefRow {
  path: string; // base64
  change: string;
  type: string;
  size: number;
  mode: number;
  uid: number;
  gid: number;
  link?: string; // base64
}
interface RefLayer {
  index: number;
  sizeBytes: number;
  entries: number;
  rows: RefRow[];
}
export interface Reference {
  kind: string;
  layers: RefLayer[];
  layerBytes: number;
  unionBytes: number;
  unionFiles: number;
  wastedBytes: number;
  notes: string[];
  unionPaths: string[];
}

export interface Mismatch {
  /** A short class name, for grouping ("row-missing", "sizeBytes", "rejected" ...). */
  cls: string;
  layer: number | null;
  writer: string | null;
  detail: string;
}

export interface CaseResult {
  seed: number;
  description: string;
  skips: string[];
  notes: string[];
  mismatches: Mismatch[];
  /** The archive, kept when asked (or on failure with `keep`). */
  archive?: string;
  ms: number;
}

// ---- names as the spec shows them ----------------------------------------------------------

/**
 * The display form of a name (docs/semantics.md, "The display form"), written here from its words: valid UTF-8 as
 * it is, every other byte as \xNN; control, bidi and zero-width characters escaped.
 */
export function displayForm(b: Buffer): string {
  let out = '';
  let i = 0;
  while (i < b.length) {
    const c = b[i];
    let n = 0;
    let cp = -1;
    if (c < 0x80) {
      n = 1;
      cp = c;
    } else if (c >= 0xc2 && c <= 0xdf) n = 2;
    else if (c >= 0xe0 && c <= 0xef) n = 3;
    else if (c >= 0xf0 && c <= 0xf4) n = 4;
    if (n > 1 && i + n <= b.length) {
      const s = b.subarray(i, i + n);
      const t = new TextDecoder('utf-8', { fatal: false }).decode(s);
      if (!t.includes('\ufffd') && [...t].length === 1) cp = t.codePointAt(0)!;
    }
    if (cp < 0) {
      out += `\\x${c.toString(16).padStart(2, '0')}`;
      i++;
      continue;
    }
    const ch = String.fromCodePoint(cp);
    if (
      cp < 0x20 ||
      (cp >= 0x7f && cp <= 0x9f) ||
      (cp >= 0x202a && cp <= 0x202e) ||
      (cp >= 0x2066 && cp <= 0x2069) ||
      (cp >= 0x200b && cp <= 0x200d) ||
      cp === 0xfeff
    ) {
      out +=
        cp === 0x1b
          ? '\\e'
          : cp === 0x0a
            ? '\\n'
            : cp === 0x09
              ? '\\t'
              : cp < 0x80
                ? `\\x${cp.toString(16).padStart(2, '0')}`
                : `\\u${cp.toString(16).padStart(4, '0')}`;
    } else out += ch;
    i += n;
  }
  return out;
}

const b64 = (s: string) => Buffer.from(s, 'base64');
/** A name as the report gives it, as bytes. */
function reportPath(row: { path: string; pathBase64?: string }): Buffer {
  return row.pathBase64 !== undefined ? b64(row.pathBase64) : Buffer.from(row.path, 'utf8');
}
const showBytes = (b: Buffer) => JSON.stringify(displayForm(b));

// ---- running ----------------------------------------------------------------------------------

function runReference(archive: string): Reference {
  const r = spawnSync(PYTHON, [REFERENCE_PY, archive], { maxBuffer: 256 << 20 });
  if (r.status !== 0) throw new Error(`reference failed: ${r.stderr.toString('latin1').trim()}`);
  return JSON.parse(r.stdout.toString('utf8')) as Reference;
}

interface StrataRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runStrata(source: string, cacheDir: string, timeoutMs = 60_000): Promise<StrataRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [STRATA_BIN, source, '--json', '--files', '--no-cache'], {
      env: { ...process.env, STRATA_CACHE_DIR: cacheDir, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: err });
    });
  });
}

// ---- comparing --------------------------------------------------------------------------------

interface StrataRow {
  path: string;
  pathBase64?: string;
  change: string;
  type: string;
  size: number;
  mode: number;
  uid: number;
  gid: number;
  linkTarget?: string;
  linkTargetBase64?: string;
}

const FIELDS = ['change', 'type', 'size', 'mode', 'uid', 'gid'] as const;

function linkMatches(ref: RefRow, got: StrataRow): boolean {
  if (ref.link === undefined) return got.linkTarget === undefined;
  if (got.linkTarget === undefined) return false;
  const want = b64(ref.link);
  if (got.linkTargetBase64 !== undefined) return b64(got.linkTargetBase64).equals(want);
  return got.linkTarget === displayForm(want) || Buffer.from(got.linkTarget, 'utf8').equals(want);
}

export function compare(ref: Reference, report: Record<string, any>, writers: string[]): Mismatch[] {
  const mm: Mismatch[] = [];
  const layers = report.layers as Record<string, any>[];
  if (layers.length !== ref.layers.length) {
    mm.push({
      cls: 'layer-count',
      layer: null,
      writer: null,
      detail: `${layers.length} layers, reference ${ref.layers.length}`,
    });
    return mm;
  }
  for (const rl of ref.layers) {
    const sl = layers[rl.index];
    const w = writers[rl.index] ?? null;
    const add = (cls: string, detail: string) => mm.push({ cls, layer: rl.index, writer: w, detail });
    if (sl.sizeBytes !== rl.sizeBytes) add('sizeBytes', `sizeBytes ${sl.sizeBytes}, reference ${rl.sizeBytes}`);
    const got = new Map<string, StrataRow>();
    for (const row of (sl.files ?? []) as StrataRow[]) {
      const k = reportPath(row).toString('latin1');
      if (got.has(k)) add('row-twice', `${showBytes(reportPath(row))} listed twice`);
      got.set(k, row);
    }
    const want = new Map<string, RefRow>();
    for (const row of rl.rows) want.set(b64(row.path).toString('latin1'), row);
    // A row the reference has under one name and Strata under another that looks the same once
    // decoded (same change, type and size, same ASCII skeleton) is one mismatch: the name's bytes.
    const skeleton = (k: string) => k.replace(/[^\x20-\x7e]+/g, '?');
    const extra = new Map<string, string[]>();
    for (const [k, g] of got) {
      if (want.has(k)) continue;
      const key = `${skeleton(Buffer.from(k, 'latin1').toString('utf8'))}|${g.change}|${g.type}`;
      extra.set(key, [...(extra.get(key) ?? []), k]);
    }
    const paired = new Set<string>();
    for (const [k, r] of want) {
      const g = got.get(k);
      const p = showBytes(Buffer.from(k, 'latin1'));
      if (!g) {
        const cands = extra.get(`${skeleton(k)}|${r.change}|${r.type}`)?.filter((x) => !paired.has(x));
        if (cands?.length) {
          paired.add(cands[0]);
          add(
            `name-bytes:${r.change}`,
            `${p} (${r.change} ${r.type}) reported as ${showBytes(Buffer.from(cands[0], 'latin1'))}`,
          );
          continue;
        }
        add(`row-missing:${r.change}:${r.type}`, `${p} (${r.change} ${r.type} size ${r.size}) missing`);
        continue;
      }
      const diffs: string[] = [];
      for (const f of FIELDS)
        if (g[f] !== r[f]) diffs.push(`${f} ${JSON.stringify(g[f])} (ref ${JSON.stringify(r[f])})`);
      if (!linkMatches(r, g))
        diffs.push(
          `linkTarget ${JSON.stringify(g.linkTarget)} (ref ${r.link === undefined ? 'none' : showBytes(b64(r.link))})`,
        );
      if (diffs.length) {
        const fields = diffs.map((d) => d.split(' ')[0]).join('+');
        add(`row-field:${fields}`, `${p} ${r.change} ${r.type}: ${diffs.join(', ')}`);
      }
    }
    for (const [k, g] of got) {
      if (want.has(k) || paired.has(k)) continue;
      add(
        `row-extra:${g.change}:${g.type}`,
        `${showBytes(Buffer.from(k, 'latin1'))} (${g.change} ${g.type} size ${g.size}) not in the reference`,
      );
    }
    for (const kind of ['added', 'modified', 'removed'] as const) {
      const rows = rl.rows.filter((r) => r.change === kind);
      const count = rows.length;
      const bytes = rows.reduce((s, r) => s + r.size, 0);
      const t = sl[kind] as { count: number; bytes: number };
      if (t.count !== count || t.bytes !== bytes)
        add(`totals:${kind}`, `${kind} ${t.count} / ${t.bytes} B, reference ${count} / ${bytes} B`);
    }
  }
  const s = report.summary as Record<string, number>;
  for (const k of ['layerBytes', 'unionBytes', 'unionFiles', 'wastedBytes'] as const) {
    if (s[k] !== ref[k])
      mm.push({ cls: `summary:${k}`, layer: null, writer: null, detail: `${k} ${s[k]}, reference ${ref[k]}` });
  }
  return mm;
}

// ---- one case ---------------------------------------------------------------------------------

export interface CaseOptions {
  /** Work here (a fresh temporary directory per case by default). */
  scratch: string;
  /** Keep the archive in this directory (always on mismatch when set). */
  keepDir?: string;
  writers?: readonly WriterId[];
  /** Go through the Docker Engine (docker build) for this case. */
  docker?: boolean;
  /** Printable ASCII names only (to see the other classes of mismatch alone). */
  asciiNames?: boolean;
}

export function describeCase(c: Case): string {
  const ls = c.layers.map((l, i) => `${i}:${l.writer}/${l.compression}`).join(' ');
  return `${c.packaging}${c.docker ? ` (${c.docker})` : ''} [${ls}]`;
}

export async function runCase(seed: number, opts: CaseOptions): Promise<CaseResult> {
  const t0 = performance.now();
  const dir = fs.mkdtempSync(path.join(opts.scratch, `case-${seed}-`));
  try {
    let c: Case;
    if (opts.docker) {
      try {
        c = await dockerCase(seed, dir, { asciiNames: opts.asciiNames });
      } catch (err) {
        // The Engine refused something: note it, and run the case without the Engine.
        c = generateLayers(seed, dir, { writers: opts.writers, asciiNames: opts.asciiNames });
        c.skips.push(
          `Docker case failed (${String((err as Error).message ?? err).slice(0, 200)}); run without the Engine`,
        );
      }
    } else c = generateLayers(seed, dir, { writers: opts.writers, asciiNames: opts.asciiNames });
    const archive = path.join(dir, c.packaging === 'oci-archive' ? 'image.oci.tar' : 'image.tar');
    if (!c.archive) packageCase(c, dir, archive);
    else fs.renameSync(c.archive, archive);
    const writers = c.layers.map((l) => l.writer);
    const description = describeCase(c);
    const ref = runReference(archive);
    if (c.engineUnion) {
      // The reference against the Engine's own view of the final filesystem (not a Strata check).
      // (Both lists hold base64 paths.) A container's init layer makes /etc, /dev, /proc and /sys
      // directories whatever the image holds there: where the image makes one of them a
      // non-directory, the export cannot show it.
      const initOwned = new Set(['/etc', '/dev', '/proc', '/sys']);
      const want = new Set(c.engineUnion.paths);
      const have = new Set(ref.unionPaths.filter((p) => !initOwned.has(b64(p).toString('latin1'))));
      const shadowed = ref.unionPaths.length - have.size;
      if (shadowed > 0)
        c.skips.push('the image makes a path of the init layer a non-directory: export paths compared without it');
      const onlyEngine = [...want].filter((p) => !have.has(p)).map((p) => showBytes(b64(p)));
      const onlyRef = [...have].filter((p) => !want.has(p)).map((p) => showBytes(b64(p)));
      const bytesDiffer = shadowed === 0 && c.engineUnion.bytes !== ref.unionBytes;
      if (bytesDiffer || onlyEngine.length || onlyRef.length) {
        throw new Error(
          `reference disagrees with docker export (case seed ${seed}): ` +
            `unionBytes ${ref.unionBytes} vs ${c.engineUnion.bytes}; ` +
            `only in the export: ${onlyEngine.slice(0, 5).join(' ')}; ` +
            `only in the reference: ${onlyRef.slice(0, 5).join(' ')}`,
        );
      }
    }
    const cache = path.join(dir, 'cache');
    const r = await runStrata(`${c.packaging}:${archive}`, cache);
    let mismatches: Mismatch[];
    if (r.code !== 0) {
      const msg = r.stderr.trim().split('\n').pop() ?? '';
      const why = /not a valid tar layer/.test(msg)
        ? 'not-a-valid-tar'
        : /not in the archive/.test(msg)
          ? 'layer-not-found'
          : 'other';
      mismatches = [{ cls: `rejected:exit-${r.code}:${why}`, layer: null, writer: null, detail: msg.slice(0, 300) }];
    } else {
      let report: Record<string, any>;
      try {
        report = JSON.parse(r.stdout);
      } catch (err) {
        report = {};
        mismatches = [{ cls: 'bad-json', layer: null, writer: null, detail: String(err).slice(0, 200) }];
      }
      mismatches = report.layers
        ? compare(ref, report, writers)
        : [{ cls: 'bad-json', layer: null, writer: null, detail: 'no layers' }];
    }
    let kept: string | undefined;
    if (opts.keepDir && mismatches.length) {
      fs.mkdirSync(opts.keepDir, { recursive: true });
      kept = path.join(opts.keepDir, `case-${seed}${c.packaging === 'oci-archive' ? '.oci' : ''}.tar`);
      fs.copyFileSync(archive, kept);
    }
    return {
      seed,
      description,
      skips: c.skips,
      notes: ref.notes,
      mismatches,
      archive: kept,
      ms: performance.now() - t0,
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export interface RunOptions {
  seed: number;
  cases: number;
  /** Every Nth case goes through the Docker Engine (0: never). */
  dockerEvery: number;
  keepDir?: string;
  writers?: readonly WriterId[];
  asciiNames?: boolean;
  onCase?: (r: CaseResult, i: number) => void;
}

export async function runMany(o: RunOptions): Promise<CaseResult[]> {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-difftest-'));
  const useDocker = o.dockerEvery > 0 && dockerAvailable();
  const out: CaseResult[] = [];
  try {
    for (let i = 0; i < o.cases; i++) {
      const s = caseSeed(o.seed, i);
      const docker = useDocker && i % o.dockerEvery === o.dockerEvery - 1;
      let r: CaseResult;
      try {
        r = await runCase(s, { scratch, keepDir: o.keepDir, docker, writers: o.writers, asciiNames: o.asciiNames });
      } catch (err) {
        // Name the case, so that it can be replayed alone with --case-seed.
        throw new Error(`case seed ${s}${docker ? ' (--docker)' : ''}: ${(err as Error).message}`, { cause: err });
      }
      out.push(r);
      o.onCase?.(r, i);
    }
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  return out;
}

/** Mismatch classes with the first case seed showing each, and how many cases show it. */
export function classes(
  results: CaseResult[],
): { cls: string; cases: number; firstSeed: number; example: string; writer: string | null }[] {
  const m = new Map<
    string,
    { cls: string; cases: number; firstSeed: number; example: string; writer: string | null }
  >();
  for (const r of results) {
    const seen = new Set<string>();
    for (const x of r.mismatches) {
      if (seen.has(x.cls)) continue;
      seen.add(x.cls);
      const e = m.get(x.cls);
      if (e) e.cases++;
      else
        m.set(x.cls, {
          cls: x.cls,
          cases: 1,
          firstSeed: r.seed,
          example: `${x.layer === null ? '' : `layer ${x.layer}: `}${x.detail}`,
          writer: x.writer,
        });
    }
  }
  return [...m.values()].sort((a, b) => b.cases - a.cases);
}

export function formatResult(r: CaseResult, max = 8): string {
  const lines = [`case seed ${r.seed}: ${r.description}: ${r.mismatches.length} mismatch(es)`];
  for (const x of r.mismatches.slice(0, max))
    lines.push(`  [${x.cls}]${x.layer === null ? '' : ` layer ${x.layer} (${x.writer})`}: ${x.detail}`);
  if (r.mismatches.length > max) lines.push(`  ... ${r.mismatches.length - max} more`);
  return lines.join('\n');
}
