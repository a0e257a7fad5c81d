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
import { wastePairs, wasteStepRows, INITIAL_WASTE_VIEW, type WasteViewState } from '../state/waste-steps.js';
import { wasteListRows } from '../layout.js';
import { WindowedList } from './WindowedList.js';

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
  const user = formatBytes(userWastedBytes(a, img.baseLayers));
  return [
    `wasted ${formatBytes(a.wastedBytes)} (${user} above the base) · efficiency ${formatPercent(a.efficiency)}`,
    `dive: efficiency ${formatPercent(dive.efficiency)} · wasted ${formatBytes(dive.wastedBytes)}` +
      ` · user wasted ${formatPercent(dive.userWastedPercent)}`,
  ];
}

/** A step for a row: `L3 RUN apt-get …` (the command cut by the caller). */
export function stepLabel(img: LoadedImage, layer: number): string {
  return `L${layer} ${safe(cleanCommand(img.layers[layer]?.command ?? '')) || '(no recorded command)'}`;
}

/** One step pair's row text: bytes, files, the step that shipped and the one that hid. */
export function pairLine(img: LoadedImage, p: ShippedThenHiddenItem, width: number): string {
  const files = `${p.files.toLocaleString('en-US')} file${p.files === 1 ? '' : 's'}`;
  const head = `${fitStart(formatBytes(p.bytes), 8)} ${fitStart(files, 11)} `;
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
  const inner = wasteListRows({ width, height });
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
    <WindowedList
      key="rows"
      rows={list}
      cursor={win.cursor}
      offset={win.offset}
      height={inner}
      theme={theme}
      row={(r) => {
        const p = pairs[r.pair];
        const arrow = view.expanded === r.pair ? '▾ ' : '▸ ';
        if (r.target === -1) return { content: arrow + pairLine(img, p, width - 5) };
        if (r.target === -2) {
          const more = (p.files - p.targets.length).toLocaleString('en-US');
          return { content: `    … and ${more} more (t: the flat list)`, color: theme.dim };
        }
        return { content: `    ${displayName(img.analysis.table.path(p.targets[r.target].path))}` };
      }}
    />,
  ];
  if (list.length === 0) rows.push(noWaste(img.complete, theme.dim));
  const title = `Waste by step ${list.length === 0 ? 0 : win.cursor + 1}/${list.length}`;
  return (
    <Pane title={title} focused={focused} width={width} height={height} theme={theme}>
      {rows}
    </Pane>
  );
}

export function Waste(props: WasteProps): React.ReactElement {
  if (props.view?.grouped !== false) return <WasteSteps {...props} view={props.view ?? INITIAL_WASTE_VIEW} />;
  return <WasteFlat {...props} />;
}

function WasteFlat({ img, list, state, focused, width, height, theme }: WasteProps): React.ReactElement {
  const inner = wasteListRows({ width, height });
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
  rows.push(
    <WindowedList
      key="rows"
      rows={list}
      cursor={win.cursor}
      offset={win.offset}
      height={inner}
      theme={theme}
      row={(w) => ({
        content: (
          <>
            {fitStart(formatBytes(w.bytes), 8)} <Text color={theme.removed}>{fit(provenance(w), provW)}</Text>{' '}
            {fitMiddle(displayName(w.path), pathW)}
          </>
        ),
      })}
    />,
  );
  if (list.length === 0) rows.push(noWaste(img.complete, theme.dim));
  const title = `Waste ${list.length === 0 ? 0 : win.cursor + 1}/${list.length}`;
  return (
    <Pane title={title} focused={focused} width={width} height={height} theme={theme}>
      {rows}
    </Pane>
  );
}

/** The one row of an empty Waste pane, in either view. */
function noWaste(complete: boolean, colour: string | undefined): React.JSX.Element {
  return (
    <Line key="none" color={colour}>
      {complete ? 'no wasted space' : 'no waste found yet (still reading)'}
    </Line>
  );
}
