/** Both versions of a file of an image diff: sizes and hashes, then a unified diff of text. */
import React from 'react';
import { Line, Pane } from './Pane.js';
import type { Theme } from '../theme.js';
import type { CompareState } from '../state/compare.js';
import { displayName } from '../../model/names.js';
import { safe } from '../present/text.js';

export interface CompareViewProps {
  state: CompareState;
  width: number;
  height: number;
  rows: number;
  theme: Theme;
}

export function CompareView({ state, width, height, rows, theme }: CompareViewProps): React.ReactElement {
  const out: React.ReactNode[] = [];
  if (state.status === 'reading')
    out.push(
      <Line key="r" color={theme.dim}>
        reading both versions…
      </Line>,
    );
  if (state.status === 'error') out.push(<Line key="e" color={theme.error}>{`✗ ${safe(state.error ?? '')}`}</Line>);
  const end = Math.min(state.lines.length, state.top + rows);
  for (let i = state.top; i < end; i++) {
    const l = state.lines[i];
    const colour =
      l.startsWith('+++') || l.startsWith('---')
        ? theme.accent
        : l.startsWith('+')
          ? theme.added
          : l.startsWith('-')
            ? theme.removed
            : l.startsWith('@@')
              ? theme.dim
              : undefined;
    // Lines are cut to the pane by Line; every one is escaped (file content is text from outside).
    out.push(
      <Line key={i} color={colour}>
        {safe(l)}
      </Line>,
    );
  }
  const range = state.lines.length > 0 ? ` · ${state.top + 1}-${end}/${state.lines.length}` : '';
  return (
    <Pane title={`A ↔ B ${displayName(state.path)}${range}`} focused width={width} height={height} theme={theme}>
      {out}
    </Pane>
  );
}
