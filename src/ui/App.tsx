/**
 * The root: the one input router, the layout, the image list and the image being explored.
 * Lifecycle (alternate screen, signals, exit code) belongs to run.tsx; App only asks to quit
 * through `onExit(code)` and Ink's exit().
 */
import React, { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Box, Text, useApp, useInput } from 'ink';
import type { LoadedImage, LoadListener } from '../sources/image.js';
import { EXIT_OK } from '../errors.js';
import { formatBytes, formatPercent, shortDigest } from '../report/format.js';
import { hints, keyName } from './keymap.js';
import { MIN_COLUMNS, MIN_ROWS, type PaneId } from './layout.js';
import { COLOUR_THEME, type Theme } from './theme.js';
import { useTerminalSize } from './hooks/use-terminal-size.js';
import { useImageLoader, describeError, type Loader } from './hooks/use-image-loader.js';
import { ImageModel } from './state/image-model.js';
import { activeScopes, handleKey, initialState, layoutOf, selectedStep, treeRows, type AppCtx, type AppState, type Effect } from './state/app.js';
import { filterImages, imageRows, type EngineImage, type ImageRow } from './state/images.js';
import { detailLines } from './state/details.js';
import { LayerStack } from './panes/LayerStack.js';
import { FileTree } from './panes/FileTree.js';
import { Waste } from './panes/Waste.js';
import { Details } from './panes/Details.js';
import { ImageList } from './panes/ImageList.js';
import { Help } from './panes/Help.js';
import { StatusBar } from './panes/StatusBar.js';
import { Line } from './panes/Pane.js';
import { safe } from './text.js';
import { CHANGE_FILTERS } from '../model/tree-rows.js';

export interface Services {
  listImages: () => Promise<EngineImage[]>;
  openImage: (row: ImageRow, listener: LoadListener) => Promise<LoadedImage>;
}

export type Start = { kind: 'images' } | { kind: 'image'; label: string; load: Loader };

export interface AppProps {
  start: Start;
  services?: Services;
  /** A one-line notice shown in the header (e.g. "no Engine: showing the bundled sample"). */
  notice?: string | null;
  theme?: Theme;
  /** Re-render throttle while layers stream in (ms, default 80). */
  throttleMs?: number;
  /** Called once with the exit code when the user quits. */
  onExit?: (code: number) => void;
}

const FILTER_SYMBOL: Record<string, string> = { added: '+', modified: '~', removed: '-', unchanged: '=', untouched: '.' };

export function App({ start, services, notice = null, theme = COLOUR_THEME, throttleMs = 80, onExit }: AppProps): React.ReactElement {
  const { exit } = useApp();
  const size = useTerminalSize();
  const [state, setState] = useState<AppState>(() => initialState(start.kind === 'images' ? 'images' : 'image', notice));
  const stateRef = useRef(state);

  // The image list.
  const [images, setImages] = useState<{ rows: ImageRow[] | null; error: string | null }>({ rows: null, error: null });
  const listImages = useCallback(() => {
    if (!services) return;
    setImages({ rows: null, error: null });
    services.listImages().then(
      (list) => setImages({ rows: imageRows(list), error: null }),
      (err) => setImages({ rows: [], error: describeError(err).message }),
    );
  }, [services]);
  useEffect(() => {
    if (start.kind === 'images') listImages();
  }, [start.kind, listImages]);

  // The image being explored.
  const [loader, setLoader] = useState<{ label: string; load: Loader } | null>(() => (start.kind === 'image' ? { label: start.label, load: start.load } : null));
  const load = useImageLoader(loader?.load ?? null, throttleMs);
  const model = useMemo(() => (load.image ? new ImageModel(load.image) : null), [load.image]);

  const ctx: AppCtx = { size, model, images: images.rows ?? [] };
  const ctxRef = useRef(ctx);
  ctxRef.current = ctx;
  const loadRef = useRef(load);
  loadRef.current = load;

  const apply = useCallback((next: AppState) => {
    if (next !== stateRef.current) {
      stateRef.current = next;
      setState(next);
    }
  }, []);

  const runEffect = useCallback(
    (eff: Effect) => {
      if (!eff) return;
      switch (eff.type) {
        case 'quit': {
          const err = loadRef.current.error;
          onExit?.(err ? err.exitCode : EXIT_OK);
          exit();
          return;
        }
        case 'open': {
          const row = eff.row;
          if (!services) return;
          setLoader({ label: row.repoTag ?? shortDigest(row.id), load: (l) => services.openImage(row, l) });
          apply({ ...initialState('image', stateRef.current.notice), fromList: true, imageFilter: stateRef.current.imageFilter, images: stateRef.current.images });
          return;
        }
        case 'back':
          setLoader(null);
          apply({ ...initialState('images', null), imageFilter: stateRef.current.imageFilter, images: stateRef.current.images });
          return;
        case 'refresh':
          listImages();
          return;
      }
    },
    [apply, exit, listImages, onExit, services],
  );

  useInput((input, key) => {
    const name = keyName(input, key);
    // Ink may deliver several typed characters as one string ("jjj"): outside a prompt, route each.
    const chars = name === input && input.length > 1 && !stateRef.current.prompt ? [...input] : [name];
    for (const ch of chars) {
      const [next, eff] = handleKey(stateRef.current, ch, chars.length > 1 ? ch : input, ctxRef.current);
      apply(next);
      if (eff) {
        runEffect(eff);
        if (eff.type === 'quit') return;
      }
    }
  });

  const layout = layoutOf(state, ctx);
  const width = size.columns;

  if (layout.kind === 'too-small') {
    return (
      <Box flexDirection="column" width={width} height={layout.frameRows}>
        <Line bold>Terminal too small</Line>
        <Line>
          {size.columns}×{size.rows}; Strata needs at least {MIN_COLUMNS}×{MIN_ROWS}.
        </Line>
        <Line color={theme.dim}>Enlarge the window, or press q to quit.</Line>
      </Box>
    );
  }

  const header = headerText(state, load, loader?.label ?? '', images.error);
  const hintText = hints(activeScopes(state));

  let main: React.ReactNode;
  let status = '';
  if (state.help.open) {
    main = <Help offset={state.help.offset} width={width} height={layout.mainRows} theme={theme} />;
    status = 'help';
  } else if (state.screen === 'images') {
    const rows = filterImages(images.rows ?? [], state.imageFilter);
    main = (
      <ImageList
        rows={images.rows === null ? null : rows}
        total={images.rows?.length ?? 0}
        state={state.images}
        filter={state.imageFilter}
        error={images.error}
        width={width}
        height={layout.mainRows}
        theme={theme}
      />
    );
    status = images.rows ? `${images.rows.length} image tags on the Engine` : 'connecting…';
  } else if (!model) {
    const lines: React.ReactNode[] = [];
    if (load.error) {
      lines.push(
        <Line key="e" color={theme.error} bold>
          ✗ {safe(load.error.message)}
        </Line>,
      );
      lines.push(<Line key="h">{`press q to quit (exit ${load.error.exitCode})${state.fromList ? ', b to go back to the image list' : ''}`}</Line>);
    } else {
      lines.push(<Line key="l">{`reading ${safe(loader?.label ?? '')}…`}</Line>);
      lines.push(<Line key="p" color={theme.dim}>{`${load.events} entries read${load.current ? ` · ${safe(load.current)}` : ''}`}</Line>);
    }
    main = (
      <Box flexDirection="column" width={width} height={layout.mainRows}>
        {lines}
      </Box>
    );
    status = load.error ? 'error' : 'loading';
  } else {
    const img = model.img;
    const steps = model.steps();
    const step = selectedStep(state, ctx);
    const rows = treeRows(state, ctx);
    const panes: Partial<Record<PaneId, React.ReactNode>> = {};
    const box = layout.panes;
    if (box.layers) panes.layers = <LayerStack key="layers" img={img} steps={steps} list={state.layers} focused={state.focus === 'layers'} width={box.layers.width} height={box.layers.height} theme={theme} />;
    if (box.tree) {
      const t = state.tree;
      const ready = step && step.layer >= 0 && model.ready(step.layer);
      const placeholder = !step ? 'no layers' : step.layer < 0 ? 'nothing below this step yet' : !ready ? `layer ${step.layer} is still being read…` : null;
      const title = `File tree · L${step?.layer ?? '-'} · ${t.mode === 'layer' ? 'layer changes' : 'aggregated'}${rows ? ` · ${rows.ids.length === 0 ? 0 : Math.max(1, (rows.rowOf[t.cursorPath] ?? -1) + 1)}/${rows.ids.length}` : ''}`;
      panes.tree = <FileTree key="tree" rows={rows} state={t} neutral={step?.kind === 'meta'} title={title} placeholder={placeholder} focused={state.focus === 'tree'} width={box.tree.width} height={box.tree.height} theme={theme} />;
    }
    if (box.waste) panes.waste = <Waste key="waste" img={img} list={model.wasted()} state={state.waste} focused={state.focus === 'waste'} width={box.waste.width} height={box.waste.height} theme={theme} />;
    if (box.details) {
      const lines = detailLines(img, step, box.details.width - 2);
      panes.details = <Details key="details" lines={lines} offset={state.details.offset} focused={state.focus === 'details'} width={box.details.width} height={box.details.height} theme={theme} />;
    }
    if (layout.kind === 'wide') {
      main = (
        <Box flexDirection="row" width={width} height={layout.mainRows}>
          <Box flexDirection="column" width={layout.columns[0]}>
            {panes.layers}
            {panes.details}
          </Box>
          <Box flexDirection="column" width={layout.columns[1]}>
            {panes.tree}
            {panes.waste}
          </Box>
        </Box>
      );
    } else {
      main = (
        <Box flexDirection="column" width={width} height={layout.mainRows}>
          {panes.layers}
          {panes.tree ?? panes.waste ?? panes.details}
        </Box>
      );
    }
    status = treeStatus(state, ctx, load.error?.message ?? null);
  }

  return (
    <Box flexDirection="column" width={width} height={layout.frameRows}>
      <Line bold color={theme.accent}>
        {header}
      </Line>
      {main}
      <StatusBar status={status} hints={hintText} prompt={state.prompt} width={width} theme={theme} />
    </Box>
  );
}

function headerText(s: AppState, load: ReturnType<typeof useImageLoader>, label: string, listError: string | null): string {
  const parts = ['strata'];
  // The notice (e.g. no Engine: the sample image is shown) takes the whole line until the first key.
  if (s.notice) return `strata │ ⚠ ${safe(s.notice)}`;
  if (s.screen === 'images') {
    parts.push('images on the Engine');
    if (listError) parts.push(`✗ ${listError}`);
  } else if (load.image) {
    const img = load.image;
    const a = img.analysis;
    parts.push(safe(img.meta.repoTags[0] ?? label) || shortDigest(img.meta.id));
    parts.push(`${img.layers.length} layers`);
    parts.push(formatBytes(a.layerBytes));
    parts.push(`wasted ${formatBytes(a.wastedBytes)}`);
    parts.push(`efficiency ${formatPercent(a.efficiency)}`);
    if (!img.complete && !load.error) parts.push(`reading ${a.layerCount}/${img.layers.length}`);
  } else parts.push(safe(label));
  if (load.error && s.screen === 'image') parts.push(`✗ ${safe(load.error.message)}`);
  return parts.join(' │ ');
}

function treeStatus(s: AppState, ctx: AppCtx, error: string | null): string {
  const t = s.tree;
  const parts: string[] = [];
  const step = selectedStep(s, ctx);
  if (step) parts.push(step.kind === 'layer' ? `layer ${step.layer}` : `step ${step.index + 1} (metadata)`);
  parts.push(t.mode === 'layer' ? 'layer changes' : 'aggregated since base');
  parts.push(`sort: ${t.sort}`);
  const hidden = CHANGE_FILTERS.filter((k) => t.filters.hidden.includes(k));
  parts.push(hidden.length ? `hidden: ${hidden.map((k) => `${FILTER_SYMBOL[k]}${k}`).join(' ')}` : 'hidden: none');
  if (t.filters.path) parts.push(`path: "${safe(t.filters.path)}"`);
  if (t.filters.minSize > 0) parts.push(`size ≥ ${formatBytes(t.filters.minSize)}`);
  if (t.search) {
    const q = step && ctx.model ? { layer: step.layer, mode: t.mode, sort: t.sort, filters: t.filters, expansion: t } : null;
    const m = q && ctx.model ? ctx.model.matches(q, t.search) : [];
    const order = q && ctx.model ? ctx.model.order(q) : null;
    let at = 0;
    if (order) {
      const pos = order.indexOf(t.cursorPath);
      at = m.indexOf(pos) + 1;
    }
    parts.push(`search "${safe(t.search)}" ${at}/${m.length}`);
  }
  if (error) parts.push(`✗ ${safe(error)}`);
  return parts.join(' · ');
}
