/**
 * Helpers of the tree keys that work from every pane, the regex path filter and the search that
 * also counts paths the filters hide. Pure.
 */
import { NO_FILTERS } from '../../model/tree-filters.js';
import type { Command } from '../commands.js';
import type { AppCtx, AppState } from './app-state.js';
import { selectedStep } from './selectors.js';

/** Tree commands that, pressed in another pane, move the focus to the tree (a prompt, the file view). */
export const ANYWHERE_FOCUS: ReadonlySet<Command> = new Set<Command>([
  'search',
  'pathFilter',
  'regexFilter',
  'sizeFilter',
  'view',
  'searchNext',
  'searchPrev',
]);

/** Why `text` is not a usable regular expression, or null when it is (the empty text is: no filter). */
export function compileRegex(text: string): string | null {
  if (text === '') return null;
  try {
    new RegExp(text, 'i');
    return null;
  } catch {
    return 'not a regular expression';
  }
}

/** Matches of `query` among the rows the filters show, and among those they hide. */
export function searchHidden(s: AppState, ctx: AppCtx, query: string): { visible: number; hidden: number } {
  const step = selectedStep(s, ctx);
  const model = ctx.model;
  if (!step || step.layer < 0 || !model || query === '') return { visible: 0, hidden: 0 };
  if (step.kind === 'meta' && s.tree.mode === 'layer') return { visible: 0, hidden: 0 };
  const q = { layer: step.layer, mode: s.tree.mode, sort: s.tree.sort, filters: s.tree.filters, expansion: s.tree };
  const visible = model.matches(q, query).length;
  const f = s.tree.filters;
  if (f.hidden.length === 0 && f.path === '' && f.minSize <= 0 && !f.regex) return { visible, hidden: 0 };
  const all = model.matches({ ...q, filters: NO_FILTERS }, query).length;
  return { visible, hidden: Math.max(0, all - visible) };
}

/** The prompt line's live count while typing a search: "3 matches", "0 shown · 2 hidden by the filters". */
export function searchCount(s: AppState, ctx: AppCtx): string | null {
  const p = s.prompt;
  if (p?.kind !== 'search' || p.text === '') return null;
  const { visible, hidden } = searchHidden(s, ctx, p.text);
  const n = (k: number) => `${k} match${k === 1 ? '' : 'es'}`;
  if (hidden === 0) return n(visible);
  return `${n(visible)} shown · ${hidden} more hidden by the filters (Enter shows them)`;
}
