/**
 * Idle-time warm-up of an image view's caches, so that the first press of a key that needs a whole
 * tree (expand all, the other view mode, the other sort, a search) finds them ready instead of
 * computing them on a 1,000,000-path tree while the user waits.
 *
 * Work is cut into steps (a generator yields after each directory or each few thousand names, and
 * after each whole-tree step: an index, a visibility, a fully expanded walk); the caller runs steps
 * for a few milliseconds at a time between input events (hooks/use-idle-warm-up.ts). A key press
 * waits at most for the step under way: under a millisecond for most, tens of milliseconds for a
 * whole-tree step on 1,000,000 paths (the time that key would otherwise take itself). Nothing here
 * changes what is shown: the caches are the ones the panes would fill on demand.
 */
import type { ViewMode } from '../../model/tree.js';
import type { SortKey, TreeIndex } from '../../model/tree-rows.js';
import type { ImageView, TreeQuery } from './image-view.js';

const OTHER_MODE: Record<ViewMode, ViewMode> = { layer: 'aggregated', aggregated: 'layer' };
const OTHER_SORT: Record<SortKey, SortKey> = { name: 'size', size: 'name' };
/** Names lowered per step: about a millisecond of work. */
const NAMES_PER_STEP = 4096;

/** Sorted children of every shown directory (what expand-all and a sort toggle walk). */
function* sortChildren(idx: TreeIndex, sort: SortKey): Generator<void> {
  for (let p = 0; p < idx.n; p++) {
    if (!idx.dir[p] || !idx.shown[p]) continue;
    idx.children(p, sort);
    yield;
  }
}

/** The lower-case display names a search compares against. */
function* lowerNames(idx: TreeIndex): Generator<void> {
  for (let p = 1; p < idx.n; p++) {
    if (idx.shown[p]) idx.lowerName(p);
    if (p % NAMES_PER_STEP === 0) yield;
  }
}

/**
 * The warm-up for one query, what the next keys most likely need first: this view's sorted children
 * and fully expanded rows, then the other mode's, then the other sort's, then the search's names.
 */
export function* warmUp(view: ImageView, q: TreeQuery): Generator<void> {
  const here = view.index(q.layer, q.mode);
  if (!here) return;
  const vis = view.visibility(here, q.filters);
  yield* sortChildren(here, q.sort);
  view.allRows(here, vis, q.sort);
  yield;
  const other = view.index(q.layer, OTHER_MODE[q.mode]);
  yield;
  if (other) {
    const otherVis = view.visibility(other, q.filters);
    yield;
    yield* sortChildren(other, q.sort);
    view.allRows(other, otherVis, q.sort);
    yield;
  }
  yield* sortChildren(here, OTHER_SORT[q.sort]);
  view.allRows(here, vis, OTHER_SORT[q.sort]);
  yield;
  yield* lowerNames(here);
}

/** Runs `steps` until `budgetMs` has passed; false once the warm-up is over. */
export function runFor(steps: Generator<void>, budgetMs: number): boolean {
  const end = performance.now() + budgetMs;
  do {
    if (steps.next().done) return false;
  } while (performance.now() < end);
  return true;
}
