/**
 * `--extract` of hard links and where it writes: the bytes of the file the link names as extracted,
 * saved under the name the user asked for, and nothing else written. Layers are written by GNU tar.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../support/cli.js';
import { imageArchive } from '../support/hostile/build.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-links-extract-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));

/** A layer tar written by GNU tar from what `script` makes in an empty directory. */
function gnuLayer(script: string): Buffer {
  const dir = fs.mkdtempSync(path.join(tmp, 'layer-'));
  execFileSync('sh', ['-c', script], { cwd: dir });
  const args = ['--format=gnu', '--sort=name', '--numeric-owner', '-C', dir, '-cf', '-', '.'];
  return execFileSync('tar', args, { maxBuffer: 64 << 20 });
}

/** Every path under `dir`, relative, sorted. */
function listAll(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      out.push(path.relative(dir, p));
      if (e.isDirectory() && !e.isSymbolicLink()) walk(p);
    }
  };
  walk(dir);
  return out.sort();
}

const OLD = 'the old content of f, kept by its other names\n';

describe('--extract of hard links', async () => {
  const trap = path.join(tmp, 'trap.tar');
  // usr/bin/tool is a hard link to etc/.bashrc (GNU tar writes the first name as the file).
  const trapLayer = gnuLayer(
    "mkdir -p etc usr/bin && echo 'alias ls=evil' > etc/.bashrc && ln etc/.bashrc usr/bin/tool",
  );
  fs.writeFileSync(trap, await imageArchive({ shape: 'docker', layers: [trapLayer] }));
  const rewritten = path.join(tmp, 'rewritten.tar');
  fs.writeFileSync(
    rewritten,
    await imageArchive({
      shape: 'oci',
      compress: 'gzip',
      layers: [
        gnuLayer(`mkdir d && printf '${OLD.replace(/\n/g, '\\n')}' > d/f && ln d/f d/f.hl`),
        gnuLayer('mkdir d && echo > d/f'),
      ],
    }),
  );

  it('writes only the named output, from a home directory, never a name from the link target', async () => {
    const home = fs.mkdtempSync(path.join(tmp, 'home-'));
    const r = await runCli([trap, '--extract', '/usr/bin/tool', '--no-cache'], { cwd: home, env: { HOME: home } });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(listAll(home), ['tool']);
    assert.equal(fs.readFileSync(path.join(home, 'tool'), 'utf8'), 'alias ls=evil\n');
    const said = 'strata: extracted /usr/bin/tool (a hard link: the file shipped as /etc/.bashrc in layer 0, 14 B) to ';
    assert.equal(r.stderr, `${said}${path.join(fs.realpathSync(home), 'tool')}\n`);
    // -o OUT exactly; -o DIR puts the requested name in it.
    const inHome = { cwd: home, env: { HOME: home } };
    const out = await runCli([trap, '--extract', '/usr/bin/tool', '-o', 'renamed', '--no-cache'], inHome);
    assert.equal(out.code, 0, out.stderr);
    fs.mkdirSync(path.join(home, 'sub'));
    const inDir = await runCli([trap, '--extract', '/usr/bin/tool', '-o', 'sub', '--no-cache'], inHome);
    assert.equal(inDir.code, 0, inDir.stderr);
    assert.deepEqual(listAll(home), ['renamed', 'sub', 'sub/tool', 'tool']);
  });

  it('a rewritten name leaves the link with the old bytes: --extract /d/f.hl writes f.hl with them', async () => {
    const out = fs.mkdtempSync(path.join(tmp, 'out-'));
    const r = await runCli([rewritten, '--extract', '/d/f.hl', '--no-cache'], { cwd: out });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(listAll(out), ['f.hl']);
    assert.equal(fs.readFileSync(path.join(out, 'f.hl'), 'utf8'), OLD);
    const f = await runCli([rewritten, '--extract', '/d/f', '-o', '-', '--no-cache']);
    assert.equal(f.stdout, '\n');
    const atZero = await runCli([rewritten, '--extract', '/d/f', '--layer', '0', '-o', '-', '--no-cache']);
    assert.equal(atZero.stdout, OLD);
    // The JSON report agrees: both inodes are in the final filesystem, nothing is wasted.
    const rep = JSON.parse((await runCli([rewritten, '--json', '--no-cache'])).stdout);
    assert.equal(rep.summary.unionBytes, Buffer.byteLength(OLD) + 1);
    assert.equal(rep.summary.wastedBytes, 0);
    assert.deepEqual(rep.wasted, []);
  });

  it('refuses a destination that is a symlink, whatever it points to, and leaves it alone', async () => {
    const home = fs.mkdtempSync(path.join(tmp, 'home-'));
    const victim = path.join(home, 'victim');
    fs.writeFileSync(victim, 'untouched');
    fs.symlinkSync(victim, path.join(home, 'tool'));
    const byDefault = await runCli([trap, '--extract', '/usr/bin/tool', '--no-cache'], { cwd: home });
    assert.equal(byDefault.code, 2);
    assert.match(byDefault.stderr, /^strata: .*\/tool is a symbolic link: not writing through it\n$/);
    const tool = (o: string) => runCli([trap, '--extract', '/usr/bin/tool', '-o', o, '--no-cache'], { cwd: home });
    const named = await tool(path.join(home, 'tool'));
    assert.equal(named.code, 2);
    fs.symlinkSync(tmp, path.join(home, 'dirlink'));
    const viaDir = await tool(path.join(home, 'dirlink'));
    assert.equal(viaDir.code, 2);
    assert.match(viaDir.stderr, /dirlink is a symbolic link/);
    assert.equal(fs.readFileSync(victim, 'utf8'), 'untouched');
    assert.ok(fs.lstatSync(path.join(home, 'tool')).isSymbolicLink());
    assert.deepEqual(listAll(home), ['dirlink', 'tool', 'victim']);
    assert.ok(!fs.existsSync(path.join(tmp, 'tool')));
  });
});
