#!/usr/bin/env node
// Node 20's test runner does not expand globs: find test/**/*.test.ts(x) here and hand them over.
// Arguments narrow the run to files whose path contains one of them: `npm test -- test/unit`.
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const files = [];
const stack = [join(root, 'test')];
while (stack.length) {
  const dir = stack.pop();
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (name === 'node_modules' || name === 'fixtures') continue;
    if (statSync(p).isDirectory()) stack.push(p);
    else if (/\.test\.tsx?$/.test(name)) files.push(relative(root, p));
  }
}
files.sort();
const filters = process.argv.slice(2);
const chosen = filters.length ? files.filter((f) => filters.some((x) => f.includes(x))) : files;
if (chosen.length === 0) {
  console.error('no test files match');
  process.exit(1);
}
const r = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-reporter=spec', ...chosen],
  {
    cwd: root,
    stdio: 'inherit',
  },
);
process.exit(r.status ?? 1);
