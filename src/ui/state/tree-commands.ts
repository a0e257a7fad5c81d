/**
 * The file tree's commands and the moves every pane of the image screen shares: focus a pane,
 * move the layer selection (the tree follows), jump to a path at a layer, open the file view,
 * copy the selected path. Pure.
 */
import { K_REMOVED } from '../../model/changes.js';
import { displayName } from '../../model/names.js';
import { NO_FILTERS, type ChangeFilter } from '../../model/tree-filters.js';
import type { Command } from '../commands.js';
import type { PaneId } from '../layout.js';
import type { AppCtx, AppState, Effect } from './app-state.js';
import { openView } from './file-view.js';
import { clampList, EMPTY_LIST, listAction, type ListAction, reduceList } from './list.js';
import { paneHeight, selectedStep, stepsOf, treeQuery, treeRows } from './selectors.js';
import { reduceTree, type TreeAction, treeWindow } from './tree.js';

function treeCtx(s: AppState, ctx: AppCtx) {
  const q = treeQuery(s, ctx);
  return {
    rows: treeRows(s, ctx),
    height: paneHeight(s, ctx, 'tree'),
    order: () => (q && ctx.model ? ctx.model.order(q) : null),
    matches: (query: string) => (q && ctx.model ? ctx.model.matches(q, query) : []),
  };
}

/** One action on the tree's state, with the rows and height it needs. */
export function tree(s: AppState, a: TreeAction, ctx: AppCtx): AppState {
  const t = reduceTree(s.tree, a, treeCtx(s, ctx));
  return t === s.tree ? s : { ...s, tree: t };
}

export function focus(s: AppState, pane: PaneId): AppState {
  return { ...s, focus: pane, lastBottom: pane === 'layers' ? s.lastBottom : pane };
}

/** Move the layer selection; the tree follows. */
export function moveLayers(s: AppState, a: ListAction, ctx: AppCtx): AppState {
  const layers = reduceList(s.layers, a, stepsOf(ctx).length, paneHeight(s, ctx, 'layers'));
  return layers === s.layers ? s : { ...s, layers, details: EMPTY_LIST };
}

const HIDE: Partial<Record<Command, ChangeFilter>> = {
  hideAdded: 'added',
  hideModified: 'modified',
  hideRemoved: 'removed',
  hideUnchanged: 'unchanged',
  hideUntouched: 'untouched',
};

export function treeCommand(s: AppState, cmd: Command, ctx: AppCtx): AppState {
  const la = listAction(cmd);
  if (la) return tree(s, { type: 'list', action: la }, ctx);
  const kind = HIDE[cmd];
  if (kind) return tree(s, { type: 'hide', kind }, ctx);
  const f = s.tree.filters;
  switch (cmd) {
    case 'toggleDir':
      return tree(s, { type: 'toggle' }, ctx);
    case 'collapse':
      return tree(s, { type: 'collapse' }, ctx);
    case 'expand':
      return tree(s, { type: 'expand' }, ctx);
    case 'expandAll':
      return tree(s, { type: 'expandAll' }, ctx);
    case 'collapseAll':
      return tree(s, { type: 'collapseAll' }, ctx);
    case 'toggleMode':
      return tree(s, { type: 'mode' }, ctx);
    case 'toggleSort':
      return tree(s, { type: 'sort' }, ctx);
    case 'search':
      return { ...s, prompt: { kind: 'search', text: '', savedTree: s.tree } };
    case 'searchNext':
      return tree(s, { type: 'searchStep', dir: 1 }, ctx);
    case 'searchPrev':
      return tree(s, { type: 'searchStep', dir: -1 }, ctx);
    case 'clearSearch':
      return s.tree.search ? { ...s, tree: { ...s.tree, search: '' } } : s;
    case 'pathFilter':
      return { ...s, prompt: { kind: 'path', text: f.path, savedTree: s.tree } };
    case 'regexFilter':
      return { ...s, prompt: { kind: 'regex', text: f.regex ?? '', savedTree: s.tree } };
    case 'toggleAttrs':
      return { ...s, attrs: !s.attrs };
    case 'sizeFilter':
      return { ...s, prompt: { kind: 'size', text: f.minSize ? String(f.minSize) : '' } };
    case 'clearFilters':
      return tree(s, { type: 'filters', filters: NO_FILTERS }, ctx);
    default:
      return s;
  }
}

/** `v` (or Enter on a file) in the tree: open the view of the file under the cursor. */
export function viewSelected(s: AppState, cmd: Command, ctx: AppCtx): [AppState, Effect] {
  const rows = treeRows(s, ctx);
  const step = selectedStep(s, ctx);
  if (!rows || rows.ids.length === 0 || !step || step.layer < 0)
    return [cmd === 'toggleDir' ? treeCommand(s, cmd, ctx) : s, null];
  const cur = rows.ids[treeWindow(s.tree, rows, paneHeight(s, ctx, 'tree')).cursor];
  if (rows.index.dir[cur]) return [cmd === 'toggleDir' ? treeCommand(s, cmd, ctx) : s, null];
  const path = rows.index.table.path(cur);
  let layer = step.layer;
  let note: string | null = null;
  // A path removed by this layer has no version here: show the one the removal hid.
  if (rows.index.change(cur) === K_REMOVED && layer > 0) {
    note = `removed in L${layer}: showing the version below it`;
    layer -= 1;
  }
  const view = openView(path, layer, note);
  return [
    { ...s, view },
    { type: 'view', token: view.token, path, layer },
  ];
}

/** The path under the tree cursor to the clipboard (its display form), with a confirmation. */
export function copySelected(s: AppState, ctx: AppCtx): [AppState, Effect] {
  const rows = treeRows(s, ctx);
  if (!rows || rows.ids.length === 0) return [{ ...s, flash: 'nothing selected to copy' }, null];
  const p = rows.ids[treeWindow(s.tree, rows, paneHeight(s, ctx, 'tree')).cursor];
  const text = displayName(rows.index.table.path(p));
  return [
    { ...s, flash: `copied ${text} to the clipboard (OSC 52)` },
    { type: 'copy', text },
  ];
}

/** Show `path` in the tree at `layer`: select that layer's step, clear filters that hide it, reveal it. */
export function jumpTo(s: AppState, path: number, layer: number, ctx: AppCtx): AppState {
  const steps = stepsOf(ctx);
  const step = steps.find((x) => x.kind === 'layer' && x.layer === layer);
  if (!step) return s;
  let next: AppState = focus(
    {
      ...s,
      layers: clampList({ ...s.layers, cursor: step.index }, steps.length, paneHeight(s, ctx, 'layers')),
      details: EMPTY_LIST,
      tree: { ...s.tree, mode: 'layer' },
    },
    'tree',
  );
  let rows = treeRows(next, ctx);
  if (rows && (path >= rows.vis.length || !rows.vis[path])) {
    next = { ...next, tree: { ...next.tree, filters: NO_FILTERS } };
    rows = treeRows(next, ctx);
  }
  if (!rows || path >= rows.vis.length || !rows.vis[path]) return next;
  return tree(next, { type: 'reveal', path }, ctx);
}
