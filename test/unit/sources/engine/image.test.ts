/** The Engine loader's provisional history (from the history API), without an Engine. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newLayerInfo } from '../../../../src/model/image.js';
import { newImage } from '../../../../src/sources/assemble.js';
import { applyProvisionalHistory } from '../../../../src/sources/engine/image.js';

const step = (by: string, size: number, created = 1_700_000_000) => ({ Created: created, CreatedBy: by, Size: size });

test('the provisional mapping drops its own warnings only, and sets the expected bytes', () => {
  const img = newImage({ kind: 'engine', ref: 'x' });
  img.layers = [newLayerInfo(0, 'sha256:a'), newLayerInfo(1, 'sha256:b')];
  img.warnings.push('an earlier warning');
  // Newest first, as the API lists them; one step only for two layers: a count mismatch warning.
  applyProvisionalHistory(img, [step('ADD rootfs', 100)]);
  assert.deepEqual(img.warnings, ['an earlier warning']);
  assert.equal(img.layers[0].command, 'ADD rootfs');
  assert.equal(img.layers[1].command, '');
  assert.equal(img.history.length, 1);
  assert.equal(img.history[0].created, new Date(1_700_000_000_000).toISOString());
});

test('the Engine sizes become the expected bytes of each layer', () => {
  const img = newImage({ kind: 'engine', ref: 'x' });
  img.layers = [newLayerInfo(0, 'sha256:a'), newLayerInfo(1, 'sha256:b')];
  applyProvisionalHistory(img, [step('RUN make', 20), step('ENV A=1', 0), step('ADD rootfs', 100)]);
  assert.deepEqual(
    img.layers.map((l) => [l.command, l.progress.expectedBytes]),
    [
      ['ADD rootfs', 100],
      ['RUN make', 20],
    ],
  );
  assert.deepEqual(img.warnings, []);
});
