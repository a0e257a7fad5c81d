/** The diff screen: two summary lines, the layers (shared / only in A / only in B), the file differences. */
import React from 'react';
import { Box } from 'ink';
import { CHANGE_KIND_SYMBOL } from '../../model/change-symbols.js';
import type { DiffHeights } from '../layout.js';
import {
  type DiffModel,
  diffFileHeader,
  diffFileLine,
  diffFiles,
  diffLayerRows,
  diffSummary,
} from '../present/diff.js';
import { safe } from '../present/text.js';
import type { DiffState } from '../state/app-state.js';
import { clampList } from '../state/list.js';
import type { Theme } from '../theme.js';
import { Line, Pane } from './Pane.js';
import { WindowedList } from './WindowedList.js';

export interface DiffViewProps {
  model: DiffModel;
  state: DiffState;
  heights: DiffHeights;
  width: number;
  theme: Theme;
}

export function DiffView({ model, state, heights, width, theme }: DiffViewProps): React.ReactElement {
  const [s1, s2] = diffSummary(model);
  const layerRows = diffLayerRows(model.diff);
  const lwin = clampList(state.layers, layerRows.length, heights.layerRows);
  const layers: React.ReactNode[] = [
    <WindowedList
      key="rows"
      rows={layerRows}
      cursor={state.focus === 'layers' ? lwin.cursor : -1}
      offset={lwin.offset}
      height={heights.layerRows}
      theme={theme}
      row={(r) => ({
        content: r.text,
        color: r.kind === 'shared' ? theme.unchanged : r.kind === 'onlyA' ? theme.removed : theme.added,
      })}
    />,
  ];
  if (layerRows.length === 0)
    layers.push(
      <Line key="none" color={theme.dim}>
        no layers
      </Line>,
    );

  const files = diffFiles(model.diff, state.filter);
  const fwin = clampList(state.files, files.length, heights.fileRows);
  const colour = { added: theme.added, removed: theme.removed, modified: theme.modified };
  const rows: React.ReactNode[] = [
    <Line key="head" color={theme.dim}>
      {diffFileHeader()}
    </Line>,
    <WindowedList
      key="rows"
      rows={files}
      cursor={state.focus === 'files' ? fwin.cursor : -1}
      offset={fwin.offset}
      height={heights.fileRows}
      theme={theme}
      row={(f) => ({ content: diffFileLine(f, width - 3), color: colour[f.change] })}
    />,
  ];
  if (files.length === 0)
    rows.push(
      <Line key="none" color={theme.dim}>
        {model.diff.files.length === 0 ? 'no file differs' : 'no path matches the filter (x clears it)'}
      </Line>,
    );
  const shared = model.diff.shared.length;
  const only = `${model.diff.onlyA.length} only in A · ${model.diff.onlyB.length} only in B`;
  const lTitle = `Layers · ${shared} shared · ${only}`;
  const sym = CHANGE_KIND_SYMBOL;
  const legend = `${sym.added} added ${sym.removed} removed ${sym.modified} modified`;
  const filter = state.filter ? ` · filter "${safe(state.filter)}"` : '';
  const at = `${files.length === 0 ? 0 : fwin.cursor + 1}/${files.length}`;
  const fTitle = `Files ${at} · largest first · ${legend}${filter}`;
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
