/** Waste pane: the image's totals (ours and dive's) and the wasted paths with their provenance. */
import React from 'react';
import { Text } from 'ink';
import type { LoadedImage } from '../../model/image.js';
import type { WastedPath } from '../../model/waste.js';
import { userWastedBytes } from '../../model/waste.js';
import { formatBytes, formatPercent } from '../../format.js';
import type { ListState } from '../state/list.js';
import { clampList } from '../state/list.js';
import { Line, Pane } from './Pane.js';
import type { Theme } from '../theme.js';
import { fit, fitMiddle, fitStart, safe } from '../present/text.js';
import { displayName } from '../../model/names.js';
import { cleanCommand } from '../../format.js';
import type { ShippedThenHiddenItem } from '../../model/step-pairs.js';
import { wastePairs, wasteStepRows, WASTE_VIEW0, type WasteViewState } from '../state/waste-steps.js';

export interface WasteProps {
  img: LoadedImage;
  list: WastedPath[];
  state: ListState;
  /** Grouped by step pair (with the open pair), or flat. */
  view?: WasteViewState;
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
  if (!img.complete) {
    return [
      `wasted so far: ${formatBytes(a.wastedBytes)} in the ${a.layerCount} of ${img.layers.length} layers read`,
      'the totals come when every layer is read',
    ];
  }
  return [
    `wasted ${formatBytes(a.wastedBytes)} (${formatBytes(userWastedBytes(a, img.baseLayers))} above the base) · efficiency ${formatPercent(a.efficiency)}`,
    `dive: efficiency ${formatPercent(dive.efficiency)} · wasted ${formatBytes(dive.wastedBytes)} · user wasted ${formatPercent(dive.userWastedPercent)}`,
  ];
}

/** A step for a row: `L3 RUN apt-get …` (the command cut by the caller). */
export function stepLabel(img: LoadedImage, layer: number): string {
  return `L${layer} ${safe(cleanCommand(img.layers[layer]?.command ?? '')) || '(no recorded command)'}`;
}

/** One step pair's row text: bytes, files, the step that shipped and the one that hid. */
export function pairLine(img: LoadedImage, p: ShippedThenHiddenItem, width: number): string {
  const head = `${fitStart(formatBytes(p.bytes), 8)} ${fitStart(`${p.files.toLocaleString('en-US')} file${p.files === 1 ? '' : 's'}`, 11)} `;
  const rest = Math.max(10, width - head.length);
  const half = Math.max(5, Math.floor((rest - 3) / 2));
  if (p.shippedBy === p.hiddenBy)
    return head + fit(`${stepLabel(img, p.shippedBy)} (written twice in its own tar)`, rest);
  return `${head + fit(stepLabel(img, p.shippedBy), half)} → ${fit(stepLabel(img, p.hiddenBy), rest - half - 3)}`;
}

function WasteSteps({
  img,
  state,
  view,
  focused,
  width,
  height,
  theme,
}: WasteProps & { view: WasteViewState }): React.ReactElement {
  const inner = Math.max(1, height - 4);
  const pairs = wastePairs(img.analysis);
  const list = wasteStepRows(pairs, view.expanded);
  const win = clampList(state, list.length, inner);
  const [l1] = wasteSummary(img);
  const rows: React.ReactNode[] = [
    <Line key="s1" bold>
      {l1}
    </Line>,
    <Line key="s2" color={theme.dim}>
      {`   ${fitStart('BYTES', 8)} ${fitStart('FILES', 11)} SHIPPED BY → HIDDEN BY  (t: flat list of paths)`}
    </Line>,
  ];
  for (let i = win.offset; i < Math.min(list.length, win.offset + inner); i++) {
    const r = list[i];
    const sel = i === win.cursor;
    const p = pairs[r.pair];
    let text: string;
    if (r.target === -1) text = (view.expanded === r.pair ? '▾ ' : '▸ ') + pairLine(img, p, width - 5);
    else if (r.target === -2)
      text = `    … and ${(p.files - p.targets.length).toLocaleString('en-US')} more (t: the flat list)`;
    else text = `    ${displayName(img.analysis.table.path(p.targets[r.target].path))}`;
    rows.push(
      <Line
        key={i}
        inverse={sel && theme.colour}
        color={r.target >= 0 ? undefined : r.target === -2 ? theme.dim : undefined}
      >
        {sel ? '▶' : ' '}
        {text}
      </Line>,
    );
  }
  if (list.length === 0) rows.push(noWaste(img.complete, theme.dim));
  const title = `Waste by step ${list.length === 0 ? 0 : win.cursor + 1}/${list.length}`;
  return (
    <Pane title={title} focused={focused} width={width} height={height} theme={theme}>
      {rows}
    </Pane>
  );
}

export function Waste(props: WasteProps): React.ReactElement {
  if (props.view?.grouped !== false) return <WasteSteps {...props} view={props.view ?? WASTE_VIEW0} />;
  return <WasteFlat {...props} />;
}

function WasteFlat({ img, list, state, focused, width, height, theme }: WasteProps): React.ReactElement {
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
  if (list.length === 0) rows.push(noWaste(img.complete, theme.dim));
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

/** The one row of an empty Waste pane, in either view. */
function noWaste(complete: boolean, colour: string | undefined): React.JSX.Element {
  return (
    <Line key="none" color={colour}>
      {complete ? 'no wasted space' : 'no waste found yet (still reading)'}
    </Line>
  );
}
