/** Details pane: the selected step and the image config, wrapped, scrolled by a window. */
import React from 'react';
import { innerRows } from '../layout.js';
import type { DetailLine } from '../present/details.js';
import { Line, Pane } from './Pane.js';
import type { Theme } from '../theme.js';

export interface DetailsProps {
  lines: DetailLine[];
  offset: number;
  focused: boolean;
  width: number;
  height: number;
  theme: Theme;
}

export function Details({ lines, offset, focused, width, height, theme }: DetailsProps): React.ReactElement {
  const inner = innerRows(height);
  const top = Math.max(0, Math.min(offset, Math.max(0, lines.length - inner)));
  const shown = lines.slice(top, top + inner);
  const more = lines.length > inner ? ` ${top + 1}-${top + shown.length}/${lines.length}` : '';
  return (
    <Pane title={`Details${more}`} focused={focused} width={width} height={height} theme={theme}>
      {shown.map((l, i) => (
        <Line
          // biome-ignore lint/suspicious/noArrayIndexKey: lines of scrolled text have no identity but their place
          key={i}
          bold={l.tone === 'heading'}
          color={l.tone === 'dim' ? theme.dim : l.tone === 'warning' ? theme.warning : undefined}
        >
          {l.text || ' '}
        </Line>
      ))}
    </Pane>
  );
}
