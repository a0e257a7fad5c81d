/**
 * The shell: wires the state (one reducer, state/router.ts), the I/O it asks for (effects.ts) and
 * the frame that renders it (Frame.tsx), with the data each screen shows (the image or container
 * list, the image being explored, the shared-layers report, the two images of a diff).
 * Lifecycle (alternate screen, signals, exit code) belongs to run.tsx; App only asks to quit
 * through `onExit(code)` and Ink's exit().
 */
import React from 'react';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Box, useApp, useInput } from 'ink';
import { EXIT_OK } from '../errors.js';
import { type EffectEnv, runEffect } from './effects.js';
import { Frame } from './Frame.js';
import { screenHints } from './hints.js';
import { useEngineLists } from './hooks/use-engine-lists.js';
import { useExploredImage } from './hooks/use-explored-image.js';
import { useIdleWarmUp } from './hooks/use-idle-warm-up.js';
import { useTerminalSize } from './hooks/use-terminal-size.js';
import { inputEvents } from './input.js';
import { headerText } from './present/status.js';
import { safe } from './present/text.js';
import type { Services, Start, TerminalControl } from './services.js';
import { type AppCtx, type AppState, type Effect, type Prefs, startState } from './state/app-state.js';
import { ImageView } from './state/image-view.js';
import { mouseCommand } from './state/mouse.js';
import { handleKey } from './state/router.js';
import { treeQuery } from './state/selectors.js';
import { COLOUR_THEME, type Theme } from './theme.js';

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
  /** The terminal around the app (run.tsx): suspend, mouse reporting, raw writes (OSC 52). */
  terminal?: TerminalControl;
  /** Starting preferences (the config file's defaults). */
  prefs?: Prefs;
}

/** Longer than Ink's render throttle (1000 / 30 fps). */
const REDRAW_GAP_MS = 60;

export function App(props: AppProps): React.ReactElement {
  const { start, services, notice = null, theme = COLOUR_THEME, throttleMs = 80, onExit, terminal, prefs } = props;
  const { exit } = useApp();
  const size = useTerminalSize();
  const [state, setState] = useState<AppState>(() =>
    startState(start.kind === 'images' ? 'images' : start.kind, notice, prefs),
  );
  const stateRef = useRef(state);
  const [blank, setBlank] = useState(false);

  const lists = useEngineLists(services);
  const { listImages } = lists;
  useEffect(() => {
    if (start.kind === 'images') listImages();
  }, [start.kind, listImages]);
  const explored = useExploredImage(start, services, throttleMs);
  const { load, diff } = explored;
  const model = useMemo(() => (load.image ? new ImageView(load.image) : null), [load.image]);

  const ctx: AppCtx = {
    size,
    model,
    images: lists.images.data ?? [],
    containers: lists.containers.data ?? [],
    shared: lists.shared.data,
    diff: diff.model,
  };
  const ctxRef = useRef(ctx);
  ctxRef.current = ctx;
  useIdleWarmUp(model, model ? treeQuery(state, ctx) : null, load.image?.complete === true);

  const apply = useCallback((next: AppState) => {
    if (next !== stateRef.current) {
      stateRef.current = next;
      setState(next);
    }
  }, []);

  // The executor's view of the shell, renewed each render (its callbacks read the latest values).
  const env: EffectEnv = {
    services,
    terminal,
    state: () => stateRef.current,
    ctx: () => ctxRef.current,
    apply,
    quit: (code) => {
      explored.abortAll();
      const err = load.error?.exitCode ?? diff.a.error?.exitCode ?? diff.b.error?.exitCode ?? EXIT_OK;
      onExit?.(code ?? err);
      exit();
    },
    openImage: explored.openImage,
    openContainer: explored.openContainer,
    reloadContainer: explored.reloadContainer,
    closeImage: explored.closeImage,
    listImages: lists.listImages,
    listContainers: lists.listContainers,
    loadShared: lists.loadShared,
    // The screen is blank again: one empty frame, then the real one, so every line is drawn.
    redraw: () => setBlank(true),
  };
  useEffect(() => {
    if (!blank) return;
    // Ink writes at most one frame per throttle period and skips a frame equal to the last one
    // written: the real frame must come after the empty one has been written, or it is dropped
    // as unchanged and the resumed screen stays blank.
    const timer = setTimeout(() => setBlank(false), REDRAW_GAP_MS);
    return () => clearTimeout(timer);
  }, [blank]);
  const envRef = useRef(env);
  envRef.current = env;

  useInput((input, key) => {
    const step = ([next, eff]: [AppState, Effect]): boolean => {
      apply(next);
      if (eff) runEffect(eff, envRef.current);
      return eff?.type === 'quit';
    };
    for (const ev of inputEvents(input, key, () => stateRef.current.prompt !== null)) {
      if (ev.type === 'mouse') {
        if (stateRef.current.mouse) step(mouseCommand(stateRef.current, ev.report, ctxRef.current));
        return;
      }
      if (step(handleKey(stateRef.current, ev.name, ev.text, ctxRef.current))) return;
    }
  });

  const listError = state.listKind === 'containers' ? lists.containers.error : lists.images.error;
  const diffShown = start.kind === 'diff' ? { a: diff.a, b: diff.b, labels: start.labels } : null;
  const baseHeader = headerText(state, {
    load,
    label: explored.label,
    container: explored.container,
    listError,
    shared: lists.shared.data,
    diff: diffShown ? { ...diffShown, model: diff.model } : null,
  });
  const onContainer = state.screen === 'image' && !!explored.container;
  let reloadNote = '';
  if (onContainer && explored.reloading) reloadNote = ' │ reloading the copy-on-write layer…';
  else if (onContainer && explored.reloadError) reloadNote = ` │ ✗ reload: ${safe(explored.reloadError)}`;
  if (blank) return <Box height={Math.max(1, size.rows - 1)} width={size.columns} />;
  return (
    <Frame
      state={state}
      ctx={ctx}
      theme={theme}
      header={baseHeader + reloadNote}
      hints={screenHints(state, ctx, load, Boolean(diff.a.error || diff.b.error))}
      load={load}
      loaderLabel={explored.label}
      images={lists.images}
      containers={lists.containers}
      shared={lists.shared}
      diff={diffShown}
    />
  );
}
