/**
 * The status bar's key hints for what is on screen: the keymap's hints for the active scopes, with
 * the list's `c` named after where it goes, and only quit/help/back on a screen that failed to load.
 */
import { hints } from './key-help.js';
import type { AppCtx, AppState } from './state/app-state.js';
import { activeScopes } from './state/router.js';
import type { LoadState } from './hooks/use-image-loader.js';

export function screenHints(s: AppState, ctx: AppCtx, load: LoadState, diffFailed = false): string {
  const scopes = activeScopes(s);
  if (s.prompt) return hints(scopes);
  const failed =
    (s.screen === 'image' &&
      !s.help.open &&
      load.error !== null &&
      (!ctx.model || ctx.model.img.layers.length === 0)) ||
    (s.screen === 'diff' && diffFailed);
  if (failed) return hints(['global'], {}, ['quit', 'help']) + (s.fromList ? '  b back' : '');
  if (s.screen === 'images')
    return hints(scopes, { toggleList: s.listKind === 'containers' ? 'images' : 'containers' });
  return hints(scopes);
}
