/** The diff screen: two summary lines, the layers (shared / only in A / only in B), the file differences. */
import React from 'react';
import { Box } from 'ink';
import { clampList } from '../state/list.js';
import {
  CHANGE_SYM,
  diffFileHeader,
  diffFileLine,
  diffFiles,
  diffLayerRows,
  diffSummary,
  type DiffModel,
  type DiffState,
} from '../state/diff.js';
import { Line, Pane } from './Pane.js';
import type { Theme } from '../theme.js';
import { safe } from '../present/text.js';

export interface DiffViewProps {
  model: DiffModel;
  state: DiffState;
  heights: { layers: number; files: number };
  width: number;
  theme: Theme;
}

export function DiffView({ model, state, heights, width, theme }: DiffViewProps): React.ReactElement {
  const [s1, s2] = diffSummary(model);
  const layerRows = diffLayerRows(model.diff);
  const lInner = Math.max(1, heights.layers - 2);
  const lwin = clampList(state.layers, layerRows.length, lInner);
  const layers: React.ReactNode[] = [];
  for (let i = lwin.offset; i < Math.min(layerRows.length, lwin.offset + lInner); i++) {
    const r = layerRows[i];
    const sel = state.focus === 'layers' && i === lwin.cursor;
    layers.push(
      <Line
        key={i}
        inverse={sel && theme.colour}
        color={r.kind === 'shared' ? theme.unchanged : r.kind === 'onlyA' ? theme.removed : theme.added}
      >
        {sel ? '▶' : ' '}
        {r.text}
      </Line>,
    );
  }
  if (layerRows.length === 0)
    layers.push(
      <Line key="none" color={theme.dim}>
        no layers
      </Line>,
    );

  const files = diffFiles(model.diff, state.filter);
  // One row of the pane is the column header.
  const fInner = Math.max(1, heights.files - 3);
  const fwin = clampList(state.files, files.length, fInner);
  const rows: React.ReactNode[] = [
    <Line key="head" color={theme.dim}>
      {diffFileHeader()}
    </Line>,
  ];
  const colour = { added: theme.added, removed: theme.removed, modified: theme.modified };
  for (let i = fwin.offset; i < Math.min(files.length, fwin.offset + fInner); i++) {
    const f = files[i];
    const sel = state.focus === 'files' && i === fwin.cursor;
    rows.push(
      <Line key={i} inverse={sel && theme.colour} color={colour[f.change]}>
        {sel ? '▶' : ' '}
        {diffFileLine(f, width - 3)}
      </Line>,
    );
  }
  if (files.length === 0)
    rows.push(
      <Line key="none" color={theme.dim}>
        {model.diff.files.length === 0 ? 'no file differs' : 'no path matches the filter (x clears it)'}
      </Line>,
    );
  const shared = model.diff.shared.length;
  const lTitle = `Layers · ${shared} shared · ${model.diff.onlyA.length} only in A · ${model.diff.onlyB.length} only in B`;
  const fTitle = `Files ${files.length === 0 ? 0 : fwin.cursor + 1}/${files.length} · largest first · ${CHANGE_SYM.added} added ${CHANGE_SYM.removed} removed ${CHANGE_SYM.modified} modified${state.filter ? ` · filter "${safe(state.filter)}"` : ''}`;
  return (
    <Box flexDirection="column" width={width}>
      <Line>{s1}</Line>
      <Line>{s2}</Line>
      <Pane title={lTitle} focused={state.focus === 'layers'} width={width} height={heights.layers} theme={theme}>
        {layers}
      </Pane>
      <Pane title={fTitle} focused={state.focus === 'files'} width={width} height={heights.files} theme={theme}>
        {rows}
      </Pane>
    </Box>
  );
}
