/** Shared layers: the images (size, shared, unique) over the selected image's layers and who shares each. */
import React from 'react';
import { Box } from 'ink';
import type { SharedReport } from '../../sources/engine/shared-layers.js';
import { clampList } from '../state/list.js';
import {
  imageName,
  namesById,
  sharedImageHeader,
  sharedImageLine,
  sharedLayerLine,
  type SharedState,
} from '../state/shared-layers.js';
import { Line, Pane } from './Pane.js';
import type { Theme } from '../theme.js';
import { safe } from '../present/text.js';

export interface SharedViewProps {
  report: SharedReport | null;
  error: string | null;
  state: SharedState;
  heights: { images: number; layers: number };
  width: number;
  theme: Theme;
}

export function SharedView({ report, error, state, heights, width, theme }: SharedViewProps): React.ReactElement {
  const imgInner = Math.max(1, heights.images - 3);
  const images = report?.images ?? [];
  const win = clampList(state.images, images.length, imgInner);
  const top: React.ReactNode[] = [
    <Line key="h" bold>
      {' '}
      {sharedImageHeader(width - 3)}
    </Line>,
  ];
  for (let i = win.offset; i < Math.min(images.length, win.offset + imgInner); i++) {
    const sel = i === win.cursor;
    top.push(
      <Line key={i} inverse={sel && theme.colour} color={images[i].dangling ? theme.dim : undefined}>
        {sel ? '▶' : ' '}
        {sharedImageLine(images[i], width - 3)}
      </Line>,
    );
  }
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
  const layInner = Math.max(1, heights.layers - 2);
  const lwin = clampList(state.layers, sel?.layers.length ?? 0, layInner);
  const names = report ? namesById(report) : new Map<string, string>();
  const bottom: React.ReactNode[] = [];
  if (sel) {
    for (let i = lwin.offset; i < Math.min(sel.layers.length, lwin.offset + layInner); i++) {
      const l = sel.layers[i];
      const cur = state.focus === 'layers' && i === lwin.cursor;
      bottom.push(
        <Line key={i} inverse={cur && theme.colour} color={l.sharedWith.length > 0 ? theme.accent : undefined}>
          {cur ? '▶' : l.sharedWith.length > 0 ? '⇄' : ' '}
          {sharedLayerLine(l, names, width - 3)}
        </Line>,
      );
    }
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
