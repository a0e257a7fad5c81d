/**
 * Render only: the frame of every screen (the header line, the screen's panes or view, the status
 * bar) for a state and its data. The image screen's panes are laid out by ImagePanes.
 */
import React from 'react';
import { Box } from 'ink';
import { formatBytes } from '../format.js';
import type { SharedReport } from '../sources/engine/shared-layers.js';
import type { Fetched } from './hooks/use-fetch.js';
import type { LoadState } from './hooks/use-image-loader.js';
import { adviceBox, compareRows, largestListRows, MIN_COLUMNS, MIN_ROWS, sharedHeights, viewBox } from './layout.js';
import { AdviceView } from './panes/AdviceView.js';
import { CompareView } from './panes/CompareView.js';
import { ContainerList } from './panes/ContainerList.js';
import { DiffView } from './panes/DiffView.js';
import { FileView } from './panes/FileView.js';
import { Help } from './panes/Help.js';
import { ImageList } from './panes/ImageList.js';
import { ImagePanes } from './panes/ImagePanes.js';
import { LargestView } from './panes/LargestView.js';
import { Loading, loadingLines } from './panes/Loading.js';
import { Line } from './panes/Pane.js';
import { SharedView } from './panes/SharedView.js';
import { StatusBar } from './panes/StatusBar.js';
import { type ContainerRow, filterContainers } from './present/containers.js';
import { viewRows } from './present/file-lines.js';
import { filterImages, type ImageRow } from './present/images.js';
import { sharedTotals } from './present/shared-layers.js';
import { diffStatusLine, treeStatus, viewStatusLine } from './present/status.js';
import { safe } from './present/text.js';
import { searchCount } from './state/anywhere.js';
import type { AppCtx, AppState } from './state/app-state.js';
import { diffScreenHeights } from './state/diff-screen.js';
import { layoutOf } from './state/selectors.js';
import type { Theme } from './theme.js';

export interface FrameProps {
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

export function Frame(props: FrameProps): React.ReactElement {
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
        heights={sharedHeights(size)}
        width={width}
        theme={theme}
      />
    );
    const warning = report?.warnings.length ? ` · ⚠ ${safe(report.warnings[0])}` : '';
    status = report
      ? `${report.images.length} images · ${report.layers.length} stored layers · ${sharedTotals(report)}${warning}`
      : 'asking the Engine…';
  } else if (state.screen === 'diff') {
    const d = props.diff;
    if (ctx.diff && state.compare) {
      main = (
        <CompareView
          state={state.compare}
          width={width}
          height={layout.mainRows}
          rows={compareRows(size)}
          theme={theme}
        />
      );
    } else if (ctx.diff) {
      main = (
        <DiffView model={ctx.diff} state={state.diff} heights={diffScreenHeights(ctx)} width={width} theme={theme} />
      );
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
    const box = viewBox(size);
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
