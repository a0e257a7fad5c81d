/**
 * Bounds on time and memory for hostile inputs, through the real CLI: zstd frames that declare huge
 * windows or expand a few kB into a 64 MB tar, and layouts or archives that are not regular files
 * (a FIFO, /dev/zero, a device, symlinks out of the layout). Each ends in a report or one clean line
 * (exit 0 or 2), in seconds, under 600 MB of peak RSS (GNU time), and says so in a diagnostic line.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { imageArchive, layerTar } from '../../support/hostile/build.js';
import { zstdCompress, zstdHugeWindowFrame } from '../../support/hostile/bounds.js';
import { looksLikeStackTrace, runCliMeasured, type CliCaseResult } from '../../support/cli.js';

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-bounds-'));
after(() => fs.rmSync(scratch, { recursive: true, force: true }));

const RSS_LIMIT_KB = 600 * 1024;
const SECONDS = 15;

let n = 0;
async function archiveOf(layers: Buffer[], rawBlobs: Record<number, Buffer>): Promise<string> {
  const f = path.join(scratch, `a${n++}.tar`);
  fs.writeFileSync(f, await imageArchive({ layers, rawBlobs }));
  return f;
}

/** The archive unpacked as an OCI layout directory; returns it and the layer blob's path. */
function layoutOf(archive: string): { dir: string; blob: string } {
  const dir = path.join(scratch, `layout${n++}`);
  fs.mkdirSync(dir);
  execFileSync('tar', ['-xf', archive, '-C', dir]);
  const index = JSON.parse(fs.readFileSync(path.join(dir, 'index.json'), 'utf8'));
  const manifest = JSON.parse(
    fs.readFileSync(path.join(dir, 'blobs', 'sha256', index.manifests[0].digest.slice(7)), 'utf8'),
  );
  return { dir, blob: path.join(dir, 'blobs', 'sha256', manifest.layers[0].digest.slice(7)) };
}

function bounded(r: CliCaseResult, label: string, t: { diagnostic(s: string): void }): void {
  const rss = r.maxRssKb === null ? '?' : Math.round(r.maxRssKb / 1024);
  t.diagnostic(`${label}: exit ${r.code}, ${(r.ms / 1000).toFixed(2)} s, peak RSS ${rss} MB`);
  assert.ok(!r.timedOut, `${label}: it ended by itself`);
  assert.ok(r.ms < SECONDS * 1000, `${label}: ${Math.round(r.ms)} ms`);
  assert.ok(r.maxRssKb === null || r.maxRssKb < RSS_LIMIT_KB, `${label}: peak RSS ${r.maxRssKb} kB`);
  assert.ok(!looksLikeStackTrace(r.stderr), `${label}: stack trace: ${r.stderr}`);
}

function oneLine(r: CliCaseResult, label: string, code = 2): string {
  assert.equal(r.code, code, `${label}: exit ${code}; stderr: ${r.stderr}`);
  assert.equal(r.stdout, '');
  const lines = r.stderr.split('\n');
  assert.equal(lines.length, 2, `${label}: one line: ${JSON.stringify(r.stderr)}`);
  assert.match(lines[0], /^strata: /);
  return lines[0];
}

const cli = (args: string[]) => runCliMeasured([...args, '--json', '--no-cache'], { timeoutMs: 60_000 });

describe('zstd bounds', () => {
  it('a 0.4 kB zstd layer declaring a 1.875 GiB window: one line, exit 2, at once (archive and layout)', async (t) => {
    const tar = await layerTar([{ name: 'a.txt', data: Buffer.alloc(64 * 1024, 'strata ') }]);
    const blob = zstdHugeWindowFrame(
      Buffer.concat([tar, Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7919) & 0xff))]),
    );
    assert.ok(blob.length < 4096, `${blob.length} bytes`);
    const file = await archiveOf([tar], { 0: blob });
    const r = await cli([file]);
    bounded(r, 'zstd 1.875 GiB window, archive', t);
    assert.match(oneLine(r, 'archive'), /zstd frame needs a window over the 128 MiB limit/);
    const { dir } = layoutOf(file);
    const r2 = await cli([`oci:${dir}`]);
    bounded(r2, 'zstd 1.875 GiB window, layout', t);
    assert.match(oneLine(r2, 'layout'), /window over the 128 MiB limit/);
  });

  it('a 3 kB zstd layer holding a 64 MB tar: a report in seconds', async (t) => {
    const tar = await layerTar([
      { name: 'zeros.bin', data: Buffer.alloc(48 << 20) },
      { name: 'text.txt', data: Buffer.alloc(16 << 20, 'all work and no play ') },
    ]);
    const blob = zstdCompress(tar, 19);
    assert.ok(blob.length < 8192, `${blob.length} bytes`);
    const r = await cli([await archiveOf([tar], { 0: blob })]);
    bounded(r, 'zstd 3 kB -> 64 MB', t);
    assert.equal(r.code, 0, r.stderr);
    const rep = JSON.parse(r.stdout);
    assert.equal(rep.layers[0].sizeBytes, 64 << 20);
    assert.equal(rep.layers[0].compression ?? 'zstd', 'zstd');
  });
});

describe('inputs that are not regular files', () => {
  let layout: { dir: string; blob: string };
  let archive: string;
  const fresh = () => {
    const l = layoutOf(archive);
    return l;
  };

  it('a layout blob that is a FIFO: one line, exit 2, never blocks', async (t) => {
    const tar = await layerTar([{ name: 'etc/x', data: 'x' }]);
    archive = await archiveOf([tar], {});
    layout = fresh();
    fs.rmSync(layout.blob);
    execFileSync('mkfifo', [layout.blob]);
    const r = await cli([`oci:${layout.dir}`]);
    bounded(r, 'layout blob FIFO', t);
    assert.match(oneLine(r, 'fifo'), /is a FIFO \(named pipe\), not a regular file/);
  });

  it('a layout blob symlinked to /dev/zero, or to a file outside the layout: one line, exit 2', async (t) => {
    const l = fresh();
    fs.rmSync(l.blob);
    fs.symlinkSync('/dev/zero', l.blob);
    const r = await cli([`oci:${l.dir}`]);
    bounded(r, 'layout blob -> /dev/zero', t);
    assert.match(oneLine(r, '/dev/zero'), /symlink that leads out of the layout \(to \/dev\/zero\)/);

    const l2 = fresh();
    const outside = path.join(scratch, `outside-${n++}`);
    fs.renameSync(l2.blob, outside);
    fs.symlinkSync(outside, l2.blob);
    const r2 = await cli([`oci:${l2.dir}`]);
    bounded(r2, 'layout blob -> a file outside', t);
    assert.match(oneLine(r2, 'outside'), /leads out of the layout/);
  });

  it('a layout blob that is a character device inside the layout (mknod, as root): one line, exit 2', async (t) => {
    if (process.getuid?.() !== 0) {
      t.skip('mknod needs root');
      return;
    }
    const l = fresh();
    fs.rmSync(l.blob);
    execFileSync('mknod', [l.blob, 'c', '1', '5']); // the device /dev/zero is
    const r = await cli([`oci:${l.dir}`]);
    bounded(r, 'layout blob char device', t);
    assert.match(oneLine(r, 'device'), /is a character device, not a regular file/);
  });

  it('a layout blob symlinked to a regular file inside the layout is followed: a report', async (t) => {
    const l = fresh();
    const moved = path.join(l.dir, 'blobs', 'shared-copy');
    fs.renameSync(l.blob, moved);
    fs.symlinkSync(path.relative(path.dirname(l.blob), moved), l.blob);
    const r = await cli([`oci:${l.dir}`]);
    bounded(r, 'layout blob -> a file inside', t);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).layers[0].added.count, 2);
  });

  it('index.json, an archive or CI rules that are a FIFO or /dev/zero: one line, exit 2, no block', async (t) => {
    const l = fresh();
    fs.rmSync(path.join(l.dir, 'index.json'));
    execFileSync('mkfifo', [path.join(l.dir, 'index.json')]);
    const r = await cli([`oci:${l.dir}`]);
    bounded(r, 'layout index.json FIFO', t);
    oneLine(r, 'index fifo');

    const fifo = path.join(scratch, `archive-${n++}.tar`);
    execFileSync('mkfifo', [fifo]);
    const r2 = await cli([fifo]);
    bounded(r2, 'archive FIFO', t);
    assert.match(oneLine(r2, 'archive fifo'), /is a FIFO \(named pipe\), not a regular file/);

    const r3 = await cli(['docker-archive:/dev/zero']);
    bounded(r3, 'archive /dev/zero', t);
    assert.match(oneLine(r3, '/dev/zero'), /\/dev\/zero is a character device, not a regular file/);

    // The CI rules file (`.dive-ci` of a checked-out repository, or --ci-config) as a FIFO.
    const rules = path.join(scratch, `dive-ci-${n++}`);
    execFileSync('mkfifo', [rules]);
    const tar = await layerTar([{ name: 'etc/x', data: 'x' }]);
    const r4 = await runCliMeasured([await archiveOf([tar], {}), '--ci', '--ci-config', rules, '--no-cache'], {
      timeoutMs: 60_000,
    });
    bounded(r4, 'CI config FIFO', t);
    assert.match(oneLine(r4, 'ci config'), /CI config .* is a FIFO \(named pipe\), not a regular file/);
  });
});
