/** Largest files of the final image: size, the layer that shipped the version shown, the path. */
import React from 'react';
import type { LoadedImage } from '../../model/image.js';
import { formatBytes } from '../../format.js';
import { displayName } from '../../model/names.js';
import { clampList } from '../state/list.js';
import { largestFiles, type LargestState } from '../state/largest.js';
import { Line, Pane } from './Pane.js';
import type { Theme } from '../theme.js';
import { fitStart } from '../present/text.js';

export interface LargestViewProps {
  img: LoadedImage;
  state: LargestState;
  width: number;
  height: number;
  listRows: number;
  theme: Theme;
}

export function LargestView({ img, state, width, height, listRows, theme }: LargestViewProps): React.ReactElement {
  const rows = largestFiles(img.analysis);
  const win = clampList(state.list, rows.length, listRows);
  const out: React.ReactNode[] = [
    <Line key="h" color={theme.dim}>
      {`${fitStart('SIZE', 9)} ${fitStart('LAYER', 5)}  PATH${img.complete ? '' : '  (still reading: layers read so far)'}`}
    </Line>,
  ];
  for (let i = win.offset; i < Math.min(rows.length, win.offset + listRows); i++) {
    const r = rows[i];
    const sel = i === win.cursor;
    out.push(
      <Line key={i} inverse={sel && theme.colour}>
        {sel ? '▶' : ' '}
        {`${fitStart(formatBytes(r.size), 8)} ${fitStart(`L${r.layer}`, 5)}  `}
        {displayName(img.analysis.table.path(r.path))}
      </Line>,
    );
  }
  if (rows.length === 0)
    out.push(
      <Line key="none" color={theme.dim}>
        no regular files
      </Line>,
    );
  return (
    <Pane
      title={`Largest files ${rows.length === 0 ? 0 : win.cursor + 1}/${rows.length}`}
      focused
      width={width}
      height={height}
      theme={theme}
    >
      {out}
    </Pane>
  );
}
