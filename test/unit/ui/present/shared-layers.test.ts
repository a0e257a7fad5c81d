/** The shared-layers view: one line per layer naming the images that share it. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sharedLayerLine } from '../../../../src/ui/present/shared-layers.js';

test('shared layer line names the images that share it', () => {
  const names = new Map([['sha256:b', 'me/app:1']]);
  assert.equal(
    sharedLayerLine(
      {
        index: 0,
        chainId: 'c',
        diffId: 'sha256:0123456789abcdef',
        sizeBytes: 1000,
        sharedWith: ['sha256:b', 'sha256:c'],
      },
      names,
      80,
    ),
    'L0      1.0 kB 0123456789ab shared with 2: me/app:1, c',
  );
});
