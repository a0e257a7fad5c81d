/** The containers list: its rows and filter, and the keys that switch the image list to it. */
import '../../../support/ui/env.js';
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { initialState, type AppCtx, type Effect } from '../../../../src/ui/state/app-state.js';
import { containerRows, filterContainers } from '../../../../src/ui/present/containers.js';
import { diveCtx, pressKeys } from '../../../support/ui/state.js';

let ctx: AppCtx;
before(async () => {
  ctx = await diveCtx();
});

describe('containers list', () => {
  it('containers: names without the slash, newest first, filter by name, image or id', () => {
    const rows = containerRows([
      { Id: 'aaa', Names: ['/old'], Image: 'alpine', State: 'exited', Created: 1 },
      { Id: 'bbb', Names: [], Image: 'me/app:1', State: 'running', Created: 2 },
    ]);
    assert.deepEqual(
      rows.map((r) => r.name),
      ['bbb', 'old'],
    );
    assert.deepEqual(
      filterContainers(rows, 'ALP').map((r) => r.name),
      ['old'],
    );
    assert.deepEqual(
      filterContainers(rows, 'bb').map((r) => r.name),
      ['bbb'],
    );
  });

  it('c toggles the list and asks for the containers; s opens the shared view; Esc goes back', () => {
    let s = initialState('images');
    let effs: Effect[];
    [s, effs] = pressKeys(ctx, s, 'c');
    assert.equal(s.listKind, 'containers');
    assert.deepEqual(effs, [{ type: 'containers' }]);
    [s, effs] = pressKeys(ctx, s, 's');
    assert.equal(s.screen, 'shared');
    assert.deepEqual(effs, [{ type: 'shared' }]);
    [s, effs] = pressKeys(ctx, s, 'esc');
    assert.deepEqual(effs, [{ type: 'back' }]);
  });
});
