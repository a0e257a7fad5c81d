/** What a screen shows while its image is read, or when reading it failed before any layer was known. */
import React from 'react';
import { Box } from 'ink';
import { displayName } from '../../model/names.js';
import type { LoadState } from '../hooks/use-image-loader.js';
import { safe } from '../present/text.js';
import type { Theme } from '../theme.js';
import { Line } from './Pane.js';

export function Loading({
  lines,
  width,
  height,
}: {
  lines: React.ReactNode[];
  width: number;
  height: number;
}): React.ReactElement {
  return (
    <Box flexDirection="column" width={width} height={height}>
      {lines}
    </Box>
  );
}

export function loadingLines(key: string, label: string, l: LoadState, theme: Theme, after: string): React.ReactNode[] {
  if (l.error) {
    return [
      <Line key={`${key}e`} color={theme.error} bold>
        ✗ {safe(l.error.message)}
      </Line>,
      <Line key={`${key}h`}>{`press q to quit (exit ${l.error.exitCode})${after}`}</Line>,
    ];
  }
  const img = l.image;
  const layers = img ? ` · ${img.analysis.layerCount}/${img.layers.length} layers` : '';
  // Done without reading an entry: every layer came from the cache.
  const read = l.status === 'done' && l.events === 0 ? 'from the cache' : `${l.events} entries read`;
  return [
    <Line key={`${key}l`}>{`${l.status === 'done' ? '✓ read' : 'reading'} ${safe(label)}…`}</Line>,
    <Line key={`${key}p`} color={theme.dim}>
      {`${read}${layers}${l.current && l.status !== 'done' ? ` · ${displayName(l.current)}` : ''}`}
    </Line>,
  ];
}
