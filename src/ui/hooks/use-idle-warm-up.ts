/**
 * Runs an image view's warm-up (state/warm-up.ts) in slices of a few milliseconds between input
 * events, once the image is fully read, restarting when the layer, the mode, the sort or the filters
 * change.
 * `setImmediate` lets pending input (a key, a resize) run before the next slice.
 */
import { useEffect } from 'react';
import { filtersKey, type ImageView, type TreeQuery } from '../state/image-view.js';
import { runFor, warmUp } from '../state/warm-up.js';

/** Long enough to make progress, short enough that a key press waiting behind it is not felt. */
const SLICE_MS = 6;

export function useIdleWarmUp(view: ImageView | null, query: TreeQuery | null, complete: boolean): void {
  const key = query ? `${query.layer}:${query.mode}:${query.sort}:${filtersKey(query.filters)}` : '';
  // biome-ignore lint/correctness/useExhaustiveDependencies: restart on the key; the query object is new each render.
  useEffect(() => {
    if (!view || !query || !complete) return;
    const steps = warmUp(view, query);
    let timer: NodeJS.Immediate | null = null;
    const slice = () => {
      timer = runFor(steps, SLICE_MS) ? setImmediate(slice) : null;
    };
    timer = setImmediate(slice);
    return () => {
      if (timer) clearImmediate(timer);
    };
  }, [view, key, complete]);
}
