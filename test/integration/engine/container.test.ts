/** `strata container` against the real Engine: a container's copy-on-write layer over its image. */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  buildFixture,
  engineGate,
  removeContainer,
  runChangedContainer,
  runStrata,
  strataJson,
} from '../../support/engine.js';

const gate = engineGate();

describe('strata container', { skip: gate.skip }, () => {
  const name = `strata-test-c-${process.pid}`;
  before(() => {
    gate.before();
    buildFixture('changes');
    runChangedContainer(name, [
      'printf hello > /newfile',
      'rm /data/mod.txt',
      'printf 0123456789 > /data/grow.txt',
      'mkdir /made',
      'printf abc > /made/f',
    ]);
  });
  after(() => removeContainer(name));

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
