/** `strata diff` against the real Engine: shared layers by diff_id, then file differences. */
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { buildFixture, engineGate, strataJson, runStrata, saveFixture } from '../../support/engine.js';

const gate = engineGate();

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
