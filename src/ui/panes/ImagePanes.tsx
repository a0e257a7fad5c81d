/** The image screen's panes: Layers, File tree, Waste and Details, laid out as layout.ts says. */
import React from 'react';
import { Box } from 'ink';
import type { PaneId } from '../layout.js';
import { detailLines } from '../present/details.js';
import type { AppCtx, AppState } from '../state/app-state.js';
import { layoutOf, selectedStep, treeRows } from '../state/selectors.js';
import type { Theme } from '../theme.js';
import { Details } from './Details.js';
import { FileTree } from './FileTree.js';
import { LayerStack } from './LayerStack.js';
import { Waste } from './Waste.js';

export function ImagePanes({ state, ctx, theme }: { state: AppState; ctx: AppCtx; theme: Theme }): React.ReactElement {
  const model = ctx.model!;
  const layout = layoutOf(state, ctx);
  const width = ctx.size.columns;
  const img = model.img;
  const steps = model.steps();
  const step = selectedStep(state, ctx);
  const rows = treeRows(state, ctx);
  const panes: Partial<Record<PaneId, React.ReactNode>> = {};
  const box = layout.panes;
  if (box.layers)
    panes.layers = (
      <LayerStack
        key="layers"
        img={img}
        steps={steps}
        list={state.layers}
        focused={state.focus === 'layers'}
        width={box.layers.width}
        height={box.layers.height}
        theme={theme}
      />
    );
  if (box.tree) {
    const t = state.tree;
    const ready = step && step.layer >= 0 && model.ready(step.layer);
    const meta = step?.kind === 'meta';
    let placeholder: string | null = null;
    if (!step) placeholder = 'no layers';
    else if (step.layer < 0) placeholder = 'nothing below this step yet';
    else if (!ready) placeholder = `layer ${step.layer} is still being read…`;
    else if (meta && t.mode === 'layer') placeholder = 'a metadata-only step: no file changes (a: the files as of it)';
    const at = rows && rows.ids.length > 0 ? Math.max(1, (rows.rowOf[t.cursorPath] ?? -1) + 1) : 0;
    const count = rows ? ` · ${at}/${rows.ids.length}` : '';
    const what = meta
      ? t.mode === 'layer'
        ? 'metadata only · no file changes'
        : `metadata only · filesystem as of L${step.layer}, unmarked`
      : t.mode === 'layer'
        ? 'layer changes'
        : 'aggregated';
    const title = `File tree · ${meta ? `step ${step.index + 1}` : `L${step?.layer ?? '-'}`} · ${what}${count}`;
    panes.tree = (
      <FileTree
        key="tree"
        rows={rows}
        state={t}
        neutral={meta}
        attrs={state.attrs}
        title={title}
        placeholder={placeholder}
        focused={state.focus === 'tree'}
        width={box.tree.width}
        height={box.tree.height}
        theme={theme}
      />
    );
  }
  if (box.waste)
    panes.waste = (
      <Waste
        key="waste"
        img={img}
        list={model.wasted()}
        state={state.waste}
        view={state.wasteView}
        focused={state.focus === 'waste'}
        width={box.waste.width}
        height={box.waste.height}
        theme={theme}
      />
    );
  if (box.details) {
    const selected = step && step.layer >= 0 ? { path: state.tree.cursorPath, layer: step.layer } : null;
    const lines = detailLines(img, step, box.details.width - 2, selected);
    panes.details = (
      <Details
        key="details"
        lines={lines}
        offset={state.details.offset}
        focused={state.focus === 'details'}
        width={box.details.width}
        height={box.details.height}
        theme={theme}
      />
    );
  }
  if (layout.kind === 'wide') {
    return (
      <Box flexDirection="row" width={width} height={layout.mainRows}>
        <Box flexDirection="column" width={layout.columns[0]}>
          {panes.layers}
          {panes.details}
        </Box>
        <Box flexDirection="column" width={layout.columns[1]}>
          {panes.tree}
          {panes.waste}
        </Box>
      </Box>
    );
  }
  return (
    <Box flexDirection="column" width={width} height={layout.mainRows}>
      {panes.layers}
      {panes.tree ?? panes.waste ?? panes.details}
    </Box>
  );
}
