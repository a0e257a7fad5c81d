/**
 * schema/report.schema.json: a valid JSON Schema 2020-12 (Ajv in strict mode compiles it), it
 * accepts the reports the CLI writes in every mode, and it rejects reports that drift from it.
 * (Every other test that runs the CLI with --json validates its report through the same hook.)
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { runCli } from '../../support/cli.js';
import { assertReport, cliReportProblem, reportErrors, SCHEMA_FILE } from '../../support/report-schema.js';
import { ROOT, fixture } from '../../support/paths.js';

const schema = JSON.parse(fs.readFileSync(SCHEMA_FILE, 'utf8'));
const docker = fixture('test-docker-image.tar');

async function report(args: string[]): Promise<any> {
  const r = await runCli(args);
  assert.ok(r.code === 0 || r.code === 1, r.stderr);
  return JSON.parse(r.stdout);
}

test('the schema is JSON Schema 2020-12 and compiles in strict mode', () => {
  assert.equal(schema.$schema, 'https://json-schema.org/draft/2020-12/schema');
  assert.equal(reportErrors({}) !== null, true, 'an empty object is not a report');
});

test('image reports validate: plain, --files, --ci, and --json FILE', async () => {
  assertReport(await report([docker, '--json']));
  const files = await report([docker, '--json', '--files']);
  assert.ok(
    files.layers.some((l: any) => l.files.length > 0),
    'file lists are there',
  );
  assertReport(files);
  const ci = await report([docker, '--json', '--ci', '--highestStrataWastedBytes', '0', '--ignore', '/nonexistent/**']);
  assert.equal(ci.ci.passed, false, 'the gate fails: the image wastes bytes');
  assertReport(ci);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-schema-'));
  try {
    const out = path.join(dir, 'r.json');
    const r = await runCli([docker, '--json', out, '--files', '--no-cache']);
    assert.equal(r.code, 0, r.stderr);
    assertReport(JSON.parse(fs.readFileSync(out, 'utf8')));
    // The hook finds FILE by itself.
    assert.equal(cliReportProblem([docker, '--json', out], { code: 0, stdout: '' }, ROOT), null);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('diff reports validate', async () => {
  const d = await report(['diff', docker, fixture('test-oci-gzip-image.tar'), '--json']);
  assert.equal(d.kind, 'diff');
  assertReport(d);
});

test('drift is caught: an unknown field, a wrong type, a missing field, a bad base64', async () => {
  const good = await report([docker, '--json', '--files']);
  const clone = () => structuredClone(good);
  const bad: [string, (r: any) => void][] = [
    ['unknown top-level field', (r) => (r.surprise = 1)],
    ['unknown summary field', (r) => (r.summary.wastedFiles = 3)],
    ['string size', (r) => (r.layers[0].sizeBytes = '12')],
    ['missing wasted', (r) => delete r.wasted],
    ['negative bytes', (r) => (r.summary.wastedBytes = -1)],
    ['bad change kind', (r) => (r.layers[0].files[0].change = 'renamed')],
    ['pathBase64 not base64', (r) => (r.layers[0].files[0].pathBase64 = 'not base64!')],
    ['wrong schemaVersion', (r) => (r.schemaVersion = 2)],
  ];
  for (const [label, mutate] of bad) {
    const r = clone();
    mutate(r);
    assert.notEqual(reportErrors(r), null, `${label} is rejected`);
  }
  // And through the CLI hook: a report on stdout that does not match makes the run fail.
  const r = clone();
  r.surprise = true;
  assert.match(
    cliReportProblem([docker, '--json'], { code: 0, stdout: JSON.stringify(r) }, ROOT) ?? '',
    /does not match/,
  );
});

test('optional additions: pathBase64 / linkTargetBase64, and advice items of each kind', async () => {
  const r = await report([docker, '--json', '--files']);
  const row = r.layers.flatMap((l: any) => l.files)[0];
  row.pathBase64 = Buffer.from('caf\xe9', 'latin1').toString('base64');
  row.linkTarget = 'x';
  row.linkTargetBase64 = Buffer.from('x').toString('base64');
  r.wasted[0].pathBase64 = Buffer.from('\x1b[31m', 'latin1').toString('base64');
  r.summary.recoverableBytes = 0;
  r.advice = [
    {
      kind: 'shipped-then-hidden',
      shippedBy: 1,
      hiddenBy: 2,
      bytes: 10,
      files: 1,
      paths: ['/a'],
      message: 'delete them in the RUN that creates them',
    },
    { kind: 'duplicate-content', bytes: 5, size: 5, paths: ['/a', '/b'] },
    {
      kind: 'leftover',
      category: 'apt',
      bytes: 3,
      layers: [1],
      paths: ['/var/lib/apt/lists/x'],
      message: 'apt-get clean',
    },
  ];
  assertReport(r);
  const wrong = structuredClone(r);
  wrong.advice[2].category = 'cargo-cult';
  assert.notEqual(reportErrors(wrong), null, 'an unknown leftover category is rejected');
  const noPair = structuredClone(r);
  delete noPair.advice[0].hiddenBy;
  assert.notEqual(reportErrors(noPair), null, 'shipped-then-hidden needs hiddenBy');
});
