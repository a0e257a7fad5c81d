#!/usr/bin/env node
// The layout rules Biome cannot express (import cycles are Biome's noImportCycles):
//  - the top folders of src/ import one way only, in the order of RANKS below (see docs/ARCHITECTURE.md);
//  - every src file is at most 300 lines, and no line of src, test, bench or scripts is over 120 characters;
//  - no comment cites an issue or ticket number: comments name subjects.
// Prints one line per finding and exits 1 when there is any.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const ROOT = resolve(dirname(new URL(import.meta.url).pathname), '..');
const SRC = join(ROOT, 'src');
// Lowest first: a room may import only from rooms before it in this list (and from itself).
const RANKS = ['model', 'errors', 'format', 'fs', 'archive', 'cache', 'sources', 'report', 'ui', 'cli'];
const MAX_FILE_LINES = 300;
const MAX_LINE = 120;

function walk(dir, out = []) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'out' || name === 'dist' || name === 'fixtures') continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (/\.(ts|tsx|mjs|js)$/.test(name)) out.push(p);
  }
  return out;
}

const roomOf = (file) =>
  relative(SRC, file)
    .split('/')[0]
    .replace(/\.(js|tsx?)$/, '');
const findings = [];
const IMPORT = /(?:^|[\s;])(?:import|export)\s[^'";]*?from\s*['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g;
const ISSUE_REF = /\/\/.*(?:\bissues?\s*#?\d+|#\d{1,4}\b)|\/\*[\s\S]*?(?:\bissues?\s*#?\d+|#\d{1,4}\b)[\s\S]*?\*\//gi;

for (const file of walk(SRC)) {
  const text = readFileSync(file, 'utf8');
  const rel = relative(ROOT, file);
  const lines = text.split('\n');
  if (lines.length - (lines.at(-1) === '' ? 1 : 0) > MAX_FILE_LINES) {
    findings.push(`${rel}: ${lines.length} lines (at most ${MAX_FILE_LINES})`);
  }
  const room = roomOf(file);
  const rank = RANKS.indexOf(room);
  if (rank < 0) findings.push(`${rel}: top-level room "${room}" is not in the layout (scripts/check-layout.mjs)`);
  for (const m of text.matchAll(IMPORT)) {
    const spec = m[1] ?? m[2];
    const target = resolve(dirname(file), spec);
    if (!target.startsWith(SRC)) continue;
    const to = roomOf(target);
    if (to === room) continue;
    if (RANKS.indexOf(to) > rank || RANKS.indexOf(to) < 0)
      findings.push(`${rel}: ${room} may not import ${to} (${spec})`);
  }
}

for (const dir of ['src', 'test', 'bench', 'scripts']) {
  for (const file of walk(join(ROOT, dir))) {
    const rel = relative(ROOT, file);
    const lines = readFileSync(file, 'utf8').split('\n');
    lines.forEach((line, i) => {
      if (line.length > MAX_LINE) findings.push(`${rel}:${i + 1}: ${line.length} characters (at most ${MAX_LINE})`);
    });
    for (const m of readFileSync(file, 'utf8').matchAll(ISSUE_REF)) {
      findings.push(`${rel}: a comment cites an issue number: ${m[0].trim().slice(0, 80)}`);
    }
  }
}

for (const f of findings) console.log(f);
if (findings.length) {
  console.log(`${findings.length} layout finding(s); the rules are in docs/ARCHITECTURE.md`);
  process.exit(1);
}
