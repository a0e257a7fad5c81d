/** Render only: the frame (header, the current screen, the status bar) for a state and its data. */
import React from 'react';
import { Box } from 'ink';
import type { SharedReport } from '../sources/engine/shared-layers.js';
import { MIN_COLUMNS, MIN_ROWS, type PaneId } from './layout.js';
import type { Theme } from './theme.js';
import type { LoadState } from './hooks/use-image-loader.js';
import { compareRows, layoutOf, selectedStep, treeRows, viewBox, type AppCtx, type AppState } from './state/app.js';
import { diffHeights, sharedHeights } from './state/screens.js';
import { filterImages, type ImageRow } from './state/images.js';
import { filterContainers, type ContainerRow } from './state/containers.js';
import { detailLines } from './present/details.js';
import { viewRows } from './state/file-view.js';
import { diffStatusLine, treeStatus, viewStatusLine } from './present/status.js';
import { sharedTotals } from './state/shared-layers.js';
import { LayerStack } from './panes/LayerStack.js';
import { FileTree } from './panes/FileTree.js';
import { Waste } from './panes/Waste.js';
import { Details } from './panes/Details.js';
import { ImageList } from './panes/ImageList.js';
import { ContainerList } from './panes/ContainerList.js';
import { SharedView } from './panes/SharedView.js';
import { DiffView } from './panes/DiffView.js';
import { FileView } from './panes/FileView.js';
import { Help } from './panes/Help.js';
import { AdviceView } from './panes/AdviceView.js';
import { LargestView } from './panes/LargestView.js';
import { CompareView } from './panes/CompareView.js';
import { largestListRows } from './state/largest.js';
import { adviceBox } from './state/advice.js';
import { formatBytes } from '../format.js';
import { StatusBar } from './panes/StatusBar.js';
import { Line } from './panes/Pane.js';
import { safe } from './present/text.js';
import { searchCount } from './state/anywhere.js';
import { displayName } from '../model/names.js';

interface Fetched<T> {
  data: T | null;
  error: string | null;
}

export interface ScreenProps {
  state: AppState;
  ctx: AppCtx;
  theme: Theme;
  header: string;
  hints: string;
  load: LoadState;
  loaderLabel: string;
  images: Fetched<ImageRow[]>;
  containers: Fetched<ContainerRow[]>;
  shared: Fetched<SharedReport>;
  diff: { a: LoadState; b: LoadState; labels: [string, string] } | null;
}

function Loading({
  lines,
  width,
  height,
}: {
  lines: React.ReactNode[];
  width: number;
  height: number;
}): React.ReactElement {
  return (
    <Box flexDirection="column" width={width} height={height}>
      {lines}
    </Box>
  );
}

function loadingLines(key: string, label: string, l: LoadState, theme: Theme, after: string): React.ReactNode[] {
  if (l.error) {
    return [
      <Line key={`${key}e`} color={theme.error} bold>
        ✗ {safe(l.error.message)}
      </Line>,
      <Line key={`${key}h`}>{`press q to quit (exit ${l.error.exitCode})${after}`}</Line>,
    ];
  }
  const img = l.image;
  const layers = img ? ` · ${img.analysis.layerCount}/${img.layers.length} layers` : '';
  // Done without reading an entry: every layer came from the cache.
  const read = l.status === 'done' && l.events === 0 ? 'from the cache' : `${l.events} entries read`;
  return [
    <Line key={`${key}l`}>{`${l.status === 'done' ? '✓ read' : 'reading'} ${safe(label)}…`}</Line>,
    <Line key={`${key}p`} color={theme.dim}>
      {`${read}${layers}${l.current && l.status !== 'done' ? ` · ${displayName(l.current)}` : ''}`}
    </Line>,
  ];
}

export function Screen(props: ScreenProps): React.ReactElement {
  const { state, ctx, theme, load } = props;
  const size = ctx.size;
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

  let main: React.ReactNode;
  let status = '';
  const model = ctx.model;
  if (state.help.open) {
    main = <Help offset={state.help.offset} width={width} height={layout.mainRows} theme={theme} />;
    status = 'help';
  } else if (state.screen === 'images' && state.listKind === 'containers') {
    const all = props.containers.data;
    main = (
      <ContainerList
        rows={all === null ? null : filterContainers(all, state.imageFilter)}
        total={all?.length ?? 0}
        state={state.containers}
        filter={state.imageFilter}
        error={props.containers.error}
        width={width}
        height={layout.mainRows}
        theme={theme}
      />
    );
    status = all ? `${all.length} containers on the Engine` : 'connecting…';
  } else if (state.screen === 'images') {
    const all = props.images.data;
    main = (
      <ImageList
        rows={all === null ? null : filterImages(all, state.imageFilter)}
        total={all?.length ?? 0}
        state={state.images}
        filter={state.imageFilter}
        error={props.images.error}
        width={width}
        height={layout.mainRows}
        theme={theme}
      />
    );
    status = all ? `${all.length} image tags on the Engine` : 'connecting…';
  } else if (state.screen === 'shared') {
    const report = props.shared.data;
    main = (
      <SharedView
        report={report}
        error={props.shared.error}
        state={state.shared}
        heights={sharedHeights(ctx)}
        width={width}
        theme={theme}
      />
    );
    status = report
      ? `${report.images.length} images · ${report.layers.length} stored layers · ${sharedTotals(report)}${report.warnings.length ? ` · ⚠ ${safe(report.warnings[0])}` : ''}`
      : 'asking the Engine…';
  } else if (state.screen === 'diff') {
    const d = props.diff;
    if (ctx.diff && state.compare) {
      main = (
        <CompareView
          state={state.compare}
          width={width}
          height={layout.mainRows}
          rows={compareRows(ctx)}
          theme={theme}
        />
      );
    } else if (ctx.diff) {
      main = <DiffView model={ctx.diff} state={state.diff} heights={diffHeights(ctx)} width={width} theme={theme} />;
    } else if (d) {
      main = (
        <Loading
          width={width}
          height={layout.mainRows}
          lines={[
            ...loadingLines('a', `A ${d.labels[0]}`, d.a, theme, ''),
            ...loadingLines('b', `B ${d.labels[1]}`, d.b, theme, ''),
          ]}
        />
      );
    }
    status = d && (d.a.error || d.b.error) ? 'error: q quits' : diffStatusLine(state, ctx.diff ?? null);
  } else if (!model || (load.error && model.img.layers.length === 0)) {
    // Failed before any layer was known (a document of the wrong shape): the error, not empty panes.
    main = (
      <Loading
        width={width}
        height={layout.mainRows}
        lines={loadingLines('i', props.loaderLabel, load, theme, state.fromList ? ', b to go back to the list' : '')}
      />
    );
    status = load.error ? 'error' : 'loading';
  } else if (state.view) {
    const box = viewBox(ctx);
    main = (
      <FileView
        view={state.view}
        rows={viewRows(state.view, box.width)}
        width={width}
        height={layout.mainRows}
        theme={theme}
      />
    );
    status = viewStatusLine(state);
  } else if (state.advice.open) {
    const box = adviceBox(size);
    const advice = model.advice();
    main = (
      <AdviceView
        img={model.img}
        advice={advice}
        state={state.advice}
        width={width}
        height={box.height}
        listRows={box.listRows}
        theme={theme}
      />
    );
    const total = formatBytes(advice.recoverableBytes);
    status = `advice · ${advice.items.length} items · recoverable ${total} · Enter: go to the path in the tree`;
  } else if (state.largest?.open) {
    main = (
      <LargestView
        img={model.img}
        state={state.largest}
        width={width}
        height={layout.mainRows}
        listRows={largestListRows(size)}
        theme={theme}
      />
    );
    status = 'largest files of the final image · Enter: go to the file in the tree, at the layer that shipped it';
  } else {
    main = <ImagePanes state={state} ctx={ctx} theme={theme} />;
    status = treeStatus(state, ctx, load.error?.message ?? null);
  }

  return (
    <Box flexDirection="column" width={width} height={layout.frameRows}>
      <Line bold color={theme.accent}>
        {props.header}
      </Line>
      {main}
      <StatusBar
        status={state.flash ? `${state.flash} · ${status}` : status}
        hints={props.hints}
        prompt={state.prompt}
        promptInfo={searchCount(state, ctx)}
        width={width}
        theme={theme}
      />
    </Box>
  );
}

function ImagePanes({ state, ctx, theme }: { state: AppState; ctx: AppCtx; theme: Theme }): React.ReactElement {
  const model = ctx.model!;
  const layout = layoutOf(state, ctx);
  const width = ctx.size.columns;
  const img = model.img;
  const steps = model.steps();
  const step = selectedStep(state, ctx);
  const rows = treeRows(state, ctx);
  const panes: Partial<Record<PaneId, React.ReactNode>> = {};
  const box = layout.panes;
  if (box.layers)
    panes.layers = (
      <LayerStack
        key="layers"
        img={img}
        steps={steps}
        list={state.layers}
        focused={state.focus === 'layers'}
        width={box.layers.width}
        height={box.layers.height}
        theme={theme}
      />
    );
  if (box.tree) {
    const t = state.tree;
    const ready = step && step.layer >= 0 && model.ready(step.layer);
    const meta = step?.kind === 'meta';
    let placeholder: string | null = null;
    if (!step) placeholder = 'no layers';
    else if (step.layer < 0) placeholder = 'nothing below this step yet';
    else if (!ready) placeholder = `layer ${step.layer} is still being read…`;
    else if (meta && t.mode === 'layer') placeholder = 'a metadata-only step: no file changes (a: the files as of it)';
    const at = rows && rows.ids.length > 0 ? Math.max(1, (rows.rowOf[t.cursorPath] ?? -1) + 1) : 0;
    const count = rows ? ` · ${at}/${rows.ids.length}` : '';
    const what = meta
      ? t.mode === 'layer'
        ? 'metadata only · no file changes'
        : `metadata only · filesystem as of L${step.layer}, unmarked`
      : t.mode === 'layer'
        ? 'layer changes'
        : 'aggregated';
    const title = `File tree · ${meta ? `step ${step.index + 1}` : `L${step?.layer ?? '-'}`} · ${what}${count}`;
    panes.tree = (
      <FileTree
        key="tree"
        rows={rows}
        state={t}
        neutral={meta}
        attrs={state.attrs}
        title={title}
        placeholder={placeholder}
        focused={state.focus === 'tree'}
        width={box.tree.width}
        height={box.tree.height}
        theme={theme}
      />
    );
  }
  if (box.waste)
    panes.waste = (
      <Waste
        key="waste"
        img={img}
        list={model.wasted()}
        state={state.waste}
        view={state.wasteView}
        focused={state.focus === 'waste'}
        width={box.waste.width}
        height={box.waste.height}
        theme={theme}
      />
    );
  if (box.details) {
    const selected = step && step.layer >= 0 ? { path: state.tree.cursorPath, layer: step.layer } : null;
    const lines = detailLines(img, step, box.details.width - 2, selected);
    panes.details = (
      <Details
        key="details"
        lines={lines}
        offset={state.details.offset}
        focused={state.focus === 'details'}
        width={box.details.width}
        height={box.details.height}
        theme={theme}
      />
    );
  }
  if (layout.kind === 'wide') {
    return (
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
  }
  return (
    <Box flexDirection="column" width={width} height={layout.mainRows}>
      {panes.layers}
      {panes.tree ?? panes.waste ?? panes.details}
    </Box>
  );
}
