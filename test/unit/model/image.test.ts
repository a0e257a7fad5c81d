/** History onto layers (mapHistory): empty layers, more history than layers, fewer. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mapHistory, metaFromConfig, type ImageConfigDoc } from '../../../src/model/image.js';

type History = ImageConfigDoc['history'];

test('non-empty steps map in order onto the layers; empty ones map to none', () => {
  const history: History = [
    { created: '2026-01-01T00:00:00Z', created_by: 'ADD rootfs.tar /' },
    { created: '2026-01-02T00:00:00Z', created_by: 'ENV A=1', empty_layer: true },
    { created: '2026-01-03T00:00:00Z', created_by: 'RUN make', comment: 'buildkit' },
  ];
  const warnings: string[] = [];
  const r = mapHistory(history, 2, warnings);
  assert.deepEqual(warnings, []);
  assert.deepEqual(r.command, ['ADD rootfs.tar /', 'RUN make']);
  assert.deepEqual(r.created, ['2026-01-01T00:00:00Z', '2026-01-03T00:00:00Z']);
  assert.deepEqual(r.items, [
    { created: '2026-01-01T00:00:00Z', createdBy: 'ADD rootfs.tar /', emptyLayer: false, layerIndex: 0 },
    { created: '2026-01-02T00:00:00Z', createdBy: 'ENV A=1', emptyLayer: true, layerIndex: null },
    {
      created: '2026-01-03T00:00:00Z',
      createdBy: 'RUN make',
      emptyLayer: false,
      layerIndex: 1,
      comment: 'buildkit',
    },
  ]);
});

test('more non-empty steps than layers: the extra steps match no layer, and a warning says so', () => {
  const warnings: string[] = [];
  const r = mapHistory([{ created_by: 'a' }, { created_by: 'b' }, { created_by: 'c' }], 1, warnings);
  assert.deepEqual(r.command, ['a']);
  assert.deepEqual(
    r.items.map((i) => i.layerIndex),
    [0, null, null],
  );
  assert.deepEqual(warnings, ['history lists 3 non-empty steps but the image has 1 layers; 2 step(s) match no layer']);
});

test('fewer steps than layers: the last layers keep no command, and a warning says so', () => {
  const warnings: string[] = [];
  const r = mapHistory([{ created_by: 'only' }], 3, warnings);
  assert.deepEqual(r.command, ['only', '', '']);
  assert.deepEqual(r.created, ['', '', '']);
  assert.deepEqual(warnings, [
    'history lists 1 non-empty steps but the image has 3 layers; 2 layer(s) have no recorded command',
  ]);
});

test('no history at all, or a history of the wrong type or with wrong fields', () => {
  const warnings: string[] = [];
  const r = mapHistory(undefined, 0, warnings);
  assert.deepEqual(r, { items: [], command: [], created: [] });
  assert.deepEqual(warnings, []);
  const odd = mapHistory([{ created_by: 7, created: null } as never], 1, warnings);
  assert.deepEqual(odd.command, ['']);
  assert.deepEqual(odd.items, [{ created: '', createdBy: '', emptyLayer: false, layerIndex: 0 }]);
});

test('metaFromConfig keeps strings only, and the variant only when it is a non-empty string', () => {
  const doc = { os: 'linux', architecture: 5, variant: '', created: 'x', config: { User: 'app' } };
  const m = metaFromConfig(doc as never, 'sha256:1', ['a:1'], []);
  assert.equal(m.os, 'linux');
  assert.equal(m.architecture, '');
  assert.equal('variant' in m, false);
  assert.equal(m.config.User, 'app');
  assert.deepEqual(m.config.Env, []);
});
