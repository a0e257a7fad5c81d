/**
 * The image screen: the four panes (Layers, File tree, Waste, Details) and the Advice and Largest
 * files views open over them. Keys go to the view that is open, else to the focused pane; a tree
 * key pressed in another pane acts on the tree (dive's habit). Pure.
 */
import type { Command } from '../commands.js';
import { adviceBox, largestListRows, PANES, type PaneId, WASTE_SUMMARY_ROWS } from '../layout.js';
import { reduceAdvice } from './advice.js';
import { ANYWHERE_FOCUS } from './anywhere.js';
import type { AppCtx, AppState, Effect } from './app-state.js';
import { CLOSED_LARGEST, largestFiles } from './largest.js';
import { clampList, EMPTY_LIST, listAction, reduceList } from './list.js';
import { detailCount, paneHeight, stepsOf, treeRows } from './selectors.js';
import { treeWindow } from './tree.js';
import { copySelected, focus, jumpTo, moveLayers, tree, treeCommand, viewSelected } from './tree-commands.js';
import { INITIAL_WASTE_VIEW, toggleExpand, wastePairs, wasteStepRows } from './waste-steps.js';

const PANE_CMD: Partial<Record<Command, PaneId>> = {
  paneLayers: 'layers',
  paneTree: 'tree',
  paneWaste: 'waste',
  paneDetails: 'details',
};

/** A key that leaves a view open over the panes for a pane. */
function leavesView(cmd: Command): boolean {
  return cmd === 'nextPane' || cmd === 'prevPane' || !!PANE_CMD[cmd];
}

export function imageCommand(s0: AppState, cmd: Command, ctx: AppCtx): [AppState, Effect] {
  let s = s0;
  if (cmd === 'reloadContainer') return [s, { type: 'reloadContainer' }];
  if (cmd === 'goto') return [ctx.model ? { ...s, prompt: { kind: 'goto', text: '' } } : s, null];
  if (cmd === 'largest') {
    const open = !s.largest?.open;
    if (!ctx.model) return [s, null];
    return [{ ...s, largest: { ...(s.largest ?? CLOSED_LARGEST), open }, advice: { ...s.advice, open: false } }, null];
  }
  if (s.largest?.open && !s.advice.open) {
    const rows = ctx.model ? largestFiles(ctx.model.img.analysis) : [];
    const h = largestListRows(ctx.size);
    const la = listAction(cmd);
    if (la) return [{ ...s, largest: { ...s.largest, list: reduceList(s.largest.list, la, rows.length, h) } }, null];
    if (cmd === 'closeLargest') return [{ ...s, largest: { ...s.largest, open: false } }, null];
    if (cmd === 'jump') {
      const r = rows[clampList(s.largest.list, rows.length, h).cursor];
      return r ? [jumpTo({ ...s, largest: { ...s.largest, open: false } }, r.path, r.layer, ctx), null] : [s, null];
    }
    // Pane keys leave the view for that pane; anything else stays in it.
    if (!leavesView(cmd) && cmd !== 'advice') return [s, null];
    s = { ...s, largest: { ...s.largest, open: false } };
  }
  if (cmd === 'advice') return [ctx.model ? { ...s, advice: { ...s.advice, open: !s.advice.open } } : s, null];
  if (s.advice.open) {
    const advice = ctx.model?.advice();
    const out = advice ? reduceAdvice(s.advice, cmd, advice, adviceBox(ctx.size).listRows) : null;
    if (out && 'jump' in out) return [jumpTo({ ...s, advice: out.state }, out.jump.path, out.jump.layer, ctx), null];
    if (out) return [{ ...s, advice: out.state }, null];
    // Pane keys leave the view for that pane; anything else stays in it.
    if (!leavesView(cmd)) return [s, null];
    s = { ...s, advice: { ...s.advice, open: false } };
  }
  if (cmd === 'nextPane' || cmd === 'prevPane') {
    const i = PANES.indexOf(s.focus);
    const d = cmd === 'nextPane' ? 1 : PANES.length - 1;
    return [focus(s, PANES[(i + d) % PANES.length]), null];
  }
  const pane = PANE_CMD[cmd];
  if (pane) return [focus(s, pane), null];
  if (cmd === 'copyPath') return copySelected(s, ctx);
  // A tree key pressed in another pane acts on the tree; prompts and the file view move there.
  if (s.focus !== 'tree' && ANYWHERE_FOCUS.has(cmd)) s = focus(s, 'tree');
  if (cmd === 'prevLayer') return [moveLayers(s, { type: 'move', delta: -1 }, ctx), null];
  if (cmd === 'nextLayer') return [moveLayers(s, { type: 'move', delta: 1 }, ctx), null];
  return paneCommand(s, cmd, ctx);
}

/** A key for the focused pane. */
function paneCommand(s: AppState, cmd: Command, ctx: AppCtx): [AppState, Effect] {
  const la = listAction(cmd);
  switch (s.focus) {
    case 'layers':
      if (la) return [moveLayers(s, la, ctx), null];
      if (cmd === 'open') return [focus(s, 'tree'), null];
      if (cmd === 'aggregatedView' || cmd === 'layerView') {
        const mode = cmd === 'aggregatedView' ? 'aggregated' : 'layer';
        return [s.tree.mode === mode ? s : tree(s, { type: 'mode' }, ctx), null];
      }
      return [treeCommand(s, cmd, ctx), null];
    case 'details':
      if (la) {
        // Details scroll: the cursor is the first line shown.
        const h = paneHeight(s, ctx, 'details');
        const max = Math.max(0, detailCount(s, ctx) - h);
        const delta =
          la.type === 'move' ? la.delta : la.type === 'page' ? la.dir * h : la.type === 'home' ? -Infinity : Infinity;
        const top = Math.max(0, Math.min(max, s.details.offset + delta));
        return [{ ...s, details: { cursor: top, offset: top } }, null];
      }
      return [treeCommand(s, cmd, ctx), null];
    case 'waste': {
      if (cmd === 'wasteGroup') {
        const wv = s.wasteView ?? INITIAL_WASTE_VIEW;
        return [{ ...s, wasteView: { ...wv, grouped: !wv.grouped }, waste: EMPTY_LIST }, null];
      }
      if ((s.wasteView ?? INITIAL_WASTE_VIEW).grouped) return wasteStepCommand(s, cmd, ctx);
      const list = ctx.model?.wasted() ?? [];
      const h = paneHeight(s, ctx, 'waste');
      if (la) return [{ ...s, waste: reduceList(s.waste, la, list.length, h) }, null];
      if (cmd === 'jump') {
        const w = list[clampList(s.waste, list.length, h).cursor];
        return w ? [jumpTo(s, w.pathId, w.hiddenBy.layer, ctx), null] : [s, null];
      }
      return [treeCommand(s, cmd, ctx), null];
    }
    case 'tree':
      if (cmd === 'view' || cmd === 'toggleDir') return viewSelected(s, cmd, ctx);
      return [treeCommand(s, cmd, ctx), null];
  }
}

/** The Waste pane grouped by step pair: move, open a pair's paths, jump to a path. */
function wasteStepCommand(s: AppState, cmd: Command, ctx: AppCtx): [AppState, Effect] {
  const v = s.wasteView ?? INITIAL_WASTE_VIEW;
  const pairs = ctx.model ? wastePairs(ctx.model.img.analysis) : [];
  const rows = wasteStepRows(pairs, v.expanded);
  const h = paneHeight(s, ctx, 'waste');
  const la = listAction(cmd);
  if (la) return [{ ...s, waste: reduceList(s.waste, la, rows.length, h) }, null];
  const how = cmd === 'toggleDir' ? 'toggle' : cmd === 'expand' ? 'open' : cmd === 'collapse' ? 'close' : null;
  // The tree keys that work from every pane (a, s, filters ...) act on the tree here too.
  if (!how && cmd !== 'jump') return [treeCommand(s, cmd, ctx), null];
  const cursor = clampList(s.waste, rows.length, h).cursor;
  const r = rows[cursor];
  if (!r) return [s, null];
  if (how || (cmd === 'jump' && r.target < 0)) {
    const t = toggleExpand(v, rows, cursor, how ?? 'toggle');
    const n = wasteStepRows(pairs, t.view.expanded).length;
    return [{ ...s, wasteView: t.view, waste: clampList({ ...s.waste, cursor: t.cursor }, n, h) }, null];
  }
  const target = pairs[r.pair].targets[r.target];
  return target ? [jumpTo(s, target.path, target.layer, ctx), null] : [s, null];
}

/** Click on a pane's row (0-based, within its content): focus the pane and select the row. */
export function selectRow(s0: AppState, pane: PaneId, line: number, ctx: AppCtx): AppState {
  const s = focus(s0, pane);
  const h = paneHeight(s, ctx, pane);
  switch (pane) {
    case 'layers':
      return moveLayers(s, { type: 'set', index: clampList(s.layers, stepsOf(ctx).length, h).offset + line }, ctx);
    case 'tree': {
      const rows = treeRows(s, ctx);
      if (!rows || rows.ids.length === 0) return s;
      return tree(s, { type: 'list', action: { type: 'set', index: treeWindow(s.tree, rows, h).offset + line } }, ctx);
    }
    case 'waste': {
      // Two summary lines sit above the rows.
      if (line < WASTE_SUMMARY_ROWS) return s;
      const wv = s.wasteView ?? INITIAL_WASTE_VIEW;
      const pairs = wv.grouped && ctx.model ? wastePairs(ctx.model.img.analysis) : [];
      const n = wv.grouped ? wasteStepRows(pairs, wv.expanded).length : (ctx.model?.wasted().length ?? 0);
      const index = clampList(s.waste, n, h).offset + line - WASTE_SUMMARY_ROWS;
      return { ...s, waste: reduceList(s.waste, { type: 'set', index }, n, h) };
    }
    default:
      return s;
  }
}
