/**
 * The package as users get it: `npm pack`, a global install of the tarball into a temporary prefix
 * (`npm i -g --prefix`), and runs of the installed `strata` from another directory: on the bundled
 * sample image, on an archive, the TUI in tmux, the completions, the man page and the schema. The
 * install is the documented quiet one (--ignore-scripts: Strata needs none of its dependencies'
 * install scripts); dependencies come from npm's cache when they are there (--prefer-offline).
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fixture, ROOT } from '../core/cli-helper.js';
import { assertReport } from '../helpers/report-schema.js';
import { haveCommands, IN_CI } from '../helpers/engine.js';
import { startTmux } from '../e2e/tmux.js';
import { OPTION_SPECS } from '../../src/cli-table.js';

const missing = haveCommands('npm', 'tar', 'tmux');
const skip = missing.length && !IN_CI ? `missing: ${missing.join(', ')}` : false;
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));

function run(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
  return spawnSync(cmd, args, {
    encoding: 'utf8',
    cwd: opts.cwd,
    env: { ...process.env, ...opts.env },
    maxBuffer: 64 << 20,
    timeout: 300_000,
  });
}

describe('the packed package, installed globally', { skip, timeout: 900_000 }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-pkg-'));
  const prefix = path.join(dir, 'prefix');
  const elsewhere = path.join(dir, 'elsewhere');
  const cache = path.join(dir, 'cache');
  let tgz = '';
  let strata = '';
  let installLog = '';
  const env = { XDG_CACHE_HOME: cache, NO_COLOR: '1', DOCKER_HOST: undefined, DOCKER_CONTEXT: undefined };

  before(() => {
    if (missing.length) throw new Error(`CI is set, so this cannot be skipped: missing ${missing.join(', ')}`);
    if (!fs.existsSync(path.join(ROOT, 'dist', 'strata.1')))
      throw new Error('dist/ is not built: run `npm run build` first');
    fs.mkdirSync(elsewhere);
    // npm test has just built dist/; pack it as it is.
    const packed = run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: ROOT });
    assert.equal(packed.status, 0, packed.stderr);
    tgz = path.join(dir, JSON.parse(packed.stdout)[0].filename);
    const install = run(
      'npm',
      ['i', '-g', '--prefix', prefix, '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund', tgz],
      { cwd: elsewhere },
    );
    installLog = install.stdout + install.stderr;
    assert.equal(install.status, 0, installLog);
    strata = path.join(prefix, 'bin', 'strata');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('has a name of its own on npm, and the command strata', () => {
    assert.notEqual(pkg.name, 'strata', 'the npm name strata belongs to an unrelated HTTP server');
    assert.deepEqual(Object.keys(pkg.bin), ['strata']);
    assert.ok(fs.existsSync(strata), 'bin/strata is linked into the prefix');
  });

  it('ships what runs, and nothing of the clone', () => {
    const files = execFileSync('tar', ['-tzf', tgz], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map((f) => f.replace(/^package\//, ''));
    for (const f of [
      'bin/strata.js',
      'dist/cli.js',
      'dist/strata.1',
      'schema/report.schema.json',
      'assets/sample-image.tar',
      'README.md',
      'package.json',
    ]) {
      assert.ok(files.includes(f), `${f} is in the package`);
    }
    assert.ok(
      !files.some((f) => f.startsWith('src/') || f.startsWith('test/') || f.startsWith('node_modules/')),
      'no sources, tests or node_modules',
    );
  });

  it('installs quietly: no install scripts to wonder about, no warnings', () => {
    assert.ok(!/install-scripts|npm warn|npm error/i.test(installLog), `install output:\n${installLog}`);
  });

  it('runs from another directory: --version, the bundled sample, an archive, with a schema-valid report', () => {
    const v = run(strata, ['--version'], { cwd: elsewhere, env });
    assert.equal(v.stdout.trim(), `strata ${pkg.version}`);
    const sample = path.join(prefix, 'lib', 'node_modules', pkg.name, 'assets', 'sample-image.tar');
    const mine = run(strata, [sample, '--json', '--files'], { cwd: elsewhere, env });
    assert.equal(mine.status, 0, mine.stderr);
    const report = JSON.parse(mine.stdout);
    assertReport(report, 'the installed package’s report');
    // The installed schema is the one the tests validate against.
    assert.equal(
      fs.readFileSync(path.join(prefix, 'lib', 'node_modules', pkg.name, 'schema', 'report.schema.json'), 'utf8'),
      fs.readFileSync(path.join(ROOT, 'schema', 'report.schema.json'), 'utf8'),
    );
    // The same analysis as the clone's CLI on the same bytes.
    const clone = run(
      process.execPath,
      [path.join(ROOT, 'bin', 'strata.js'), path.join(ROOT, 'assets', 'sample-image.tar'), '--json', '--files'],
      { cwd: elsewhere, env },
    );
    const theirs = JSON.parse(clone.stdout);
    assert.deepEqual({ ...report, source: null }, { ...theirs, source: null });
    const text = run(strata, [`docker-archive:${fixture('test-oci-gzip-image.tar')}`], { cwd: elsewhere, env });
    assert.equal(text.status, 0, text.stderr);
    assert.match(text.stdout, /wasted/i);
  });

  it('opens the TUI on the bundled sample when no Engine answers', async () => {
    const t = startTmux(`${strata}`, {
      columns: 120,
      rows: 30,
      cwd: elsewhere,
      env: { NO_COLOR: '1', XDG_CACHE_HOME: cache, TERM: 'tmux-256color', DOCKER_HOST: 'unix:///nonexistent.sock' },
    });
    try {
      const s = await t.waitFor((x) => /Layers 1\/\d+/.test(x), 'the sample image', 30_000);
      assert.match(s, /showing the bundled sample image/);
      t.type('q');
      await t.waitFor(() => t.paneStatus().dead, 'exit', 10_000);
      assert.equal(t.paneStatus().status, 0);
    } finally {
      t.kill();
    }
  });

  it('ships the man page (linked into the prefix) and the completions', () => {
    const man = path.join(prefix, 'share', 'man', 'man1', 'strata.1');
    assert.ok(fs.existsSync(man), 'npm links the man page into share/man/man1');
    const page = fs.readFileSync(man, 'utf8');
    for (const o of OPTION_SPECS)
      for (const f of o.flags) assert.ok(page.includes(`\\fB${f.replace(/-/g, '\\-')}\\fR`), `${f} in the man page`);
    for (const shell of ['bash', 'zsh', 'fish']) {
      const c = run(strata, ['completion', shell], { cwd: elsewhere, env });
      assert.equal(c.status, 0, c.stderr);
      assert.match(c.stdout, /strata/);
    }
  });
});
