/**
 * Helpers for the pure UI state tests: the app context over dive's test image at a fixed size, and
 * named keys fed one by one to the key router, collecting the effects it asks for.
 */
import type { AppCtx, AppState, Effect } from '../../../src/ui/state/app-state.js';
import { ImageView } from '../../../src/ui/state/image-view.js';
import { handleKey } from '../../../src/ui/state/router.js';
import { diveImage } from './render.js';

export const SIZE = { columns: 100, rows: 30 };

/** The app context of dive's test image (call from a `before`: the image loads once per file). */
export async function diveCtx(): Promise<AppCtx> {
  return { size: SIZE, model: new ImageView(await diveImage()), images: [] };
}

/** Presses `names` in order (a single character is also its input text); the state and the effects. */
export function pressKeys(ctx: AppCtx, s: AppState, ...names: string[]): [AppState, Effect[]] {
  const effects: Effect[] = [];
  for (const n of names) {
    const [next, eff] = handleKey(s, n, n.length === 1 ? n : '', ctx);
    s = next;
    if (eff) effects.push(eff);
  }
  return [s, effects];
}
