/**
 * Render only: the rows [offset, offset + height) of a list, one line each, the cursor's row marked
 * by a glyph (and inverse video when there is colour: never colour alone). The window was clamped
 * by the reducer (state/list.ts or the tree's window); only the rows shown are made.
 */
import React from 'react';
import type { Theme } from '../theme.js';
import { Line } from './Pane.js';

/** The cursor's glyph, in the first column of every windowed list. */
export const CURSOR_GLYPH = '▶';

/** How one row reads: its content (after the glyph column), and how its line is drawn. */
export interface ListRow {
  content: React.ReactNode;
  color?: string;
  dimColor?: boolean;
  bold?: boolean;
  /** The first column when the row is not the cursor's (default a blank: a match, a shared layer ...). */
  mark?: string;
}

export interface WindowedListProps<R> {
  rows: ArrayLike<R>;
  /** The cursor's row, or -1 for none (a list in a pane that does not have the focus). */
  cursor: number;
  offset: number;
  height: number;
  theme: Theme;
  row: (r: R, index: number, selected: boolean) => ListRow;
}

export function WindowedList<R>({ rows, cursor, offset, height, theme, row }: WindowedListProps<R>): React.ReactNode {
  const out: React.ReactNode[] = [];
  const end = Math.min(rows.length, offset + height);
  for (let i = offset; i < end; i++) {
    const sel = i === cursor;
    const r = row(rows[i], i, sel);
    out.push(
      <Line key={i} inverse={sel && theme.colour} color={r.color} dimColor={r.dimColor} bold={r.bold}>
        {sel ? CURSOR_GLYPH : (r.mark ?? ' ')}
        {r.content}
      </Line>,
    );
  }
  return out;
}
