/** `--extract PATH [--layer N] [-o OUT]`: any version of a file, from every kind of source. */
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../support/cli.js';
import { buildFixture, engineGate } from '../support/engine.js';
import { fixture } from '../support/paths.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-extract-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));
const docker = fixture('test-docker-image.tar');

describe('--extract from archives', () => {
  it('an old version at a given layer, into a directory', async () => {
    const out = fs.mkdtempSync(path.join(tmp, 'a-'));
    const r = await runCli([
      docker,
      '--extract',
      '/root/example/somefile1.txt',
      '--layer',
      '3',
      '-o',
      out,
      '--no-cache',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const bytes = fs.readFileSync(path.join(out, 'somefile1.txt'));
    assert.equal(bytes.length, 6405);
    assert.match(r.stderr, /extracted \/root\/example\/somefile1\.txt \(layer 3, 6405 B\)/);
    // Only the target was written: no temporary files left behind.
    assert.deepEqual(fs.readdirSync(out), ['somefile1.txt']);
  });

  it('the same bytes as the original file in every layout (zstd OCI archive vs plain)', async () => {
    const a = path.join(tmp, 'plain.md');
    const b = path.join(tmp, 'zstd.md');
    assert.equal(
      (await runCli([fixture('test-oci-uncompressed-image.tar'), '--extract', '/README.md', '-o', a])).code,
      0,
    );
    assert.equal((await runCli([fixture('test-oci-zstd-image.tar'), '--extract', '/README.md', '-o', b])).code, 0);
    assert.equal(fs.readFileSync(a).length, 11189);
    assert.ok(fs.readFileSync(a).equals(fs.readFileSync(b)));
  });

  it('to stdout with -o -', async () => {
    const r = await runCli([docker, '--extract', '/root/.data/tag.sh', '-o', '-']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(Buffer.byteLength(r.stdout), 917);
  });

  it('a symlink at the target is refused, not followed', async () => {
    const victim = path.join(tmp, 'victim.txt');
    fs.writeFileSync(victim, 'untouched');
    const link = path.join(tmp, 'link.txt');
    fs.symlinkSync(victim, link);
    const r = await runCli([docker, '--extract', '/somefile.txt', '-o', link]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /link\.txt is a symbolic link: not writing through it/);
    assert.equal(fs.readFileSync(victim, 'utf8'), 'untouched');
    assert.ok(fs.lstatSync(link).isSymbolicLink());
  });

  it('names from pax records (non-ASCII, over 100 bytes) are found as the analysis names them', async () => {
    const { imageArchive, layerTar } = await import('../support/hostile/build.js');
    const name = `héllo wörld/${'ü'.repeat(60)}/日本語.txt`;
    for (const shape of ['oci', 'docker'] as const) {
      const archive = path.join(tmp, `pax-${shape}.tar`);
      fs.writeFileSync(
        archive,
        await imageArchive({ shape, compress: 'gzip', layers: [await layerTar([{ name, data: 'pax named\n' }])] }),
      );
      const r = await runCli([archive, '--extract', `/${name}`, '-o', '-', '--no-cache']);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, 'pax named\n');
    }
  });

  it('clear errors: a directory, a removed path, a layer out of range, no such directory', async () => {
    const dir = await runCli([docker, '--extract', '/root/example', '--layer', '8']);
    assert.equal(dir.code, 2);
    assert.match(dir.stderr, /^strata: \/root\/example is a dir at layer 8, not a regular file\n$/);
    const gone = await runCli([docker, '--extract', '/root/example/somefile2.txt']);
    assert.equal(gone.code, 2);
    assert.match(gone.stderr, /does not exist at layer 13/);
    const range = await runCli([docker, '--extract', '/somefile.txt', '--layer', '99']);
    assert.equal(range.code, 2);
    assert.match(range.stderr, /the image has 14 layers/);
    const nodir = await runCli([docker, '--extract', '/somefile.txt', '-o', path.join(tmp, 'no', 'such', 'x')]);
    assert.equal(nodir.code, 2);
    assert.match(nodir.stderr, /no such directory/);
  });
});

const gate = engineGate();
describe('--extract from the Engine', { skip: gate.skip }, () => {
  before(() => {
    gate.before();
    buildFixture('changes');
  });

  it('each version of a modified file, and a hard link read through its target', async () => {
    const v2 = await runCli([
      'strata-test/changes:1',
      '--extract',
      '/data/mod.txt',
      '--layer',
      '2',
      '-o',
      '-',
      '--no-cache',
    ]);
    const v3 = await runCli(['strata-test/changes:1', '--extract', '/data/mod.txt', '-o', '-', '--no-cache']);
    assert.equal(v2.stdout, 'hello\n');
    assert.equal(v3.stdout, 'HELLO\n');
    const hl = await runCli(['strata-test/changes:1', '--extract', '/data/hl3', '-o', '-']);
    assert.equal(hl.code, 0, hl.stderr);
    assert.equal(hl.stdout, 'hard linked\n');
  });
});
