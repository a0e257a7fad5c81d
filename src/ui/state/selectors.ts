/** Pure derivations of the state and its context: the layout, the selected step, the tree's rows, heights. */
import type { TreeRows } from '../../model/tree-rows.js';
import { computeLayout, contentColumns, contentRows, wasteListRows, type Layout, type PaneId } from '../layout.js';
import { detailLines } from '../present/details.js';
import type { AppCtx, AppState } from './app-state.js';
import type { Step, TreeQuery } from './image-view.js';

export function layoutOf(s: AppState, ctx: AppCtx): Layout {
  return computeLayout(ctx.size, s.focus, s.lastBottom);
}

export function stepsOf(ctx: AppCtx): Step[] {
  return ctx.model?.steps() ?? [];
}

export function selectedStep(s: AppState, ctx: AppCtx): Step | undefined {
  const steps = stepsOf(ctx);
  return steps[Math.min(s.layers.cursor, steps.length - 1)];
}

export function treeQuery(s: AppState, ctx: AppCtx): TreeQuery | null {
  const step = selectedStep(s, ctx);
  if (!step || step.layer < 0) return null;
  const t = s.tree;
  // A metadata-only step (ENV, CMD ...) changes no files: no layer changes to show.
  if (step.kind === 'meta' && t.mode === 'layer') return null;
  return { layer: step.layer, mode: t.mode, sort: t.sort, filters: t.filters, expansion: t };
}

export function treeRows(s: AppState, ctx: AppCtx): TreeRows | null {
  const q = treeQuery(s, ctx);
  return q && ctx.model ? ctx.model.rows(q) : null;
}

/** Rows of a pane's list (narrow layouts show one of tree/waste/details: the others get its height). */
export function paneHeight(s: AppState, ctx: AppCtx, pane: PaneId): number {
  const l = layoutOf(s, ctx);
  if (pane === 'waste') return wasteListRows(l.panes.waste);
  return contentRows(
    l.panes[pane] ?? l.panes[l.kind === 'narrow' ? (s.focus === 'layers' ? s.lastBottom : s.focus) : pane],
  );
}

export function paneWidth(s: AppState, ctx: AppCtx, pane: PaneId): number {
  const l = layoutOf(s, ctx);
  return contentColumns(l.panes[pane] ?? { width: ctx.size.columns, height: 3 });
}

export function detailCount(s: AppState, ctx: AppCtx): number {
  if (!ctx.model) return 0;
  const step = selectedStep(s, ctx);
  const sel = step && step.layer >= 0 ? { path: s.tree.cursorPath, layer: step.layer } : null;
  return detailLines(ctx.model.img, step, paneWidth(s, ctx, 'details'), sel).length;
}
