/**
 * The package as users get it: `npm pack`, a global install of the tarball into a temporary prefix
 * (`npm i -g --prefix`), and runs of the installed `strata` from another directory: on the bundled
 * sample image, on a gzip and a zstd archive, the TUI in tmux, the completions, the man page and
 * the schema. The install is the documented one (--allow-scripts=zstd-napi: zstd-napi's install
 * script fetches or builds the native zstd decoder); dependencies come from npm's cache when they
 * are there (--prefer-offline). A second install with --ignore-scripts has no zstd decoder: gzip
 * images still work, a zstd image is one line naming the fix, and that fix (`npm rebuild -g
 * zstd-napi`) makes it work.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { assertReport } from '../support/report-schema.js';
import { haveCommands, IN_CI } from '../support/engine.js';
import { startTmux } from '../support/tmux.js';
import { OPTION_SPECS } from '../../src/cli/table.js';
import { ROOT, fixture } from '../support/paths.js';

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
  const bare = path.join(dir, 'bare');
  let bareLog = '';
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
    const quiet = ['--prefer-offline', '--no-audit', '--no-fund'];
    const install = run('npm', ['i', '-g', '--prefix', prefix, '--allow-scripts=zstd-napi', ...quiet, tgz], {
      cwd: elsewhere,
    });
    installLog = install.stdout + install.stderr;
    assert.equal(install.status, 0, installLog);
    strata = path.join(prefix, 'bin', 'strata');
    const noScripts = run('npm', ['i', '-g', '--prefix', bare, '--ignore-scripts', ...quiet, tgz], { cwd: elsewhere });
    bareLog = noScripts.stdout + noScripts.stderr;
    assert.equal(noScripts.status, 0, bareLog);
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
      'dist/cli/main.js',
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

  it('installs with zstd-napi built, and warns only about the install scripts the README explains', () => {
    assert.ok(!/npm error/i.test(installLog), `install output:\n${installLog}`);
    const zstdNapi = path.join(prefix, 'lib', 'node_modules', pkg.name, 'node_modules', 'zstd-napi');
    assert.ok(fs.existsSync(path.join(zstdNapi, 'build', 'Release', 'binding.node')), 'the native zstd module');
    // npm 11 names each package whose install script no allow-scripts entry covers.
    const warned = [...installLog.matchAll(/^npm warn install-scripts +(@?[^@\s]+)@\S+ \(/gm)].map((m) => m[1]);
    const other = installLog.split('\n').filter((l) => /^npm warn/.test(l) && !/^npm warn install-scripts/.test(l));
    assert.deepEqual(other, [], 'no other warning');
    assert.ok(!warned.includes('zstd-napi'), 'zstd-napi is allowed by name');
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const table = readme.slice(readme.indexOf('**Install scripts.**'), readme.indexOf('## Shell completion'));
    for (const name of warned) assert.ok(table.includes(`| \`${name}\``), `${name} is in the README's table`);
    // Without scripts, npm says nothing, and builds nothing.
    assert.ok(!/npm warn|npm error/i.test(bareLog), `install output:\n${bareLog}`);
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
    // The exit status is written by the pane's shell once strata has exited: the test waits for the
    // process, not for tmux to mark the pane dead (which, on a loaded machine, was seen to lag).
    const exitFile = path.join(elsewhere, 'tui-exit-status');
    fs.rmSync(exitFile, { force: true });
    const t = startTmux(`${strata}; echo $? > ${exitFile}`, {
      columns: 120,
      rows: 30,
      cwd: elsewhere,
      env: { NO_COLOR: '1', XDG_CACHE_HOME: cache, TERM: 'tmux-256color', DOCKER_HOST: 'unix:///nonexistent.sock' },
    });
    try {
      const s = await t.waitFor((x) => /Layers 1\/\d+/.test(x), 'the sample image', 30_000);
      assert.match(s, /showing the bundled sample image/);
      t.type('q');
      await t.waitFor(
        () => fs.existsSync(exitFile) && fs.readFileSync(exitFile, 'utf8').endsWith('\n'),
        'exit',
        10_000,
      );
      assert.equal(fs.readFileSync(exitFile, 'utf8').trim(), '0');
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

  it('reads zstd layers: the same report as the clone on the zstd fixture', () => {
    const zstd = `docker-archive:${fixture('test-oci-zstd-image.tar')}`;
    const r = run(strata, [zstd, '--json', '--files'], { cwd: elsewhere, env });
    assert.equal(r.status, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    assertReport(report, 'the installed package’s zstd report');
    assert.ok(
      report.layers.some((l: { mediaType: string }) => /zstd/.test(l.mediaType)),
      'the fixture has zstd layers',
    );
    const clone = run(process.execPath, [path.join(ROOT, 'bin', 'strata.js'), zstd, '--json', '--files'], {
      cwd: elsewhere,
      env,
    });
    assert.equal(clone.status, 0, clone.stderr);
    assert.deepEqual(report, JSON.parse(clone.stdout));
  });

  it('without the native zstd module (--ignore-scripts): gzip works, zstd is one line, exit 2; the fix works', () => {
    const bareStrata = path.join(bare, 'bin', 'strata');
    const gzip = run(bareStrata, [`docker-archive:${fixture('test-oci-gzip-image.tar')}`, '--json'], {
      cwd: elsewhere,
      env,
    });
    assert.equal(gzip.status, 0, gzip.stderr);
    assertReport(JSON.parse(gzip.stdout), 'a gzip image without the zstd module');
    const zstd = [`docker-archive:${fixture('test-oci-zstd-image.tar')}`, '--json'];
    const failed = run(bareStrata, zstd, { cwd: elsewhere, env });
    assert.equal(failed.status, 2, failed.stderr);
    assert.equal(failed.stdout, '');
    const lines = failed.stderr.split('\n').filter(Boolean);
    assert.equal(lines.length, 1, failed.stderr);
    assert.match(lines[0], /^strata: .*zstd layers need zstd-napi's native module.*`npm rebuild -g zstd-napi`/);
    // The command the line names, run as it says (in this prefix), gives a working zstd decoder.
    const rebuild = run('npm', ['rebuild', '-g', '--prefix', bare, 'zstd-napi'], { cwd: elsewhere });
    assert.equal(rebuild.status, 0, rebuild.stdout + rebuild.stderr);
    const fixed = run(bareStrata, zstd, { cwd: elsewhere, env });
    assert.equal(fixed.status, 0, fixed.stderr);
    assertReport(JSON.parse(fixed.stdout), 'a zstd image after npm rebuild');
  });
});
