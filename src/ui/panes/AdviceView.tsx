/** The Advice view: what to change in the build, item by item with the bytes it saves; Enter goes to a path. */
import React from 'react';
import { Text } from 'ink';
import type { LoadedImage } from '../../model/image.js';
import type { Advice, AdviceItem } from '../../model/advice.js';
import { displayName } from '../../model/names.js';
import { formatBytes } from '../../format.js';
import { adviceTitle } from '../../report/text.js';
import { clampList } from '../state/list.js';
import { adviceRows, type AdviceState } from '../state/advice.js';
import { ADVICE_MESSAGE_ROWS } from '../layout.js';
import { Line, Pane } from './Pane.js';
import { WindowedList } from './WindowedList.js';
import type { Theme } from '../theme.js';
import { fit, fitStart, wrap } from '../present/text.js';

export interface AdviceViewProps {
  img: LoadedImage;
  advice: Advice;
  state: AdviceState;
  width: number;
  height: number;
  listRows: number;
  theme: Theme;
}

const KIND_LABEL: Record<AdviceItem['kind'], string> = {
  'shipped-then-hidden': 'waste',
  'duplicate-content': 'dupe',
  leftover: 'left',
};

/** The summary line: the recoverable total and what it is made of. */
export function adviceSummary(img: LoadedImage, advice: Advice): string {
  const a = img.analysis;
  const still = img.complete ? '' : ' · still reading: figures so far';
  return (
    `recoverable ${formatBytes(advice.recoverableBytes)} of ${formatBytes(a.layerBytes)} · ` +
    `${formatBytes(advice.wastedBytes)} wasted across steps · ` +
    `${formatBytes(advice.leftoverBytes)} leftovers · ${formatBytes(advice.duplicateBytes)} duplicates${still}`
  );
}

export function AdviceView({
  img,
  advice,
  state,
  width,
  height,
  listRows,
  theme,
}: AdviceViewProps): React.ReactElement {
  const a = img.analysis;
  const rows = adviceRows(advice, state.expanded);
  const win = clampList(state.list, rows.length, listRows);
  const inner = Math.max(1, width - 2);
  const out: React.ReactNode[] = [
    <Line key="sum" bold>
      {adviceSummary(img, advice)}
    </Line>,
  ];
  const row = (r: (typeof rows)[number], _i: number, sel: boolean) => {
    const it = advice.items[r.item];
    if (r.target < 0) {
      const fold = it.targets.length === 0 ? ' ' : state.expanded === r.item ? '▾' : '▸';
      const content = (
        <>
          {fold} {fitStart(formatBytes(it.bytes), 8)} <Text color={theme.dim}>{fit(KIND_LABEL[it.kind], 5)}</Text>{' '}
          {adviceTitle(a, it)}
        </>
      );
      return { content, bold: sel };
    }
    const t = it.targets[r.target];
    const content = (
      <>
        {'      '}
        <Text color={theme.dim}>{fitStart(`L${t.layer}`, 5)}</Text> {displayName(a.table.path(t.path))}
      </>
    );
    return { content };
  };
  out.push(
    <WindowedList
      key="rows"
      rows={rows}
      cursor={win.cursor}
      offset={win.offset}
      height={listRows}
      theme={theme}
      row={row}
    />,
  );
  if (rows.length === 0)
    out.push(
      <Line key="none" color={theme.dim}>
        {img.complete
          ? 'nothing to change: no waste, leftovers or duplicate content'
          : 'nothing found yet (still reading)'}
      </Line>,
    );
  // Blank lines keep the rule and the message at the foot of the view.
  const shown = Math.min(listRows, Math.max(0, rows.length - win.offset)) + (rows.length === 0 ? 1 : 0);
  for (let k = shown; k < listRows; k++) out.push(<Line key={`pad${k}`}> </Line>);
  const cur = rows[win.cursor];
  const msg = cur ? wrap(advice.items[cur.item].message, inner).slice(0, ADVICE_MESSAGE_ROWS) : [];
  out.push(
    <Line key="rule" color={theme.dim}>
      {'─'.repeat(inner)}
    </Line>,
  );
  for (let k = 0; k < ADVICE_MESSAGE_ROWS; k++)
    out.push(
      <Line key={`m${k}`} color={theme.accent}>
        {msg[k] ?? ' '}
      </Line>,
    );
  const count = `${advice.items.length} item${advice.items.length === 1 ? '' : 's'}`;
  const title = `Advice · recoverable ${formatBytes(advice.recoverableBytes)} · ${count}`;
  return (
    <Pane title={title} focused width={width} height={height} theme={theme}>
      {out}
    </Pane>
  );
}
