/**
 * The list screen's frame: a windowed list of Engine objects (images or containers) with a header
 * row, and the waiting / empty / error lines. The image and container lists only say how a row reads.
 */
import React from 'react';
import { pickListRows } from '../layout.js';
import { safe } from '../present/text.js';
import { clampList, type ListState } from '../state/list.js';
import type { Theme } from '../theme.js';
import { Line, Pane } from './Pane.js';
import { WindowedList } from './WindowedList.js';

export interface PickListProps<R> {
  rows: R[] | null;
  total: number;
  state: ListState;
  filter: string;
  error: string | null;
  width: number;
  height: number;
  theme: Theme;
}

export interface PickListShape<R> {
  /** "image" / "container": for the empty and waiting lines. */
  noun: string;
  /** The pane title's first word and its trailing hints. */
  title: string;
  hints: string;
  header: (width: number) => string;
  line: (row: R, width: number) => string;
  dim: (row: R) => boolean;
}

export function PickList<R>({
  rows,
  total,
  state,
  filter,
  error,
  width,
  height,
  theme,
  shape,
}: PickListProps<R> & { shape: PickListShape<R> }): React.ReactElement {
  const inner = pickListRows(height);
  const list = rows ?? [];
  const win = clampList(state, list.length, inner);
  const out: React.ReactNode[] = [
    <Line key="h" bold>
      {' '}
      {shape.header(width - 3)}
    </Line>,
    <WindowedList
      key="rows"
      rows={list}
      cursor={win.cursor}
      offset={win.offset}
      height={inner}
      theme={theme}
      row={(r) => ({ content: shape.line(r, width - 3), color: shape.dim(r) ? theme.dim : undefined })}
    />,
  ];
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
  const at = `${list.length === 0 ? 0 : win.cursor + 1}/${list.length}`;
  const title = `${shape.title} ${at}${filter ? ` · filter "${safe(filter)}"` : ''} · ${shape.hints}`;
  return (
    <Pane title={title} focused width={width} height={height} theme={theme}>
      {out}
    </Pane>
  );
}
