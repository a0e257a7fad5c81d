/**
 * The list screen's shared frame: a windowed list of Engine objects (images or containers) with a
 * header row, a selection glyph, and the waiting / empty / error lines. The image and container
 * lists only say how a row reads.
 */
import React from 'react';
import { clampList, type ListState } from '../state/list.js';
import { Line, Pane } from './Pane.js';
import type { Theme } from '../theme.js';
import { safe } from '../present/text.js';

export interface EngineListProps<R> {
  rows: R[] | null;
  total: number;
  state: ListState;
  filter: string;
  error: string | null;
  width: number;
  height: number;
  theme: Theme;
}

export interface EngineListShape<R> {
  /** "image" / "container": for the empty and waiting lines. */
  noun: string;
  /** The pane title's first word and its trailing hints. */
  title: string;
  hints: string;
  header: (width: number) => string;
  line: (row: R, width: number) => string;
  dim: (row: R) => boolean;
}

export function EngineList<R>({
  rows,
  total,
  state,
  filter,
  error,
  width,
  height,
  theme,
  shape,
}: EngineListProps<R> & { shape: EngineListShape<R> }): React.ReactElement {
  const inner = Math.max(1, height - 3);
  const list = rows ?? [];
  const win = clampList(state, list.length, inner);
  const out: React.ReactNode[] = [
    <Line key="h" bold>
      {' '}
      {shape.header(width - 3)}
    </Line>,
  ];
  for (let i = win.offset; i < Math.min(list.length, win.offset + inner); i++) {
    const r = list[i];
    const sel = i === win.cursor;
    out.push(
      <Line key={i} inverse={sel && theme.colour} color={shape.dim(r) ? theme.dim : undefined}>
        {sel ? '▶' : ' '}
        {shape.line(r, width - 3)}
      </Line>,
    );
  }
  if (error)
    out.push(
      <Line key="err" color={theme.error}>
        ✗ {safe(error)}
      </Line>,
    );
  else if (rows === null)
    out.push(
      <Line key="wait" color={theme.dim}>
        asking the Engine for its {shape.noun}s…
      </Line>,
    );
  else if (list.length === 0)
    out.push(
      <Line key="none" color={theme.dim}>
        {total === 0 ? `the Engine has no ${shape.noun}s` : `no ${shape.noun} matches the filter`}
      </Line>,
    );
  const title = `${shape.title} ${list.length === 0 ? 0 : win.cursor + 1}/${list.length}${filter ? ` · filter "${safe(filter)}"` : ''} · ${shape.hints}`;
  return (
    <Pane title={title} focused width={width} height={height} theme={theme}>
      {out}
    </Pane>
  );
}
