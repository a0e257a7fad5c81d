/**
 * The image view's caches (ui/state/image-view.ts) and their idle warm-up (ui/state/warm-up.ts) give
 * exactly what a fresh computation gives: a search narrowed from a shorter query, fully expanded
 * rows kept per (view, filters, sort), and every cache the warm-up fills.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { LoadedImage } from '../../../../src/model/image.js';
import { NO_FILTERS } from '../../../../src/model/tree-filters.js';
import { flatten, searchMatches } from '../../../../src/model/tree-rows.js';
import { loadImage } from '../../../../src/sources/load.js';
import { ImageView, type TreeQuery } from '../../../../src/ui/state/image-view.js';
import { runFor, warmUp } from '../../../../src/ui/state/warm-up.js';
import { fixture } from '../../../support/paths.js';

let img: LoadedImage;
before(async () => {
  img = await loadImage({ kind: 'archive', path: fixture('test-docker-image.tar'), ref: 'dive' }, {}, () => {});
});

const ALL = { expandDepth: Number.POSITIVE_INFINITY, toggled: new Set<number>() };
function query(over: Partial<TreeQuery> = {}): TreeQuery {
  return { layer: 13, mode: 'aggregated', sort: 'name', filters: NO_FILTERS, expansion: ALL, ...over };
}

describe('the image view', () => {
  it('a longer search filters the shorter one’s matches: the same positions as a fresh search', () => {
    const view = new ImageView(img);
    const q = query();
    for (const typed of ['r', 'ro', 'roo', 'root', 'rooT', 'x', 'xy']) {
      const narrowed = view.matches(q, typed);
      const idx = view.index(q.layer, q.mode)!;
      const fresh = searchMatches(idx, view.order(q)!, typed);
      assert.deepEqual(narrowed, fresh, typed);
    }
    assert.ok(view.matches(q, 'root').length > 0, 'something matches');
  });

  it('fully expanded rows are the walk with every directory open, in both modes and sorts', () => {
    const view = new ImageView(img);
    for (const mode of ['layer', 'aggregated'] as const) {
      for (const sort of ['name', 'size'] as const) {
        const q = query({ mode, sort });
        const idx = view.index(q.layer, mode)!;
        const rows = view.rows(q)!;
        const walk = flatten(idx, view.visibility(idx, NO_FILTERS), sort, ALL);
        assert.deepEqual([...rows.ids], [...walk.ids], `${mode} ${sort}`);
        assert.deepEqual([...rows.rowOf], [...walk.rowOf]);
        assert.equal(view.order(q), rows.ids, 'the search walks the same rows');
      }
    }
  });

  it('the warm-up changes no result, and ends', () => {
    const warmed = new ImageView(img);
    const q = query({ mode: 'layer' });
    const steps = warmUp(warmed, q);
    let slices = 0;
    while (runFor(steps, 1)) slices++;
    assert.ok(slices < 10_000, 'it ends');
    const fresh = new ImageView(img);
    for (const mode of ['layer', 'aggregated'] as const) {
      for (const sort of ['name', 'size'] as const) {
        const qq = { ...q, mode, sort };
        assert.deepEqual([...warmed.rows(qq)!.ids], [...fresh.rows(qq)!.ids], `${mode} ${sort}`);
        const depth1 = { ...qq, expansion: { expandDepth: 1, toggled: new Set<number>() } };
        assert.deepEqual([...warmed.rows(depth1)!.ids], [...fresh.rows(depth1)!.ids]);
      }
    }
    assert.deepEqual(warmed.matches(q, 'bin'), fresh.matches(q, 'bin'));
  });
});
