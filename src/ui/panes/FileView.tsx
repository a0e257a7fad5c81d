/** File view: one version of one file as a pager (line numbers) or a hex dump; only the window's rows are made. */
import React from 'react';
import { Text } from 'ink';
import { Line, Pane } from './Pane.js';
import type { Theme } from '../theme.js';
import { displayName } from '../../model/names.js';
import { fitMiddle } from '../present/text.js';
import { viewStatus, viewSummary, type ViewRows } from '../present/file-lines.js';
import type { FileViewState } from '../state/file-view.js';

export interface FileViewProps {
  view: FileViewState;
  rows: ViewRows;
  width: number;
  height: number;
  theme: Theme;
}

export function FileView({ view, rows, width, height, theme }: FileViewProps): React.ReactElement {
  const inner = Math.max(1, height - 2 - 2);
  const top = Math.max(0, Math.min(view.top, Math.max(0, rows.count - inner)));
  const st = viewStatus(view);
  const tone =
    st.tone === 'error'
      ? theme.error
      : st.tone === 'warning'
        ? theme.warning
        : st.tone === 'ok'
          ? theme.added
          : theme.dim;
  const out: React.ReactNode[] = [
    <Line key="sum" bold>
      {viewSummary(view, rows)}
    </Line>,
    <Line key="st" color={tone}>
      {st.text}
    </Line>,
  ];
  const end = Math.min(rows.count, top + inner);
  for (let i = top; i < end; i++) {
    const r = rows.row(i);
    out.push(
      rows.gutter > 0 ? (
        <Line key={i}>
          <Text color={theme.dim}>{r.num.padStart(rows.gutter)} │ </Text>
          {r.text}
        </Line>
      ) : (
        <Line key={i}>{r.text}</Line>
      ),
    );
  }
  if (view.status === 'ready' && rows.count === 0)
    out.push(
      <Line key="empty" color={theme.dim}>
        (empty file)
      </Line>,
    );
  const range = rows.count > 0 ? ` · ${top + 1}-${end}/${rows.count}` : '';
  // Cut in the middle: the file name stays in the title.
  const name = fitMiddle(displayName(view.path), Math.max(8, width - 10 - range.length));
  return (
    <Pane title={`File ${name}${range}`} focused width={width} height={height} theme={theme}>
      {out}
    </Pane>
  );
}
