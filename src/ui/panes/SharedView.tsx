/** Shared layers: the images (size, shared, unique) over the selected image's layers and who shares each. */
import React from 'react';
import { Box } from 'ink';
import type { SharedReport } from '../../sources/engine/shared-layers.js';
import type { SharedHeights } from '../layout.js';
import { imageName, namesById, sharedImageHeader, sharedImageLine, sharedLayerLine } from '../present/shared-layers.js';
import { safe } from '../present/text.js';
import type { SharedState } from '../state/app-state.js';
import { clampList } from '../state/list.js';
import type { Theme } from '../theme.js';
import { Line, Pane } from './Pane.js';
import { WindowedList } from './WindowedList.js';

export interface SharedViewProps {
  report: SharedReport | null;
  error: string | null;
  state: SharedState;
  heights: SharedHeights;
  width: number;
  theme: Theme;
}

export function SharedView({ report, error, state, heights, width, theme }: SharedViewProps): React.ReactElement {
  const images = report?.images ?? [];
  const win = clampList(state.images, images.length, heights.imageRows);
  const top: React.ReactNode[] = [
    <Line key="h" bold>
      {' '}
      {sharedImageHeader(width - 3)}
    </Line>,
    <WindowedList
      key="rows"
      rows={images}
      cursor={win.cursor}
      offset={win.offset}
      height={heights.imageRows}
      theme={theme}
      row={(r) => ({ content: sharedImageLine(r, width - 3), color: r.dangling ? theme.dim : undefined })}
    />,
  ];
  if (error)
    top.push(
      <Line key="err" color={theme.error}>
        ✗ {safe(error)}
      </Line>,
    );
  else if (!report)
    top.push(
      <Line key="wait" color={theme.dim}>
        asking the Engine for every image's layers…
      </Line>,
    );
  else if (images.length === 0)
    top.push(
      <Line key="none" color={theme.dim}>
        the Engine has no images
      </Line>,
    );

  const sel = images[win.cursor];
  const lwin = clampList(state.layers, sel?.layers.length ?? 0, heights.layerRows);
  const names = report ? namesById(report) : new Map<string, string>();
  const bottom: React.ReactNode[] = [];
  if (sel) {
    bottom.push(
      <WindowedList
        key="rows"
        rows={sel.layers}
        cursor={state.focus === 'layers' ? lwin.cursor : -1}
        offset={lwin.offset}
        height={heights.layerRows}
        theme={theme}
        row={(l) => {
          const shared = l.sharedWith.length > 0;
          return {
            content: sharedLayerLine(l, names, width - 3),
            color: shared ? theme.accent : undefined,
            mark: shared ? '⇄' : ' ',
          };
        }}
      />,
    );
    if (sel.layers.length === 0)
      bottom.push(
        <Line key="none" color={theme.dim}>
          no layers
        </Line>,
      );
  }
  const imgTitle = `Images ${images.length === 0 ? 0 : win.cursor + 1}/${images.length} · ◆ official · ⇄ shared`;
  const layTitle = sel
    ? `Layers of ${imageName(sel)} ${sel.layers.length === 0 ? 0 : lwin.cursor + 1}/${sel.layers.length}`
    : 'Layers';
  return (
    <Box flexDirection="column" width={width}>
      <Pane title={imgTitle} focused={state.focus === 'images'} width={width} height={heights.images} theme={theme}>
        {top}
      </Pane>
      <Pane title={layTitle} focused={state.focus === 'layers'} width={width} height={heights.layers} theme={theme}>
        {bottom}
      </Pane>
    </Box>
  );
}
