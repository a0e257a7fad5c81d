/** Layers pane: one row per build step; metadata-only steps dimmed; base layers tagged; streaming progress. */
import React from 'react';
import type { LoadedImage } from '../../model/image.js';
import { cleanCommand, formatBytes, shortDigest } from '../../format.js';
import type { Step } from '../state/image-view.js';
import type { ListState } from '../state/list.js';
import { clampList } from '../state/list.js';
import { Line, Pane } from './Pane.js';
import { WindowedList } from './WindowedList.js';
import { contentRows } from '../layout.js';
import type { Theme } from '../theme.js';
import { fit, fitStart, safe } from '../present/text.js';

export interface LayerStackProps {
  img: LoadedImage;
  steps: Step[];
  list: ListState;
  focused: boolean;
  width: number;
  height: number;
  theme: Theme;
}

export interface StepCells {
  index: string;
  size: string;
  tag: string;
  diff: string;
  command: string;
  state: 'meta' | 'merged' | 'loading' | 'queued';
  /** How far a layer being read is, when the source knows its size. */
  percent?: number | null;
  /** Read in full, waiting for the layers below it to be merged first. */
  parsed?: boolean;
  /** Bytes of the layer's tar read so far (progress, not its size). */
  read?: string;
}

export function stepCells(img: LoadedImage, s: Step): StepCells {
  const cmd = safe(
    cleanCommand(s.history?.createdBy ?? (s.kind === 'layer' ? (img.layers[s.layer]?.command ?? '') : '')),
  );
  if (s.kind === 'meta') return { index: '', size: '0 B', tag: '', diff: '', command: cmd, state: 'meta' };
  const info = img.layers[s.layer];
  const data = img.analysis.layers[s.layer];
  // A container's copy-on-write layer (strata container, or a container opened from the list).
  const cow = info?.diffId.startsWith('container:') ?? false;
  const tag = cow ? 'cow' : s.layer < img.baseLayers ? 'base' : '';
  let size = '';
  let state: StepCells['state'] = 'merged';
  let percent: number | null = null;
  let parsed = false;
  let read = '';
  if (data) size = formatBytes(data.sizeBytes);
  else if (info && info.progress.tarBytes > 0) {
    state = 'loading';
    // Bytes read are progress, not the layer's size (tar headers and padding make them overshoot).
    size = '…';
    read = formatBytes(info.progress.tarBytes);
    // Against the source's own size of the layer (tar headers make it overshoot: capped).
    const expected = info.progress.expectedBytes;
    if (expected) percent = Math.min(99, Math.floor((info.progress.tarBytes / expected) * 100));
    parsed = info.parsed === true;
  } else {
    state = info?.merged === false && img.complete === false ? 'queued' : 'loading';
    size = '…';
  }
  return {
    index: String(s.layer),
    size,
    tag,
    diff: cow ? 'read-write' : shortDigest(info?.diffId),
    command: cmd || '(no recorded command)',
    state,
    percent,
    parsed,
    read,
  };
}

export function stepLine(img: LoadedImage, s: Step, width: number): string {
  const c = stepCells(img, s);
  const wide = width >= 60;
  const pre = `${fitStart(c.index, 3)} ${fitStart(c.size, 8)} ${fit(c.tag, 4)} ${wide ? `${fit(c.diff, 12)} ` : ''}`;
  const so = c.read ? ` · ${c.read} read` : '';
  const reading = c.parsed
    ? '⋯ parsed, next in line  '
    : c.percent !== null && c.percent !== undefined
      ? `⋯ reading ${c.percent}%${so}  `
      : `⋯ reading${so}  `;
  const cmd =
    c.state === 'queued' ? `⋯ waiting  ${c.command}` : c.state === 'loading' ? `${reading}${c.command}` : c.command;
  return pre + cmd;
}

export function LayerStack({ img, steps, list, focused, width, height, theme }: LayerStackProps): React.ReactElement {
  const inner = contentRows({ width, height });
  const win = clampList(list, steps.length, inner);
  const merged = img.analysis.layerCount;
  const read = img.complete ? '' : ` · ${merged}/${img.layers.length} read`;
  const title = `Layers ${steps.length === 0 ? 0 : win.cursor + 1}/${steps.length}${read}`;
  const row = (s: Step) => {
    const meta = s.kind === 'meta';
    const base = s.kind === 'layer' && s.layer < img.baseLayers;
    const cow = s.kind === 'layer' && (img.layers[s.layer]?.diffId.startsWith('container:') ?? false);
    const color = meta ? theme.dim : cow ? theme.modified : base ? theme.accent : undefined;
    return { content: stepLine(img, s, width - 3), color, dimColor: meta && theme.colour };
  };
  const rows: React.ReactNode[] = [
    <WindowedList
      key="rows"
      rows={steps}
      cursor={win.cursor}
      offset={win.offset}
      height={inner}
      theme={theme}
      row={row}
    />,
  ];
  if (steps.length === 0)
    rows.push(
      <Line key="none" color={theme.dim}>
        reading the image…
      </Line>,
    );
  return (
    <Pane title={title} focused={focused} width={width} height={height} theme={theme}>
      {rows}
    </Pane>
  );
}
