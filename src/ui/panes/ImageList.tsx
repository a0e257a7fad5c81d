/** Images pane: the Engine's images, one row per tag; official images marked, latest and dangling (untagged) warned. */
import React from 'react';
import { formatBytes, shortDigest } from '../../report/format.js';
import { imageWarning, type ImageRow } from '../state/images.js';
import type { ListState } from '../state/list.js';
import { clampList } from '../state/list.js';
import { Line, Pane } from './Pane.js';
import type { Theme } from '../theme.js';
import { fit, fitStart, formatDate, safe } from '../text.js';

export interface ImageListProps {
  rows: ImageRow[] | null;
  total: number;
  state: ListState;
  filter: string;
  error: string | null;
  width: number;
  height: number;
  theme: Theme;
}

export function imageLine(r: ImageRow, width: number): string {
  const name = safe(r.repoTag ?? '<none>:<none>');
  const rest = ` ${fit(shortDigest(r.id), 12)} ${fit(formatDate(r.created), 16)} ${fitStart(formatBytes(r.size), 8)} ${fitStart(r.sharedSize >= 0 ? formatBytes(r.sharedSize) : '-', 8)} ${fitStart(r.containers >= 0 ? String(r.containers) : '-', 4)}`;
  const warn = imageWarning(r);
  const warnText = warn ? ` ⚠ ${warn}` : '';
  const nameW = Math.max(10, width - 2 - rest.length - 11);
  return `${r.official ? '◆' : ' '} ${fit(name, nameW)}${rest}${warnText}`;
}

export function imageHeader(width: number): string {
  const nameW = Math.max(10, width - 2 - 53 - 11);
  return `  ${fit('REPOSITORY:TAG', nameW)} ${fit('ID', 12)} ${fit('CREATED (UTC)', 16)} ${fitStart('SIZE', 8)} ${fitStart('SHARED', 8)} ${fitStart('CTRS', 4)}`;
}

export function ImageList({ rows, total, state, filter, error, width, height, theme }: ImageListProps): React.ReactElement {
  const inner = Math.max(1, height - 3);
  const list = rows ?? [];
  const win = clampList(state, list.length, inner);
  const out: React.ReactNode[] = [
    <Line key="h" bold>
      {' '}
      {imageHeader(width - 3)}
    </Line>,
  ];
  for (let i = win.offset; i < Math.min(list.length, win.offset + inner); i++) {
    const r = list[i];
    const sel = i === win.cursor;
    out.push(
      <Line key={i} inverse={sel && theme.colour} color={imageWarning(r) === 'dangling' ? theme.dim : undefined}>
        {sel ? '▶' : ' '}
        {imageLine(r, width - 3)}
      </Line>,
    );
  }
  if (error) out.push(<Line key="err" color={theme.error}>✗ {safe(error)}</Line>);
  else if (rows === null) out.push(<Line key="wait" color={theme.dim}>asking the Engine for its images…</Line>);
  else if (list.length === 0) out.push(<Line key="none" color={theme.dim}>{total === 0 ? 'the Engine has no images' : 'no image matches the filter'}</Line>);
  const title = `Images ${list.length === 0 ? 0 : win.cursor + 1}/${list.length}${filter ? ` · filter "${safe(filter)}"` : ''} · ◆ official · c: containers`;
  return (
    <Pane title={title} focused width={width} height={height} theme={theme}>
      {out}
    </Pane>
  );
}
