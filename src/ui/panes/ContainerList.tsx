/** The list screen in containers mode: name, image, state, id, created; Enter opens the container's layers. */
import React from 'react';
import { shortDigest } from '../../report/format.js';
import { stateLabel, type ContainerRow } from '../state/containers.js';
import { clampList, type ListState } from '../state/list.js';
import { Line, Pane } from './Pane.js';
import type { Theme } from '../theme.js';
import { fit, formatDate, safe } from '../text.js';

export interface ContainerListProps {
  rows: ContainerRow[] | null;
  total: number;
  state: ListState;
  filter: string;
  error: string | null;
  width: number;
  height: number;
  theme: Theme;
}

const FIXED = 12 + 1 + 16 + 1 + 12 + 1;

export function containerLine(r: ContainerRow, width: number): string {
  const rest = Math.max(20, width - 2 - FIXED);
  const nameW = Math.max(8, Math.floor(rest * 0.45));
  const imageW = Math.max(8, rest - nameW - 1);
  return `  ${fit(safe(r.name), nameW)} ${fit(safe(r.image), imageW)} ${fit(stateLabel(r.state), 12)} ${fit(shortDigest(r.id), 12)} ${formatDate(r.created)}`;
}

export function containerHeader(width: number): string {
  const rest = Math.max(20, width - 2 - FIXED);
  const nameW = Math.max(8, Math.floor(rest * 0.45));
  const imageW = Math.max(8, rest - nameW - 1);
  return `  ${fit('NAME', nameW)} ${fit('IMAGE', imageW)} ${fit('STATE', 12)} ${fit('ID', 12)} CREATED (UTC)`;
}

export function ContainerList({ rows, total, state, filter, error, width, height, theme }: ContainerListProps): React.ReactElement {
  const inner = Math.max(1, height - 3);
  const list = rows ?? [];
  const win = clampList(state, list.length, inner);
  const out: React.ReactNode[] = [
    <Line key="h" bold>
      {' '}
      {containerHeader(width - 3)}
    </Line>,
  ];
  for (let i = win.offset; i < Math.min(list.length, win.offset + inner); i++) {
    const r = list[i];
    const sel = i === win.cursor;
    out.push(
      <Line key={i} inverse={sel && theme.colour} color={r.state === 'running' ? undefined : theme.dim}>
        {sel ? '▶' : ' '}
        {containerLine(r, width - 3)}
      </Line>,
    );
  }
  if (error) out.push(<Line key="err" color={theme.error}>✗ {safe(error)}</Line>);
  else if (rows === null) out.push(<Line key="wait" color={theme.dim}>asking the Engine for its containers…</Line>);
  else if (list.length === 0) out.push(<Line key="none" color={theme.dim}>{total === 0 ? 'the Engine has no containers' : 'no container matches the filter'}</Line>);
  const title = `Containers ${list.length === 0 ? 0 : win.cursor + 1}/${list.length}${filter ? ` · filter "${safe(filter)}"` : ''} · c: images`;
  return (
    <Pane title={title} focused width={width} height={height} theme={theme}>
      {out}
    </Pane>
  );
}
