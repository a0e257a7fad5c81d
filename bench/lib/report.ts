// Targets, console summary and the README tables, from one results object.
import { readFileSync, writeFileSync } from 'node:fs';
import type { PreparedImage } from './image.js';
import type { Machine } from './machine.js';

export interface Measure {
  key: string;
  label: string;
  /** Every sample, in run order (ms, or MB for memory). */
  samples: number[];
  median?: number;
  unit: 'ms' | 'MB';
  /** Why there is no figure (skipped or failed). */
  note?: string;
}

export interface Target {
  name: string;
  value?: number;
  limit: number;
  unit: string;
  pass?: boolean;
  /** How far off, when missed: value / limit. */
  over?: number;
  /** Some sample behind this figure was taken while the machine was busy or the Engine restarted. */
  unreliable?: boolean;
}

export interface Results {
  date: string;
  machine: Machine;
  runs: number;
  image: {
    ref: string;
    id: string;
    sizeBytes: number;
    archiveBytes: number;
    layers: number;
    entries: number;
  };
  measures: Record<string, Measure>;
  ratios: Record<string, number | undefined>;
  targets: Target[];
  checks: string[];
  tui?: { firstFrameMs: number; keyMedianMs: number; keyP95Ms: number } | { note: string };
}

export const MB = 1e6; // targets are in MB = 10^6 bytes (the stricter reading of "400 MB")

export function target(name: string, value: number | undefined, limit: number, unit: string): Target {
  if (value === undefined || !Number.isFinite(value)) return { name, limit, unit };
  return { name, value, limit, unit, pass: value <= limit, over: value / limit };
}

const fmtNum = (x: number, unit: string): string =>
  unit === 'ms'
    ? x >= 10_000
      ? `${(x / 1000).toFixed(1)} s`
      : x >= 1000
        ? `${(x / 1000).toFixed(2)} s`
        : `${x.toFixed(0)} ms`
    : unit === 'MB'
      ? `${x.toFixed(0)} MB`
      : unit === 'x'
        ? `${x.toFixed(2)}x`
        : `${x}`;

export function fmt(x: number | undefined, unit: string): string {
  return x === undefined || !Number.isFinite(x) ? 'n/a' : fmtNum(x, unit);
}

function verdict(t: Target): string {
  if (t.pass === undefined) return 'not measured';
  const caveat = t.unreliable ? ', unreliable: samples taken on a busy machine (see checks)' : '';
  if (t.pass) return `PASS${caveat}`;
  return `**MISS** (${t.over!.toFixed(2)}x the limit${caveat})`;
}

export function consoleSummary(r: Results): string {
  const lines = [`strata bench, ${r.date}, ${r.runs} runs (median)`, ''];
  for (const m of Object.values(r.measures)) {
    const all = m.samples.map((s) => fmt(s, m.unit)).join(', ');
    lines.push(`  ${m.label.padEnd(58)} ${fmt(m.median, m.unit).padStart(9)}  [${all}]${m.note ? `  ${m.note}` : ''}`);
  }
  lines.push('');
  for (const t of r.targets) {
    lines.push(
      `  ${t.name.padEnd(40)} ${fmt(t.value, t.unit).padStart(9)}  <= ${fmt(t.limit, t.unit).padEnd(8)} ` +
        verdict(t).replace(/\*/g, ''),
    );
  }
  for (const c of r.checks) lines.push(`  check: ${c}`);
  return lines.join('\n');
}

function resultsTable(r: Results): string {
  const gib = (b: number) => `${(b / 2 ** 30).toFixed(2)} GiB`;
  const m = r.machine;
  const out = [
    `Measured ${r.date} on ${m.cpu}, ${m.cores} cores, ${gib(m.ramBytes)} RAM, ${m.kernel}, ` +
      `Docker ${m.docker}, Node ${m.node}.`,
    `Image \`${r.image.ref}\` (${r.image.layers} layers, ${(r.image.sizeBytes / 1e9).toFixed(2)} GB by the Engine, ` +
      `${(r.image.archiveBytes / 1e9).toFixed(2)} GB saved, ${r.image.entries.toLocaleString('en-US')} tar entries); ` +
      `median of ${r.runs} interleaved runs, every sample in brackets.`,
    '',
    '| | Measure | Median | Samples |',
    '|---|---|---:|---|',
  ];
  for (const x of Object.values(r.measures)) {
    const samples = x.samples.length ? x.samples.map((s) => fmt(s, x.unit)).join(', ') : (x.note ?? '');
    out.push(`| ${x.key} | ${x.label} | ${fmt(x.median, x.unit)} | ${samples} |`);
  }
  out.push('', '| Target | Measured | Limit | Verdict |', '|---|---:|---:|---|');
  for (const t of r.targets)
    out.push(`| ${t.name} | ${fmt(t.value, t.unit)} | ${fmt(t.limit, t.unit)} | ${verdict(t)} |`);
  if (r.checks.length) {
    out.push('', 'Checks made on the same run:', '');
    for (const c of r.checks) out.push(`- ${c}`);
  }
  return out.join('\n');
}

function imageTable(img: PreparedImage): string {
  const out = [
    "| # | Step | Blob | Files' bytes | Entries | Files / dirs / links | Whiteouts (opaque) |",
    '|---:|---|---:|---:|---:|---|---:|',
  ];
  const mb = (b: number) => `${(b / 1e6).toFixed(1)} MB`;
  const n = (x: number) => x.toLocaleString('en-US');
  for (const l of img.layers) {
    const cmd = l.createdBy.replace(/\b(file|dir):([0-9a-f]{12})[0-9a-f]{52}\b/g, '$1:$2...');
    const step = cmd.length > 90 ? `${cmd.slice(0, 87)}...` : cmd;
    out.push(
      `| ${l.index} | \`${step.replace(/\|/g, '\\|')}\` | ${mb(l.blobBytes)} | ${mb(l.contentBytes)} | ` +
        `${n(l.entries)} | ${n(l.files)} / ${n(l.dirs)} / ${n(l.symlinks + l.hardlinks)} | ` +
        `${l.whiteouts} (${l.opaqueDirs}) |`,
    );
  }
  const sum = (k: 'blobBytes' | 'contentBytes' | 'entries') => img.layers.reduce((a, l) => a + l[k], 0);
  out.push(`| | **total** | ${mb(sum('blobBytes'))} | ${mb(sum('contentBytes'))} | ${n(sum('entries'))} | | |`);
  return out.join('\n');
}

function replaceBetween(text: string, name: string, body: string): string {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const i = text.indexOf(start);
  const j = text.indexOf(end);
  const block = `${start}\n${body}\n${end}`;
  if (i < 0 || j < i) return `${text.trimEnd()}\n\n${block}\n`;
  return text.slice(0, i) + block + text.slice(j + end.length);
}

export function updateReadme(path: string, r: Results, img: PreparedImage): void {
  let text = '';
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    text = '# Strata benchmark\n';
  }
  text = replaceBetween(text, 'image', imageTable(img));
  text = replaceBetween(text, 'results', resultsTable(r));
  writeFileSync(path, text);
}
