/**
 * Beyond one image, against the real Engine: shared layers (agreeing with the Engine's own
 * /system/df), a container's copy-on-write layer, and image diffs.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { execFileSync } from 'node:child_process';
import { buildFixture, engineGate, strataJson, runStrata, saveFixture } from '../../support/engine.js';

const gate = engineGate();

function engineApi(path: string): Promise<any> {
  return new Promise((resolve, reject) => {
    http
      .get({ socketPath: '/var/run/docker.sock', path }, (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (c: string) => (body += c));
        res.on('end', () => resolve(JSON.parse(body)));
      })
      .on('error', reject);
  });
}

describe('strata shared', { skip: gate.skip }, () => {
  before(() => {
    gate.before();
    buildFixture('small');
    buildFixture('changes');
  });

  it('per-image shared and unique bytes agree with the Engine (docker system df -v)', async () => {
    const report = await strataJson(['shared', '--json']);
    const df = await engineApi('/system/df');
    assert.equal(report.kind, 'shared');
    for (const img of report.images) {
      const e = df.Images.find((x: any) => x.Id === img.id);
      assert.ok(e, `the Engine lists ${img.id}`);
      assert.equal(img.sizeBytes, e.Size, `${img.repoTags[0]} size`);
      assert.equal(img.sharedBytes, e.SharedSize, `${img.repoTags[0]} shared size`);
      assert.equal(img.uniqueBytes, e.Size - e.SharedSize, `${img.repoTags[0]} unique size`);
    }
    assert.equal(report.savedBytes, report.unsharedBytes - report.storedBytes);
  });

  it('the busybox layers of small and changes are one stored layer used by both', async () => {
    const report = await strataJson(['shared', '--json']);
    const small = buildFixture('small');
    const changes = buildFixture('changes');
    const l0 = report.layers.find((l: any) => l.diffId === small.diffIds[0]);
    assert.ok(l0.images.includes(small.id) && l0.images.includes(changes.id));
    const row = report.images.find((i: any) => i.id === small.id);
    assert.deepEqual(row.repoTags, ['strata-test/small:1']);
    assert.equal(row.official, false);
    assert.equal(row.floating, false);
    assert.ok(row.layers[0].sharedWith.includes(changes.id));
  });
});

describe('strata container', { skip: gate.skip }, () => {
  const name = `strata-test-c-${process.pid}`;
  before(() => {
    gate.before();
    buildFixture('changes');
    execFileSync('docker', ['rm', '-f', name], { stdio: 'ignore' });
    execFileSync('docker', [
      'run',
      '--name',
      name,
      'strata-test/changes:1',
      'sh',
      '-c',
      'printf hello > /newfile; rm /data/mod.txt; printf 0123456789 > /data/grow.txt; mkdir /made; printf abc > /made/f',
    ]);
  });
  after(() => {
    execFileSync('docker', ['rm', '-f', name], { stdio: 'ignore' });
  });

  it('the copy-on-write layer is the top layer over the image stack, sized, with waste', async () => {
    const r = await strataJson(['container', name, '--json', '--files', '--no-cache']);
    const img = buildFixture('changes');
    assert.equal(r.layers.length, img.diffIds.length + 1);
    const top = r.layers[r.layers.length - 1];
    assert.match(top.command, new RegExp(`container ${name}`));
    const files = Object.fromEntries(top.files.map((f: any) => [f.path, f]));
    assert.equal(files['/newfile'].change, 'added');
    assert.equal(files['/newfile'].size, 5);
    assert.equal(files['/made'].change, 'added');
    assert.equal(files['/made'].type, 'dir');
    assert.equal(files['/made/f'].size, 3);
    assert.equal(files['/data/mod.txt'].change, 'removed');
    assert.equal(files['/data/grow.txt'].change, 'modified');
    assert.equal(files['/data/grow.txt'].size, 10);
    assert.equal(r.container.name, name);
    assert.deepEqual(r.container.changes, { added: 3, changed: 2, deleted: 1 });
    // The replaced and deleted lower versions are now waste hidden by the container layer.
    const hidden = r.wasted
      .filter((w: any) => w.hiddenBy.layer === r.layers.length - 1)
      .map((w: any) => w.path)
      .sort();
    assert.deepEqual(hidden, ['/data/grow.txt', '/data/mod.txt']);
  });

  it("the copy-on-write layer's files read back through the container (file view)", async () => {
    const { loadContainer } = await import('../../../src/sources/engine/container.js');
    const { versionAt, readVersionHead } = await import('../../../src/sources/read-back.js');
    const { img } = await loadContainer(name, {});
    const top = versionAt(img, '/data/grow.txt');
    assert.equal(top.layer, img.layers.length - 1);
    assert.equal((await readVersionHead(img, top)).bytes.toString(), '0123456789');
    // The image's own version below it comes from the image export.
    const below = versionAt(img, '/data/grow.txt', img.layers.length - 2);
    assert.equal((await readVersionHead(img, below)).bytes.toString(), 'grow\ngrow\ngrow\n');
  });

  it('an unknown container exits 2', async () => {
    const r = await runStrata(['container', 'strata-no-such-container', '--json']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^strata: container not found: strata-no-such-container\n$/);
  });
});

describe('strata diff', { skip: gate.skip }, () => {
  before(() => {
    gate.before();
    buildFixture('small');
    buildFixture('changes');
  });

  it('shared layers by diff_id, then file differences largest first', async () => {
    const small = buildFixture('small');
    const changes = buildFixture('changes');
    const r = await strataJson(['diff', small.tag, changes.tag, '--json', '--no-cache']);
    assert.equal(r.kind, 'diff');
    assert.equal(r.layers.commonPrefix, 2);
    assert.deepEqual(
      r.layers.shared.map((l: any) => l.diffId),
      small.diffIds.slice(0, 2),
    );
    assert.equal(r.layers.onlyA.length, 1);
    assert.equal(r.layers.onlyB.length, changes.diffIds.length - 2);
    const hello = r.files.find((f: any) => f.path === '/hello.txt');
    assert.deepEqual(hello, { path: '/hello.txt', change: 'removed', type: 'file', sizeA: 6, sizeB: 0, bytes: -6 });
    assert.equal(r.files.find((f: any) => f.path === '/dup.txt').change, 'added');
    // Largest first.
    const sizes = r.files.map((f: any) => Math.max(f.sizeA, f.sizeB));
    assert.deepEqual(
      sizes,
      [...sizes].sort((x: number, y: number) => y - x),
    );
    assert.equal(r.totals.removed.count, 1);
  });

  it('an image against its own docker save archive: everything shared, no file differences', async () => {
    const changes = buildFixture('changes');
    const r = await strataJson(['diff', changes.tag, saveFixture('changes'), '--json', '--no-cache']);
    assert.equal(r.layers.commonPrefix, changes.diffIds.length);
    assert.deepEqual(r.files, []);
  });

  it('the text face names both images and the cost', async () => {
    const r = await runStrata(['diff', 'strata-test/small:1', 'strata-test/changes:1', '--no-cache']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^A: strata-test\/small:1/);
    assert.match(r.stdout, /Shared layers: 2 /);
    assert.match(r.stdout, /- +-6 B {2}\/hello\.txt/);
  });
});
