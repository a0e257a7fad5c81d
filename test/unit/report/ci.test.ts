/** The CI gate: dive's rules and meanings, Strata's exact rules, ignore globs, exit codes. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../../support/cli.js';
import { fixture } from '../../support/paths.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-ci-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));
const docker = fixture('test-docker-image.tar');

function config(text: string): string {
  const f = path.join(tmp, `dive-ci-${Math.random().toString(36).slice(2)}.yaml`);
  fs.writeFileSync(f, text);
  return f;
}

test('dive defaults: lowestEfficiency 0.9 passes, highestUserWastedPercent 0.1 fails -> exit 1', async () => {
  const r = await runCli([docker, '--ci', '--no-cache'], { cwd: tmp });
  assert.equal(r.code, 1);
  assert.match(r.stdout, /PASS {2}lowestEfficiency: 0\.9844 >= 0\.9000/);
  assert.match(r.stdout, /FAIL {2}highestUserWastedPercent: 0\.4835 > 0\.1000/);
  assert.match(r.stdout, /SKIP {2}highestWastedBytes: disabled/);
  assert.match(r.stdout, /^Result: FAIL \[1 passed, 1 failed, 5 skipped\]$/m);
});

test('each rule evaluated against its figure, in --ci --json', async () => {
  const f = config(
    'rules:\n  lowestEfficiency: 0.95\n  highestWastedBytes: 33KB\n  highestUserWastedPercent: disabled\n' +
      '  lowestStrataEfficiency: 0.97\n  highestStrataWastedBytes: 31KiB\n',
  );
  const r = await runCli([docker, '--ci', '--ci-config', f, '--json', '--no-cache']);
  assert.equal(r.code, 1);
  const report = JSON.parse(r.stdout);
  assert.equal(report.ci.passed, false);
  const rules = Object.fromEntries(report.ci.rules.map((x: { rule: string }) => [x.rule, x]));
  assert.deepEqual(rules.lowestEfficiency, {
    rule: 'lowestEfficiency',
    status: 'PASS',
    value: 0.9844212134184309,
    threshold: 0.95,
    message: '0.9844 >= 0.9500',
  });
  assert.equal(rules.highestWastedBytes.status, 'PASS'); // 32025 <= 33000
  assert.equal(rules.highestUserWastedPercent.status, 'SKIP');
  assert.equal(rules.lowestStrataEfficiency.status, 'PASS'); // 0.9738 >= 0.97
  assert.deepEqual(rules.highestStrataWastedBytes, {
    rule: 'highestStrataWastedBytes',
    status: 'FAIL',
    value: 32025,
    threshold: 31744,
    message: '32025 B > 31744 B',
  });
  // The verdict also goes to stderr so that the JSON stays clean.
  assert.match(r.stderr, /Result: FAIL \[3 passed, 1 failed, 3 skipped\]/);
});

test('flags override the file; everything passing exits 0', async () => {
  const f = config('rules:\n  highestUserWastedPercent: 0.1\n');
  const r = await runCli([docker, '--ci', '--ci-config', f, '--highestUserWastedPercent', '0.5', '--no-cache']);
  assert.equal(r.code, 0, r.stdout);
  assert.match(r.stdout, /PASS {2}highestUserWastedPercent: 0\.4835 <= 0\.5000/);
});

test('ignore globs take waste under matching paths out of every figure', async () => {
  const f = config('rules:\n  highestUserWastedPercent: 0.1\n  highestStrataWastedBytes: 0\nignore:\n  - /root/**\n');
  const r = await runCli([docker, '--ci', '--ci-config', f, '--json', '--no-cache']);
  assert.equal(r.code, 0, r.stderr);
  const rules = Object.fromEntries(JSON.parse(r.stdout).ci.rules.map((x: { rule: string }) => [x.rule, x]));
  assert.equal(rules.highestStrataWastedBytes.value, 0);
  assert.equal(rules.highestUserWastedPercent.value, 0);
  assert.equal(rules.lowestEfficiency.value, 1);
});

test('an undefined percentage (no layer above the base) is skipped, never a failure or a crash', async () => {
  const r = await runCli([fixture('test-oci-gzip-image.tar'), '--ci', '--highestUserWastedPercent', '0', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const rule = JSON.parse(r.stdout).ci.rules.find((x: { rule: string }) => x.rule === 'highestUserWastedPercent');
  assert.equal(rule.status, 'SKIP');
  assert.equal(rule.value, null);
});

test('pinnedReference (opt-in) fails an image used through latest', async () => {
  const r = await runCli([
    docker,
    '--ci',
    '--pinnedReference',
    'true',
    '--lowestEfficiency',
    'disabled',
    '--highestUserWastedPercent',
    'disabled',
  ]);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /FAIL {2}pinnedReference: dive-test:latest floats/);
  const ok = await runCli([
    fixture('test-kaniko-image.tar'),
    '--ci',
    '--pinnedReference',
    'true',
    '--highestUserWastedPercent',
    'disabled',
  ]);
  assert.equal(ok.code, 0, ok.stdout);
});

test('bad rules are usage errors (exit 2), not silent passes', async () => {
  const unknown = await runCli([docker, '--ci', '--ci-config', config('rules:\n  lowestEficiency: 0.9\n')]);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown rule "lowestEficiency"/);
  const bad = await runCli([docker, '--ci', '--highestWastedBytes', 'lots']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^strata: invalid byte size "lots"\n$/);
  const yaml = await runCli([docker, '--ci', '--ci-config', config('rules: [\n')]);
  assert.equal(yaml.code, 2);
  const missing = await runCli([docker, '--ci', '--ci-config', path.join(tmp, 'nope')]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /cannot read CI config/);
});

test('--json FILE is written atomically; usage errors exit 2', async () => {
  const out = path.join(tmp, 'report.json');
  const r = await runCli([docker, '--json', out, '--no-cache']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, '');
  assert.equal(JSON.parse(fs.readFileSync(out, 'utf8')).summary.wastedBytes, 32025);
  assert.deepEqual(
    fs.readdirSync(tmp).filter((n) => n.includes('report.json') && n !== 'report.json'),
    [],
  );
  for (const args of [['--bogus'], [docker, '--files'], [docker, '--base-layers', 'x'], [docker, 'extra']]) {
    const u = await runCli(args);
    assert.equal(u.code, 2, args.join(' '));
    assert.equal(u.stderr.split('\n').length, 2, u.stderr);
  }
});

test('highestRecoverableBytes: fails above its threshold, passes at it, from a flag or .dive-ci', async () => {
  const report = JSON.parse((await runCli([docker, '--json', '--no-cache'])).stdout);
  const recoverable: number = report.summary.recoverableBytes;
  assert.ok(recoverable > report.summary.wastedBytes, 'the dive image has duplicates on top of its waste');
  const over = await runCli([
    docker,
    '--ci',
    '--highestRecoverableBytes',
    String(recoverable - 1),
    '--lowestEfficiency',
    'disabled',
    '--highestUserWastedPercent',
    'disabled',
    '--no-cache',
  ]);
  assert.equal(over.code, 1, over.stdout);
  assert.match(over.stdout, new RegExp(`FAIL {2}highestRecoverableBytes: ${recoverable} B > ${recoverable - 1} B`));
  const at = config(
    `rules:\n  highestRecoverableBytes: ${recoverable}\n` +
      '  lowestEfficiency: disabled\n  highestUserWastedPercent: disabled\n',
  );
  const pass = await runCli([docker, '--ci', '--ci-config', at, '--no-cache']);
  assert.equal(pass.code, 0, pass.stdout);
  assert.match(pass.stdout, new RegExp(`PASS {2}highestRecoverableBytes: ${recoverable} B <= ${recoverable} B`));
  // Off by default: reported as skipped.
  const off = await runCli([docker, '--ci', '--no-cache']);
  assert.match(off.stdout, /SKIP {2}highestRecoverableBytes: disabled/);
});

test('highestRecoverableBytes: ignore globs take their paths out of the advice', async () => {
  const report = JSON.parse((await runCli([docker, '--json', '--no-cache'])).stdout);
  // Independently: the advice items under /root (waste pairs and duplicate copies there).
  const dup = report.advice.find((x: { kind: string }) => x.kind === 'duplicate-content');
  const rootCopies = dup.paths.filter((p: string) => p.startsWith('/root/')).length;
  const rootWaste = report.wasted
    .filter((w: { path: string }) => w.path.startsWith('/root/'))
    .reduce((s: number, w: { bytes: number }) => s + w.bytes, 0);
  const expected = report.summary.recoverableBytes - rootWaste - rootCopies * dup.size;
  const f = config('rules:\n  highestRecoverableBytes: 1\nignore:\n  - /root/**\n');
  const r = await runCli([docker, '--ci', '--ci-config', f, '--json', '--no-cache']);
  const rule = JSON.parse(r.stdout).ci.rules.find((x: { rule: string }) => x.rule === 'highestRecoverableBytes');
  assert.equal(rule.value, expected);
  const all = await runCli([docker, '--ci', '--highestRecoverableBytes', '0', '--ignore', '/**', '--no-cache']);
  assert.equal(all.code, 0, all.stdout);
  assert.match(all.stdout, /PASS {2}highestRecoverableBytes: 0 B <= 0 B/);
});
