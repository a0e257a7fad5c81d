/**
 * What a mouse report does: the wheel scrolls the list under the pointer (three rows a notch,
 * without moving the focus), a left click focuses the pane under it and selects the row. Pure.
 */
import { HEADER_ROWS, type PaneId } from '../layout.js';
import type { MouseReport } from '../mouse.js';
import { command, layoutOf, selectRow, type AppCtx, type AppState, type Effect } from './app.js';
import { listHeight } from './screens.js';
import { clampList, reduceList } from './list.js';
import { filterImages } from './images.js';
import { filterContainers } from './containers.js';

/** Screen row of the image (or container) list's first entry: header, pane title, column header. */
const LIST_TOP = HEADER_ROWS + 3;

/** A click on the image or container list selects the row under the pointer. */
function clickList(s: AppState, m: MouseReport, ctx: AppCtx): AppState {
  const line = m.y - LIST_TOP;
  if (line < 0) return s;
  const h = listHeight(ctx);
  if (s.listKind === 'containers') {
    const n = filterContainers(ctx.containers ?? [], s.imageFilter).length;
    return {
      ...s,
      containers: reduceList(s.containers, { type: 'set', index: clampList(s.containers, n, h).offset + line }, n, h),
    };
  }
  const n = filterImages(ctx.images, s.imageFilter).length;
  return { ...s, images: reduceList(s.images, { type: 'set', index: clampList(s.images, n, h).offset + line }, n, h) };
}

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
  if (s.screen === 'images' && !m.wheel && !m.release && m.button === 0) return [clickList(s, m, ctx), null];
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
