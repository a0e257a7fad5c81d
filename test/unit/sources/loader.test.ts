/** The loader skeleton with an origin that does no I/O: the order of events and what it sets. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LoadEvent } from '../../../src/model/image.js';
import { newLayerInfo } from '../../../src/model/image.js';
import { runLoader, settingsOf } from '../../../src/sources/loader.js';
import { DEFAULT_SOURCE_SETTINGS, sourceSettingsFromEnv } from '../../../src/sources/settings.js';
import { buildLayer, file } from '../../support/layers.js';

test('describe, base layers, meta, the layers merged in order as they arrive, done', async () => {
  const events: string[] = [];
  const settings = sourceSettingsFromEnv({ STRATA_ENGINE_FILE_READ: 'export' });
  const img = await runLoader<{ keys: string[] }>(
    {
      source: { kind: 'archive', ref: 'test.tar' },
      describe: async (img) => {
        img.origin = { kind: 'archive', path: '/nowhere/test.tar' };
        img.layers = [0, 1, 2].map((i) => newLayerInfo(i, `sha256:${String(i).padStart(64, '0')}`));
        return { baseName: null, state: { keys: ['a', 'b', 'c'] } };
      },
      fill: async (img, asm, { keys }) => {
        const t = img.analysis.table;
        // Out of order: layer 2 waits for 0 and 1.
        asm.setOrder(keys);
        asm.provide('c', buildLayer(t, 2, [file('/c', 'c')]));
        assert.equal(img.analysis.layerCount, 0);
        asm.provide('a', buildLayer(t, 0, [file('/a', 'a')]));
        asm.provide('b', buildLayer(t, 1, [file('/b', 'b')]));
      },
    },
    { baseLayers: 2, settings },
    (ev: LoadEvent) => {
      assert.ok(ev.image, 'every event carries the image');
      events.push(ev.type === 'layer' ? `layer ${ev.index}` : ev.type);
    },
  );
  assert.deepEqual(events, ['meta', 'layer 0', 'layer 1', 'layer 2', 'done']);
  assert.equal(img.complete, true);
  assert.equal(img.baseLayers, 2);
  assert.equal(img.analysis.layerCount, 3);
  assert.deepEqual(
    img.layers.map((l) => l.merged),
    [true, true, true],
  );
  assert.equal(settingsOf(img).engineFileRead, 'export', 'file reads default to the load settings');
});

test('without settings, an image reads with the defaults; without --base-layers and an Engine, 1', async () => {
  const img = await runLoader<null>(
    {
      source: { kind: 'oci-layout', ref: 'oci:x' },
      describe: async (img) => {
        img.layers = [newLayerInfo(0, 'sha256:x'), newLayerInfo(1, 'sha256:y')];
        return { baseName: 'busybox:1', state: null };
      },
      fill: async (img, asm) => {
        asm.setOrder(['0', '1']);
        asm.provide('0', buildLayer(img.analysis.table, 0, []));
        asm.provide('1', buildLayer(img.analysis.table, 1, []));
      },
    },
    {},
    () => {},
  );
  assert.equal(img.baseLayers, 1);
  assert.deepEqual(settingsOf(img), DEFAULT_SOURCE_SETTINGS);
});

test('a failing origin fails the load and sends no done', async () => {
  const events: string[] = [];
  await assert.rejects(
    runLoader<null>(
      {
        source: { kind: 'registry', ref: 'registry://x/y' },
        describe: async () => ({ baseName: null, state: null }),
        fill: async () => {
          throw new Error('blob missing');
        },
      },
      {},
      (ev) => events.push(ev.type),
    ),
    /blob missing/,
  );
  assert.deepEqual(events, ['meta']);
});
