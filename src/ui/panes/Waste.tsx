/** Waste pane: the image's totals (ours and dive's) and the wasted paths with their provenance. */
import React from 'react';
import { Text } from 'ink';
import type { LoadedImage } from '../../sources/image.js';
import type { WastedPath } from '../../model/waste.js';
import { userWastedBytes } from '../../model/waste.js';
import { formatBytes, formatPercent } from '../../report/format.js';
import type { ListState } from '../state/list.js';
import { clampList } from '../state/list.js';
import { Line, Pane } from './Pane.js';
import type { Theme } from '../theme.js';
import { fit, fitMiddle, fitStart } from '../text.js';
import { displayName } from '../../model/names.js';

export interface WasteProps {
  img: LoadedImage;
  list: WastedPath[];
  state: ListState;
  focused: boolean;
  width: number;
  height: number;
  theme: Theme;
}

export function provenance(w: WastedPath): string {
  const shipped = w.versions.map((v) => `L${v.layer}`).join(',');
  return `${shipped} → ${w.hiddenBy.change} L${w.hiddenBy.layer}`;
}

export function wasteSummary(img: LoadedImage): [string, string] {
  const a = img.analysis;
  const dive = a.diveFigures();
  return [
    `wasted ${formatBytes(a.wastedBytes)} (${formatBytes(userWastedBytes(a, img.baseLayers))} above the base) · efficiency ${formatPercent(a.efficiency)}`,
    `dive: efficiency ${formatPercent(dive.efficiency)} · wasted ${formatBytes(dive.wastedBytes)} · user wasted ${formatPercent(dive.userWastedPercent)}`,
  ];
}

export function Waste({ img, list, state, focused, width, height, theme }: WasteProps): React.ReactElement {
  const inner = Math.max(1, height - 4);
  const win = clampList(state, list.length, inner);
  const [l1, l2] = wasteSummary(img);
  const rows: React.ReactNode[] = [
    <Line key="s1" bold>
      {l1}
    </Line>,
    <Line key="s2" color={theme.dim}>
      {l2}
    </Line>,
  ];
  const provW = Math.min(28, Math.max(12, Math.floor((width - 14) / 3)));
  // Borders, the selection glyph, the size and the provenance: the rest is the path's, cut in the middle.
  const pathW = Math.max(8, width - 2 - 1 - 8 - 1 - provW - 1);
  for (let i = win.offset; i < Math.min(list.length, win.offset + inner); i++) {
    const w = list[i];
    const sel = i === win.cursor;
    rows.push(
      <Line key={i} inverse={sel && theme.colour}>
        {sel ? '▶' : ' '}
        {fitStart(formatBytes(w.bytes), 8)} <Text2 colour={theme.removed}>{fit(provenance(w), provW)}</Text2>{' '}
        {fitMiddle(displayName(w.path), pathW)}
      </Line>,
    );
  }
  if (list.length === 0) rows.push(<Line key="none" color={theme.dim}>{img.complete ? 'no wasted space' : 'no waste found yet (still reading)'}</Line>);
  const title = `Waste ${list.length === 0 ? 0 : win.cursor + 1}/${list.length}`;
  return (
    <Pane title={title} focused={focused} width={width} height={height} theme={theme}>
      {rows}
    </Pane>
  );
}

function Text2({ colour, children }: { colour?: string; children: React.ReactNode }): React.ReactElement {
  return <Text color={colour}>{children}</Text>;
}
