/**
 * What a mouse report does: the wheel scrolls the list under the pointer (three rows a notch,
 * without moving the focus), a left click focuses the pane under it and selects the row. Pure.
 */
import { HEADER_ROWS, type PaneId } from '../layout.js';
import type { MouseReport } from '../mouse.js';
import type { AppCtx, AppState, Effect } from './app-state.js';
import { selectRow } from './image-screen.js';
import { clickList } from './list-screen.js';
import { command } from './router.js';
import { layoutOf } from './selectors.js';

/** Screen row of the image (or container) list's first entry: header, pane title, column header. */
const LIST_TOP = HEADER_ROWS + 3;

const WHEEL_ROWS = 3;

/** The pane under screen cell (x, y), 1-based, and the content line of it (0 = first row below the title). */
export function paneAt(s: AppState, ctx: AppCtx, x: number, y: number): { pane: PaneId; line: number } | null {
  const l = layoutOf(s, ctx);
  const row = y - 1 - HEADER_ROWS;
  if (l.kind === 'too-small' || row < 0 || row >= l.mainRows) return null;
  const stack = (order: PaneId[]): { pane: PaneId; line: number } | null => {
    let top = 0;
    for (const p of order) {
      const b = l.panes[p];
      if (!b) continue;
      if (row < top + b.height) return { pane: p, line: row - top - 1 };
      top += b.height;
    }
    return null;
  };
  if (l.kind === 'wide') return x - 1 < l.columns[0] ? stack(['layers', 'details']) : stack(['tree', 'waste']);
  return stack(['layers', 'tree', 'waste', 'details']);
}

export function mouseCommand(s: AppState, m: MouseReport, ctx: AppCtx): [AppState, Effect] {
  if (s.prompt || s.help.open) return [s, null];
  const scroll = (st: AppState): [AppState, Effect] => {
    let out = st;
    for (let i = 0; i < WHEEL_ROWS; i++) out = command(out, m.wheel > 0 ? 'down' : 'up', ctx)[0];
    return [out, null];
  };
  if (s.screen === 'images' && !m.wheel && !m.release && m.button === 0)
    return [m.y >= LIST_TOP ? clickList(s, m.y - LIST_TOP, ctx) : s, null];
  // Screens with one list (images, containers, shared, diff) and the file view: the wheel scrolls it.
  if (s.screen !== 'image' || s.view || s.advice.open || !ctx.model) return m.wheel ? scroll(s) : [s, null];
  const at = paneAt(s, ctx, m.x, m.y);
  if (!at) return [s, null];
  if (m.wheel) {
    const [scrolled] = scroll({ ...s, focus: at.pane });
    return [{ ...scrolled, focus: s.focus, lastBottom: s.lastBottom }, null];
  }
  if (m.release || m.button !== 0) return [s, null];
  return [
    at.line < 0
      ? { ...s, focus: at.pane, lastBottom: at.pane === 'layers' ? s.lastBottom : at.pane }
      : selectRow(s, at.pane, at.line, ctx),
    null,
  ];
}
