/**
 * The CI gate for CI systems: `--junit FILE` (JUnit XML, one testcase per rule, written
 * atomically), GitHub workflow annotations under GITHUB_ACTIONS=true, and the recipes of
 * docs/ci.md, which are parsed as YAML and whose strata command lines are run for real.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import YAML from 'yaml';
import { runCli } from '../../support/cli.js';
import { RULE_NAMES } from '../../../src/report/ci.js';
import { ROOT, fixture } from '../../support/paths.js';

const docker = fixture('test-docker-image.tar');
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-junit-'));
after(() => fs.rmSync(scratch, { recursive: true, force: true }));

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  isArray: (name) => ['testcase', 'testsuite', 'property'].includes(name),
});

function readJunit(file: string): any {
  const xml = fs.readFileSync(file, 'utf8');
  assert.equal(XMLValidator.validate(xml), true, `well-formed XML:\n${xml}`);
  return parser.parse(xml);
}

test('--junit: one testcase per rule, failures with figure and threshold, skipped for disabled rules', async () => {
  const out = path.join(scratch, 'gate.xml');
  const args = [
    docker,
    '--ci',
    '--junit',
    out,
    '--highestStrataWastedBytes',
    '0',
    '--lowestEfficiency',
    '0',
    '--ignore',
    '/nonexistent/**',
  ];
  const r = await runCli(args);
  assert.equal(r.code, 1, `the gate fails (stderr: ${r.stderr})`);
  // The same verdict as JSON, to compare figures with.
  const json = await runCli([...args.filter((a, i) => a !== '--junit' && args[i - 1] !== '--junit'), '--json']);
  const rules = JSON.parse(json.stdout).ci.rules as {
    rule: string;
    status: string;
    value: number | null;
    threshold: number | null;
  }[];

  const doc = readJunit(out);
  const suite = doc.testsuites.testsuite[0];
  const cases = suite.testcase as any[];
  assert.deepEqual(
    cases.map((c) => c.name),
    RULE_NAMES,
    'one testcase per rule, in rule order',
  );
  const count = (s: string) => rules.filter((x) => x.status === s).length;
  assert.equal(Number(suite.tests), RULE_NAMES.length);
  assert.equal(Number(suite.failures), count('FAIL'));
  assert.equal(Number(suite.skipped), count('SKIP'));
  assert.equal(Number(doc.testsuites.failures), count('FAIL'));
  assert.ok(count('FAIL') >= 1 && count('SKIP') >= 1 && count('PASS') >= 1, 'each status is exercised');
  for (const rule of rules) {
    const c = cases.find((x) => x.name === rule.rule);
    if (rule.status === 'FAIL') {
      assert.ok(c.failure, `${rule.rule}: <failure>`);
      const text = c.failure['#text'] as string;
      assert.ok(
        text.includes(`value: ${rule.value} B`) || text.includes(`value: ${rule.value}`),
        `${rule.rule}: the figure ${rule.value} in\n${text}`,
      );
      assert.ok(
        text.includes(`threshold: ${rule.threshold}`),
        `${rule.rule}: the threshold ${rule.threshold} in\n${text}`,
      );
      assert.equal(c.failure.type, rule.rule);
    } else if (rule.status === 'SKIP') {
      assert.ok(c.skipped !== undefined, `${rule.rule}: <skipped>`);
      assert.equal(c.failure, undefined);
    } else {
      assert.equal(c.failure, undefined, `${rule.rule}: passes`);
      assert.equal(c.skipped, undefined);
    }
  }
  assert.deepEqual(
    suite.properties.property.map((p: any) => p.value),
    ['/nonexistent/**'],
    'the ignore globs are recorded',
  );
});

test('--junit replaces FILE atomically: a link there is replaced, not followed; nothing else is left', async () => {
  const dir = fs.mkdtempSync(path.join(scratch, 'atomic-'));
  const victim = path.join(scratch, 'victim.txt');
  fs.writeFileSync(victim, 'precious');
  const out = path.join(dir, 'junit.xml');
  fs.symlinkSync(victim, out);
  const r = await runCli([docker, '--ci', '--junit', out]);
  assert.ok(r.code === 0 || r.code === 1, r.stderr);
  assert.equal(fs.readFileSync(victim, 'utf8'), 'precious');
  assert.ok(fs.lstatSync(out).isFile());
  assert.deepEqual(fs.readdirSync(dir), ['junit.xml']);
  readJunit(out);
});

test('--junit without --ci, or without a FILE, is a usage error', async () => {
  const a = await runCli([docker, '--junit', path.join(scratch, 'x.xml')]);
  assert.equal(a.code, 2);
  assert.match(a.stderr, /--junit goes with --ci/);
  const b = await runCli([docker, '--ci', '--junit']);
  assert.equal(b.code, 2);
  assert.match(b.stderr, /--junit needs a value/);
});

test('GITHUB_ACTIONS=true: failed rules as ::error annotations, escaped; stdout stays JSON with --json', async () => {
  // A name with %, a comma, a colon and a newline: the annotation must stay one line and decode back.
  const odd = path.join(scratch, 'we%ird,na:me\nx.tar');
  fs.copyFileSync(docker, odd);
  const args = [
    odd,
    '--ci',
    '--highestStrataWastedBytes',
    '0',
    '--lowestEfficiency',
    '0',
    '--highestUserWastedPercent',
    'disabled',
  ];
  const r = await runCli(args, { env: { GITHUB_ACTIONS: 'true' } });
  assert.equal(r.code, 1, r.stderr);
  const lines = r.stdout.split('\n').filter((l) => l.startsWith('::'));
  assert.equal(lines.length, 1, `one annotation per failed rule:\n${r.stdout}`);
  const m = /^::error title=([^:]*)::(.*)$/.exec(lines[0]);
  assert.ok(m, lines[0]);
  assert.equal(decodeURIComponent(m[1]), 'strata CI gate: highestStrataWastedBytes');
  assert.ok(!m[1].includes(':') && !m[1].includes(','), 'property values escape : and ,');
  const message = decodeURIComponent(m[2]);
  assert.ok(message.includes('we%ird,na:me\\nx.tar'), `the reference, its newline shown as \\n: ${message}`);
  assert.match(message, /threshold 0 B/);
  assert.ok(!r.stdout.includes('\u001b'));

  const j = await runCli([...args, '--json'], { env: { GITHUB_ACTIONS: 'true' } });
  assert.equal(j.code, 1);
  assert.equal(JSON.parse(j.stdout).ci.passed, false, 'stdout is the JSON report');
  assert.match(j.stderr, /^::error title=/m, 'the annotations went to stderr');

  const quiet = await runCli(args);
  assert.ok(!quiet.stdout.includes('::error'), 'no annotations outside GitHub Actions');
});

/** The ```yaml blocks of docs/ci.md. */
function recipes(): any[] {
  const md = fs.readFileSync(path.join(ROOT, 'docs', 'ci.md'), 'utf8');
  return [...md.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => YAML.parse(m[1]));
}

/** A command line from a recipe, as argv (double quotes honoured, as sh would). */
function words(line: string): string[] {
  // A GitHub expression (${{ github.sha }}) is one word once the runner has substituted it.
  line = line.replace(/\$\{\{[^}]*\}\}/g, 'EXPR');
  return [...line.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]);
}

test('docs/ci.md: the recipes parse, use the package name, and their strata commands run', async () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const docs = recipes();
  const diveCi = docs.find((d) => d.rules);
  const github = docs.find((d) => d.jobs);
  const gitlab = docs.find((d) => d.strata?.script);
  assert.ok(diveCi && github && gitlab, 'a .dive-ci, a GitHub Actions and a GitLab CI recipe');
  const ghRuns: string[] = Object.values(github.jobs).flatMap((j: any) =>
    j.steps.map((s: any) => s.run).filter(Boolean),
  );
  const commands = [...ghRuns, ...gitlab.strata.script].filter(
    (l) => l.includes(' strata-layers ') || l.includes(`${pkg.name} `),
  );
  assert.equal(commands.length, 2, `one strata command per recipe: ${commands.join(' | ')}`);
  // Run each with the documented .dive-ci in the working directory, on a fixture instead of the CI's image.
  for (const line of commands) {
    const argv = words(line);
    assert.deepEqual(argv.slice(0, 3), ['npx', '--yes', pkg.name], `runs the published package: ${line}`);
    const cwd = fs.mkdtempSync(path.join(scratch, 'recipe-'));
    fs.writeFileSync(path.join(cwd, '.dive-ci'), YAML.stringify(diveCi));
    const args = [docker, ...argv.slice(4)];
    const r = await runCli(args, { cwd });
    assert.ok(r.code === 0 || r.code === 1, `${line}: exit ${r.code} (${r.stderr.trim()})`);
    assert.match(r.stdout + r.stderr, /rules from \.dive-ci/, 'the documented .dive-ci is read');
    const junit = argv[argv.indexOf('--junit') + 1];
    const doc = readJunit(path.join(cwd, junit));
    assert.equal(doc.testsuites.testsuite[0].testcase.length, RULE_NAMES.length);
    if (line.includes('--json'))
      assert.ok(fs.existsSync(path.join(cwd, argv[argv.indexOf('--json') + 1])), 'the JSON report is kept');
    if (ghRuns.includes(line)) {
      const upload = Object.values(github.jobs)
        .flatMap((j: any) => j.steps)
        .find((s: any) => String(s.uses ?? '').startsWith('actions/upload-artifact'));
      assert.ok(String(upload.with.path).split('\n').includes(junit), 'the GitHub recipe keeps the JUnit file');
    } else {
      assert.equal(gitlab.strata.artifacts.reports.junit, junit, 'GitLab reads the file strata writes');
      assert.equal(gitlab.strata.artifacts.when, 'always', 'the report is kept when the gate fails');
    }
  }
});
