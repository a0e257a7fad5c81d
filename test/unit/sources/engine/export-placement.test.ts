/** Placing the blobs of an Engine export without hashing them, for every export shape. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ExportLocator } from '../../../../src/sources/engine/export-placement.js';

const d = (c: string) => `sha256:${c.repeat(64)}`;
const json = (v: unknown) => Buffer.from(JSON.stringify(v));
const diffIds = [d('a'), d('b'), d('c')];

test('legacy save: the <v1id>/json parent chain places each layer.tar as soon as its ancestors are known', () => {
  const loc = new ExportLocator(diffIds, d('f'));
  const v1 = ['1', '2', '3'].map((c) => c.repeat(64));
  loc.noteJson(`${v1[2]}/json`, json({ id: v1[2], parent: v1[1] }));
  assert.equal(loc.position(`${v1[2]}/layer.tar`), null, 'the parent chain is not known yet');
  loc.noteJson(`${v1[0]}/json`, json({ id: v1[0] }));
  assert.equal(loc.position(`${v1[0]}/layer.tar`), 0);
  loc.noteJson(`${v1[1]}/json`, json({ id: v1[1], parent: v1[0] }));
  assert.equal(loc.position(`${v1[1]}/layer.tar`), 1);
  assert.equal(loc.position(`${v1[2]}/layer.tar`), 2);
  // A repeated layer is a symlink to the first copy.
  loc.noteLink(`${'4'.repeat(64)}/layer.tar`, `${v1[0]}/layer.tar`);
  assert.deepEqual(loc.aliases(`${v1[0]}/layer.tar`), [`${v1[0]}/layer.tar`, `${'4'.repeat(64)}/layer.tar`]);
});

test('Docker >= 25: uncompressed blobs are named by their diff_id', () => {
  const loc = new ExportLocator(diffIds, d('f'));
  assert.equal(loc.position(`blobs/sha256/${'b'.repeat(64)}`), 1);
  assert.equal(loc.position(`blobs/sha256/${'9'.repeat(64)}`), null);
});

test('containerd store: the image id names the index; config by diff_ids; the manifest places the blobs', () => {
  const index = d('e');
  const config = d('7');
  const loc = new ExportLocator(diffIds, index);
  const gz = ['4', '5', '6'].map((c) => d(c));
  // Another platform's manifest first: it must not place anything.
  loc.noteJson(
    `blobs/sha256/${'8'.repeat(64)}`,
    json({ config: { digest: d('9') }, layers: gz.map((g) => ({ digest: g })) }),
  );
  assert.equal(loc.position(`blobs/sha256/${'4'.repeat(64)}`), null);
  loc.noteJson(
    `blobs/sha256/${'0'.repeat(64)}`,
    json({ config: { digest: config }, layers: gz.reverse().map((g) => ({ digest: g })) }),
  );
  assert.equal(loc.position(`blobs/sha256/${'6'.repeat(64)}`), null, 'the config is not recognised yet');
  loc.noteJson(`blobs/sha256/${'7'.repeat(64)}`, json({ rootfs: { type: 'layers', diff_ids: diffIds } }));
  assert.equal(loc.configDigest, config);
  assert.equal(loc.position(`blobs/sha256/${'6'.repeat(64)}`), 0);
  assert.equal(loc.position(`blobs/sha256/${'4'.repeat(64)}`), 2);
});

test('manifest.json (the last entry) places what is left', () => {
  const loc = new ExportLocator(diffIds, d('f'));
  loc.noteJson(
    'manifest.json',
    json([{ Config: `blobs/sha256/${'f'.repeat(64)}`, Layers: ['x/layer.tar', 'y/layer.tar', 'z/layer.tar'] }]),
  );
  assert.equal(loc.position('y/layer.tar'), 1);
});
