import fs from 'node:fs';
import path from 'node:path';
import { loadImage } from '../../src/sources/load.js';
import { parseSource } from '../../src/sources/spec.js';
import { reportText } from '../../src/report/json.js';
import { buildReport } from '../../src/report/image-report.js';
import { textReport } from '../../src/report/text.js';
import { StrataError } from '../../src/errors.js';
import { DIVE_FIXTURES } from './paths.js';
import { prng, randInt } from './random.js';
import { assertReport, reportErrors } from './report-schema.js';
import { looksLikeStackTrace, type CliCaseResult } from './cli.js';

export function stringHash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

// ---------------------------------------------------------------------------------------------
// A minimal tar reader/writer over buffers, independent of the product's readers (what the tests
// check must not be computed by the code under test).

export interface TarEntry {
  name: string;
  type: string;
  headerOffset: number;
  dataOffset: number;
  size: number;
}

function octal(buf: Buffer, off: number, len: number): number {
  const s = buf
    .toString('latin1', off, off + len)
    .replace(/\0.*$/, '')
    .trim();
  return s ? parseInt(s, 8) : 0;
}

/** The entries of a well-formed ustar buffer (stops at the end marker or the first bad header). */
export function tarEntries(buf: Buffer): TarEntry[] {
  const out: TarEntry[] = [];
  let off = 0;
  while (off + 512 <= buf.length) {
    const h = buf.subarray(off, off + 512);
    if (h.every((b) => b === 0)) break;
    const name = h.toString('latin1', 0, 100).replace(/\0.*$/s, '');
    const prefix = h.toString('latin1', 345, 500).replace(/\0.*$/s, '');
    const size = octal(buf, off + 124, 12);
    const type = String.fromCharCode(h[156] || 0x30);
    if (!Number.isFinite(size)) break;
    out.push({ name: prefix ? `${prefix}/${name}` : name, type, headerOffset: off, dataOffset: off + 512, size });
    off += 512 + Math.ceil(size / 512) * 512;
  }
  return out;
}

/** A copy of `buf` with entry `e`'s data replaced by `data` (header size and checksum rewritten). */
export function replaceEntryData(buf: Buffer, e: TarEntry, data: Buffer): Buffer {
  const header = Buffer.from(buf.subarray(e.headerOffset, e.headerOffset + 512));
  header.write(`${data.length.toString(8).padStart(11, '0')}\0`, 124, 12, 'latin1');
  header.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of header) sum += b;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'latin1');
  const pad = Buffer.alloc((512 - (data.length % 512)) % 512);
  const after = e.dataOffset + Math.ceil(e.size / 512) * 512;
  return Buffer.concat([buf.subarray(0, e.headerOffset), header, data, pad, buf.subarray(after)]);
}

export function isGzip(b: Buffer): boolean {
  return b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;
}
export function isZstd(b: Buffer): boolean {
  return b.length >= 4 && b[0] === 0x28 && b[1] === 0xb5 && b[2] === 0x2f && b[3] === 0xfd;
}
function isJson(b: Buffer): boolean {
  const s = b.subarray(0, 16).toString('latin1').trimStart();
  return s.startsWith('{') || s.startsWith('[');
}
function isTar(b: Buffer): boolean {
  return b.length >= 262 && b.toString('latin1', 257, 262) === 'ustar';
}

// ---------------------------------------------------------------------------------------------
// Cases

export interface FuzzCase {
  /** Reproducible name: fixture, mutation and its parameters. */
  name: string;
  cls:
    | 'truncate'
    | 'flip'
    | 'header-flip'
    | 'json-flip'
    | 'blob-flip'
    | 'blob-truncate'
    | 'blob-trailer'
    | 'inner-header-flip'
    | 'inner-truncate'
    | 'zero-run'
    | 'splice';
  bytes: () => Buffer;
}

export interface FuzzPlan {
  seed: number;
  /** Fixtures up to this size are truncated at every 512-byte boundary; bigger ones at a sample. */
  smallBytes: number;
  /** Truncation boundaries sampled from each big fixture. */
  bigTruncations: number;
  /** Random byte-flip cases per fixture (each flips 1-8 bytes anywhere). */
  flipsPerFixture: number;
  /** Flip cases aimed at outer tar headers and at JSON documents, per fixture. */
  headerFlipsPerFixture: number;
  jsonFlipsPerFixture: number;
  /** Per compressed blob: byte flips inside it, truncations, trailer corruptions. */
  blobFlipsPerBlob: number;
  blobTruncationsPerBlob: number;
  /** Per uncompressed layer blob: flips in its inner tar headers, truncations. */
  innerFlipsPerLayer: number;
  innerTruncationsPerLayer: number;
  /** Zeroed ranges and spliced (duplicated/shifted) ranges, per fixture. */
  zeroRunsPerFixture: number;
  splicesPerFixture: number;
}

export const QUICK_PLAN: FuzzPlan = {
  seed: 0x5747a7a,
  smallBytes: 64 * 1024,
  bigTruncations: 48,
  flipsPerFixture: 40,
  headerFlipsPerFixture: 30,
  jsonFlipsPerFixture: 30,
  blobFlipsPerBlob: 6,
  blobTruncationsPerBlob: 3,
  innerFlipsPerLayer: 4,
  innerTruncationsPerLayer: 2,
  zeroRunsPerFixture: 6,
  splicesPerFixture: 6,
};

export function fixtureArchives(): string[] {
  return fs
    .readdirSync(DIVE_FIXTURES)
    .filter((f) => f.endsWith('.tar'))
    .sort()
    .map((f) => path.join(DIVE_FIXTURES, f));
}

/** Every case of the plan, lazily (a case's bytes are built only when it runs). */
export function* fuzzCases(fixtures: string[], plan: FuzzPlan): Generator<FuzzCase> {
  for (const file of fixtures) {
    const orig = fs.readFileSync(file);
    const base = path.basename(file, '.tar');
    // Seeded per fixture by name, so a subset of fixtures gives the same cases.
    const rnd = prng(plan.seed ^ stringHash(base));
    const entries = tarEntries(orig);
    const blocks = orig.length / 512;

    // 1. Truncation at tar block boundaries (every one for small fixtures, a sample for big ones),
    //    plus a few cuts inside a block.
    let cuts: number[];
    if (orig.length <= plan.smallBytes) cuts = Array.from({ length: blocks }, (_, i) => i * 512);
    else {
      const set = new Set<number>([0, 512, (blocks - 1) * 512, (blocks - 2) * 512]);
      for (const e of entries) if (set.size < plan.bigTruncations / 2) set.add(e.dataOffset);
      while (set.size < plan.bigTruncations) set.add(randInt(rnd, 0, blocks) * 512);
      cuts = [...set].sort((a, b) => a - b);
    }
    for (const c of cuts) yield { name: `${base} truncate@${c}`, cls: 'truncate', bytes: () => orig.subarray(0, c) };
    for (let i = 0; i < 4; i++) {
      const c = randInt(rnd, 1, orig.length);
      yield { name: `${base} truncate@${c}`, cls: 'truncate', bytes: () => orig.subarray(0, c) };
    }

    // 2. Random byte flips anywhere.
    const flipCase = (cls: FuzzCase['cls'], label: string, positions: number[]): FuzzCase => {
      const values = positions.map(() => randInt(rnd, 0, 256));
      return {
        name: `${base} ${label} ${positions.map((p, k) => `${p}=${values[k]}`).join(',')}`,
        cls,
        bytes: () => {
          const b = Buffer.from(orig);
          positions.forEach((p, k) => {
            b[p] = b[p] === values[k] ? values[k] ^ 0xff : values[k];
          });
          return b;
        },
      };
    };
    for (let i = 0; i < plan.flipsPerFixture; i++) {
      const n = randInt(rnd, 1, 9);
      yield flipCase(
        'flip',
        'flip',
        Array.from({ length: n }, () => randInt(rnd, 0, orig.length)),
      );
    }

    // 3. Flips aimed at outer tar headers (name, size, type, checksum fields) and JSON documents.
    const fields = [0, 50, 99, 100, 124, 130, 135, 148, 155, 156, 157, 257, 345];
    for (let i = 0; i < plan.headerFlipsPerFixture && entries.length > 0; i++) {
      const e = entries[randInt(rnd, 0, entries.length)];
      const f = fields[randInt(rnd, 0, fields.length)];
      yield flipCase('header-flip', `header-flip[${e.name}]`, [e.headerOffset + f + randInt(rnd, 0, 4)]);
    }
    const jsonEntries = entries.filter((e) => e.size > 0 && isJson(orig.subarray(e.dataOffset, e.dataOffset + e.size)));
    for (let i = 0; i < plan.jsonFlipsPerFixture && jsonEntries.length > 0; i++) {
      const e = jsonEntries[randInt(rnd, 0, jsonEntries.length)];
      const n = randInt(rnd, 1, 3);
      yield flipCase(
        'json-flip',
        `json-flip[${e.name}]`,
        Array.from({ length: n }, () => e.dataOffset + randInt(rnd, 0, e.size)),
      );
    }

    // 4. Corrupted compressed streams inside the layer blobs (the outer tar stays valid).
    const blobs = entries.filter(
      (e) =>
        e.size > 0 &&
        (isGzip(orig.subarray(e.dataOffset, e.dataOffset + 4)) ||
          isZstd(orig.subarray(e.dataOffset, e.dataOffset + 4))),
    );
    for (const e of blobs) {
      const kind = isGzip(orig.subarray(e.dataOffset, e.dataOffset + 4)) ? 'gzip' : 'zstd';
      for (let i = 0; i < plan.blobFlipsPerBlob; i++) {
        // Half of them in the stream header (first 32 bytes), half in the compressed body.
        const p = i % 2 === 0 ? randInt(rnd, 0, Math.min(32, e.size)) : randInt(rnd, 0, e.size);
        yield flipCase('blob-flip', `${kind}-flip[${e.name}]`, [e.dataOffset + p]);
      }
      for (let i = 0; i < plan.blobTruncationsPerBlob; i++) {
        const keep = randInt(rnd, 0, e.size);
        yield {
          name: `${base} ${kind}-truncate[${e.name}]@${keep}`,
          cls: 'blob-truncate',
          bytes: () => replaceEntryData(orig, e, orig.subarray(e.dataOffset, e.dataOffset + keep)),
        };
      }
      if (e.size > 8) {
        // The gzip trailer is CRC32 + ISIZE; zstd's last bytes are the checksum or the last block.
        yield flipCase('blob-trailer', `${kind}-trailer[${e.name}]`, [e.dataOffset + e.size - 1 - randInt(rnd, 0, 8)]);
        yield {
          name: `${base} ${kind}-garbage-tail[${e.name}]`,
          cls: 'blob-trailer',
          bytes: () =>
            replaceEntryData(
              orig,
              e,
              Buffer.concat([
                orig.subarray(e.dataOffset, e.dataOffset + e.size),
                Buffer.from('garbage after the stream'),
              ]),
            ),
        };
      }
    }

    // 5. Uncompressed layer blobs: flips in their inner tar headers, truncated inner tars.
    const layers = entries.filter((e) => e.size >= 1024 && isTar(orig.subarray(e.dataOffset, e.dataOffset + 512)));
    for (const e of layers) {
      const inner = tarEntries(orig.subarray(e.dataOffset, e.dataOffset + e.size));
      for (let i = 0; i < plan.innerFlipsPerLayer && inner.length > 0; i++) {
        const ie = inner[randInt(rnd, 0, inner.length)];
        const f = fields[randInt(rnd, 0, fields.length)];
        yield flipCase('inner-header-flip', `inner-header-flip[${e.name}:${ie.name}]`, [
          e.dataOffset + ie.headerOffset + f + randInt(rnd, 0, 4),
        ]);
      }
      for (let i = 0; i < plan.innerTruncationsPerLayer; i++) {
        const keep = randInt(rnd, 0, e.size / 512) * 512;
        yield {
          name: `${base} inner-truncate[${e.name}]@${keep}`,
          cls: 'inner-truncate',
          bytes: () => replaceEntryData(orig, e, orig.subarray(e.dataOffset, e.dataOffset + keep)),
        };
      }
    }

    // 6. Zeroed ranges and spliced ranges (a block copied over another).
    for (let i = 0; i < plan.zeroRunsPerFixture; i++) {
      const start = randInt(rnd, 0, orig.length);
      const len = randInt(rnd, 1, 2048);
      yield {
        name: `${base} zero@${start}+${len}`,
        cls: 'zero-run',
        bytes: () => Buffer.from(orig).fill(0, start, Math.min(orig.length, start + len)),
      };
    }
    for (let i = 0; i < plan.splicesPerFixture && blocks > 2; i++) {
      const from = randInt(rnd, 0, blocks) * 512;
      const to = randInt(rnd, 0, blocks) * 512;
      yield {
        name: `${base} splice ${from}->${to}`,
        cls: 'splice',
        bytes: () => {
          const b = Buffer.from(orig);
          orig.copy(b, to, from, from + 512);
          return b;
        },
      };
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Running a case in-process

export type Outcome = 'ok' | 'error' | 'bug' | 'timeout';

export interface CaseResult {
  outcome: Outcome;
  /** The error message (one line expected) or the bug's description. */
  message?: string;
  ms: number;
}

/** The archive readers' own error classes: what the CLI reports as one line with exit code 2. */
const CLEAN_ERRORS = new Set([
  'StrataError',
  'LayerReadError',
  'ArchiveFormatError',
  'ImageSelectError',
  'LayerFormatError',
]);

let uncaught: unknown[] = [];
const onUncaught = (e: unknown): void => {
  uncaught.push(e);
};

/**
 * Load the archive at `file` as the CLI does (no cache), build the JSON and the text report.
 * `ok`: a report that survives JSON round-trip; `error`: one of the readers' errors, one line;
 * `bug`: anything else; `timeout`: no answer within `timeoutMs`.
 */
export async function runInProcess(file: string, timeoutMs: number): Promise<CaseResult> {
  uncaught = [];
  // Only while the case runs: an error that escapes the product's promise chains lands here.
  process.on('uncaughtException', onUncaught);
  process.on('unhandledRejection', onUncaught);
  const t0 = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const work = (async () => {
    const img = await loadImage(parseSource(file), {});
    const report = buildReport(img, { files: true });
    const text = Array.from(reportText(img, report)).join('');
    assertReport(JSON.parse(text), `${path.basename(file)}: report`);
    const summary = textReport(img);
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/.test(summary))
      throw new Error('BUG: raw control character in the text summary');
  })();
  const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
  let result: CaseResult;
  try {
    const r = await Promise.race([work.then(() => 'ok' as const), timeout]);
    result =
      r === 'timeout'
        ? { outcome: 'timeout', message: `no answer within ${timeoutMs} ms`, ms: timeoutMs }
        : { outcome: 'ok', ms: 0 };
  } catch (err) {
    const e = err as Error;
    const cls = e?.constructor?.name ?? typeof err;
    const msg = String(e?.message ?? err);
    if (!CLEAN_ERRORS.has(cls)) result = { outcome: 'bug', message: `${cls}: ${msg}`, ms: 0 };
    else if (err instanceof StrataError && err.exitCode !== 2)
      result = { outcome: 'bug', message: `exit code ${err.exitCode} for an archive: ${msg}`, ms: 0 };
    else if (!msg.trim()) result = { outcome: 'bug', message: `${cls} with an empty message`, ms: 0 };
    else result = { outcome: 'error', message: msg, ms: 0 };
  } finally {
    clearTimeout(timer);
  }
  work.catch(() => {}); // a timed-out case may still settle later
  // Let stray callbacks of the case run before judging it.
  await new Promise((r) => setImmediate(r));
  process.off('uncaughtException', onUncaught);
  process.off('unhandledRejection', onUncaught);
  if (uncaught.length > 0) {
    const e = uncaught[0] as Error;
    result = { outcome: 'bug', message: `uncaught: ${e?.constructor?.name}: ${e?.message ?? e}`, ms: 0 };
  }
  result.ms = performance.now() - t0;
  return result;
}

/**
 * The CLI contract for a (possibly broken) archive: exit 0 with a JSON report on stdout, or exit 2
 * with nothing on stdout and exactly one line on stderr that starts with "strata: ". Returns the
 * problem, or null when the run keeps the contract.
 */
export function cliContractViolation(r: CliCaseResult, mode: 'json' | 'text' = 'json'): string | null {
  if (r.timedOut) return `no answer within the timeout (killed after ${Math.round(r.ms)} ms)`;
  if (r.signal) return `killed by ${r.signal}`;
  if (looksLikeStackTrace(r.stderr)) return `stack trace on stderr: ${r.stderr.slice(0, 400)}`;
  if (r.code === 0) {
    if (mode === 'json') {
      let doc: unknown;
      try {
        doc = JSON.parse(r.stdout);
      } catch {
        return `exit 0 but stdout is not JSON: ${r.stdout.slice(0, 200)}`;
      }
      const errs = reportErrors(doc);
      if (errs) return `the report does not match schema/report.schema.json: ${errs}`;
    }
    if (r.stderr.includes('\u001b')) return 'raw ESC on stderr';
    if (mode === 'text' && r.stdout.includes('\u001b')) return 'raw ESC in the text summary';
    return null;
  }
  if (r.code !== 2) return `exit ${r.code} (expected 0 or 2); stderr: ${r.stderr.trim().slice(0, 300)}`;
  if (r.stdout !== '') return `exit 2 but stdout is not empty: ${r.stdout.slice(0, 200)}`;
  const lines = r.stderr.split('\n');
  if (lines.length !== 2 || lines[1] !== '')
    return `exit 2 but stderr is not exactly one line: ${JSON.stringify(r.stderr.slice(0, 400))}`;
  if (!lines[0].startsWith('strata: ')) return `stderr does not start with "strata: ": ${lines[0].slice(0, 200)}`;
  if (lines[0].includes('\u001b')) return 'raw ESC on stderr';
  return null;
}

// ---------------------------------------------------------------------------------------------
// Bookkeeping

export interface Tally {
  cases: number;
  byOutcome: Record<Outcome, number>;
  byClass: Record<string, Record<Outcome, number>>;
  bugs: { name: string; outcome: Outcome; message: string }[];
  maxMs: number;
  maxMsCase: string;
  totalMs: number;
  peakRssMb: number;
}

export function newTally(): Tally {
  return {
    cases: 0,
    byOutcome: { ok: 0, error: 0, bug: 0, timeout: 0 },
    byClass: {},
    bugs: [],
    maxMs: 0,
    maxMsCase: '',
    totalMs: 0,
    peakRssMb: 0,
  };
}

export function record(t: Tally, c: FuzzCase, r: CaseResult): void {
  t.cases++;
  t.byOutcome[r.outcome]++;
  t.byClass[c.cls] ??= { ok: 0, error: 0, bug: 0, timeout: 0 };
  t.byClass[c.cls][r.outcome]++;
  if (r.outcome === 'bug' || r.outcome === 'timeout')
    t.bugs.push({ name: c.name, outcome: r.outcome, message: r.message ?? '' });
  if (r.ms > t.maxMs) {
    t.maxMs = r.ms;
    t.maxMsCase = c.name;
  }
  t.totalMs += r.ms;
  t.peakRssMb = Math.max(t.peakRssMb, process.memoryUsage().rss / 1048576);
}

export function summaryLine(label: string, t: Tally): string {
  const o = t.byOutcome;
  return (
    `${label}: ${t.cases} cases: ${o.ok} ok, ${o.error} clean errors (exit 2), ${o.bug} bugs, ` +
    `${o.timeout} timeouts; slowest ${Math.round(t.maxMs)} ms (${t.maxMsCase}); peak RSS ${Math.round(t.peakRssMb)} MB`
  );
}

/** Write a case's bytes to a scratch file (the sources take paths). */
export function writeCase(dir: string, c: FuzzCase, i: number): string {
  const f = path.join(dir, `case-${i}.tar`);
  fs.writeFileSync(f, c.bytes());
  return f;
}

// ---------------------------------------------------------------------------------------------
// OCI layout directories (`oci:DIR`): the same blobs, read from files instead of a tar stream.

export interface LayoutCase {
  name: string;
  /** Writes the (mutated) layout into `dir`. */
  write: (dir: string) => void;
}

/** Unpack each OCI fixture into a layout and corrupt one blob per case (flip, truncate, empty, remove). */
export function* layoutCases(fixtures: string[], plan: FuzzPlan, perBlob: number): Generator<LayoutCase> {
  for (const file of fixtures) {
    const orig = fs.readFileSync(file);
    const entries = tarEntries(orig).filter((e) => e.type === '0' || e.type === '\0');
    if (!entries.some((e) => e.name === 'index.json')) continue;
    const base = path.basename(file, '.tar');
    const rnd = prng(plan.seed ^ stringHash(`layout:${base}`));
    const unpack = (dir: string, mutate: (name: string, data: Buffer) => Buffer | null) => {
      for (const e of entries) {
        const data = mutate(e.name, orig.subarray(e.dataOffset, e.dataOffset + e.size));
        if (data === null) continue;
        const p = path.join(dir, e.name);
        fs.mkdirSync(path.dirname(p), { recursive: true });
        fs.writeFileSync(p, data);
      }
    };
    for (const target of entries.filter((e) => e.name.startsWith('blobs/'))) {
      for (let i = 0; i < perBlob; i++) {
        const pos = randInt(rnd, 0, Math.max(1, target.size));
        const val = randInt(rnd, 0, 256);
        yield {
          name: `${base} layout blob-flip[${target.name}] ${pos}=${val}`,
          write: (dir) =>
            unpack(dir, (n, d) => {
              if (n !== target.name) return d;
              const b = Buffer.from(d);
              b[pos] = b[pos] === val ? val ^ 0xff : val;
              return b;
            }),
        };
        const keep = randInt(rnd, 0, target.size);
        yield {
          name: `${base} layout blob-truncate[${target.name}]@${keep}`,
          write: (dir) => unpack(dir, (n, d) => (n === target.name ? d.subarray(0, keep) : d)),
        };
      }
      yield {
        name: `${base} layout blob-missing[${target.name}]`,
        write: (dir) => unpack(dir, (n, d) => (n === target.name ? null : d)),
      };
    }
  }
}
