/** Largest files of the final image: size, the layer that shipped the version shown, the path. */
import React from 'react';
import type { LoadedImage } from '../../model/image.js';
import { formatBytes } from '../../format.js';
import { displayName } from '../../model/names.js';
import { clampList } from '../state/list.js';
import { largestFiles, type LargestState } from '../state/largest.js';
import { Line, Pane } from './Pane.js';
import { WindowedList } from './WindowedList.js';
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
  const reading = img.complete ? '' : '  (still reading: layers read so far)';
  const out: React.ReactNode[] = [
    <Line key="h" color={theme.dim}>
      {`${fitStart('SIZE', 9)} ${fitStart('LAYER', 5)}  PATH${reading}`}
    </Line>,
    <WindowedList
      key="rows"
      rows={rows}
      cursor={win.cursor}
      offset={win.offset}
      height={listRows}
      theme={theme}
      row={(r) => ({
        content: (
          <>
            {`${fitStart(formatBytes(r.size), 8)} ${fitStart(`L${r.layer}`, 5)}  `}
            {displayName(img.analysis.table.path(r.path))}
          </>
        ),
      })}
    />,
  ];
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
