/**
 * The root: the one input router, the layout, and the data each screen shows (the image or
 * container list, the image being explored, the shared-layers report, the two images of a diff).
 * Lifecycle (alternate screen, signals, exit code) belongs to run.tsx; App only asks to quit
 * through `onExit(code)` and Ink's exit(). Every load gets an AbortSignal, fired when the user
 * leaves it (b) or quits.
 */
import React from 'react';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import os from 'node:os';
import { Box, useApp, useInput } from 'ink';
import type { LoadedImage, LoadEvent, LoadListener } from '../model/image.js';
import type { ContainerInfo } from '../sources/engine/container.js';
import type { SharedReport } from '../sources/engine/shared-layers.js';
import { versionAt, readVersionHead, type FileVersion } from '../sources/read-back.js';
import { extractTo } from '../sources/extract.js';
import { diffAnalyses } from '../model/diff.js';
import { EXIT_OK } from '../errors.js';
import { shortDigest } from '../format.js';
import { keyName } from './keymap.js';
import { screenHints } from './hints.js';
import { isMouseLike, osc52, parseMouse } from './mouse.js';
import { mouseCommand } from './state/mouse.js';
import { COLOUR_THEME, type Theme } from './theme.js';
import { useTerminalSize } from './hooks/use-terminal-size.js';
import { useImageLoader, describeError, type Loader } from './hooks/use-image-loader.js';
import { ImageModel } from './state/image-view.js';
import { backToList, handleKey, initialState, openedState } from './state/app.js';
import type { AppCtx, AppState, Effect } from './state/app.js';
import { imageRows, type EngineImage, type ImageRow } from './state/images.js';
import { containerRows, type ContainerRow, type EngineContainer } from './state/containers.js';
import {
  viewLoaded,
  viewProgress,
  viewSaved,
  viewVersion,
  VIEW_MAX_BYTES,
  type ViewResult,
} from './state/file-view.js';
import { prefetchOlderVersions } from '../sources/engine/file.js';
import { readHeadAndDigest } from '../sources/version-digest.js';
import { compareFailed, compareLoaded, type CompareSide } from './state/compare.js';
import type { DiffModel } from './state/diff.js';
import { headerText, isContainerLayer } from './present/status.js';
import { Screen } from './Frame.js';
import { safe } from './present/text.js';
import { displayName } from '../model/names.js';

/** Control characters that can arrive inside a multi-key chunk, by key name (others are dropped). */
const CONTROL_NAME: Record<string, string> = {
  '\r': 'enter',
  '\n': 'enter',
  '\t': 'tab',
  '\x7f': 'backspace',
  '\b': 'backspace',
};

/** Runs of printable text and single control characters, in order. */
export function splitInput(input: string): string[] {
  // eslint-disable-next-line no-control-regex
  return input.match(/[\u0000-\u001f\u007f]|[^\u0000-\u001f\u007f]+/g) ?? [];
}

export interface Services {
  listImages: () => Promise<EngineImage[]>;
  openImage: (row: ImageRow, listener: LoadListener, signal?: AbortSignal) => Promise<LoadedImage>;
  /** The Engine's containers, running or not (the `c` toggle of the list). */
  listContainers?: () => Promise<EngineContainer[]>;
  /** A container's image with its copy-on-write layer on top. */
  openContainer?: (
    row: ContainerRow,
    listener: LoadListener,
    signal?: AbortSignal,
  ) => Promise<{ img: LoadedImage; container: ContainerInfo }>;
  /** The shared-layers report (`s` in the list). */
  sharedLayers?: () => Promise<SharedReport>;
}

/** Loads one image; the signal fires when the user no longer wants it. */
export type SourceLoader = (listener: LoadListener, signal: AbortSignal) => Promise<LoadedImage>;

export type Start =
  | { kind: 'images' }
  | { kind: 'image'; label: string; load: SourceLoader }
  /** `strata diff A B`: both images load side by side, then the diff is shown. */
  | { kind: 'diff'; labels: [string, string]; load: [SourceLoader, SourceLoader] };

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

export interface TerminalControl {
  /**
   * Stop the process (Ctrl+Z); `onResume` runs when it continues, on a blank screen. False when
   * no shell could resume it (no job control): nothing happens.
   */
  suspend(onResume: () => void): boolean;
  mouse(on: boolean): void;
  write(data: string): void;
}

export interface Prefs {
  mouse?: boolean;
  attrs?: boolean;
  tree?: Partial<Pick<AppState['tree'], 'mode' | 'sort' | 'filters'>>;
}

interface Fetched<T> {
  data: T | null;
  error: string | null;
}

/** Fetch state for a list or report: null data while asking. */
function useFetch<T>(): [Fetched<T>, (p: Promise<T>) => void] {
  const [state, setState] = useState<Fetched<T>>({ data: null, error: null });
  const seq = useRef(0);
  const run = useCallback((p: Promise<T>) => {
    const n = ++seq.current;
    setState({ data: null, error: null });
    p.then(
      (data) => n === seq.current && setState({ data, error: null }),
      (err) => n === seq.current && setState({ data: null, error: describeError(err).message }),
    );
  }, []);
  return [state, run];
}

export function App(props: AppProps): React.ReactElement {
  const { start, services, notice = null, theme = COLOUR_THEME, throttleMs = 80, onExit, terminal, prefs } = props;
  const { exit } = useApp();
  const size = useTerminalSize();
  const [state, setState] = useState<AppState>(() => {
    const s0 = initialState(start.kind === 'images' ? 'images' : start.kind, notice);
    const tree = { ...s0.tree, ...prefs?.tree };
    return { ...s0, mouse: prefs?.mouse ?? s0.mouse, attrs: prefs?.attrs ?? s0.attrs, tree };
  });
  const stateRef = useRef(state);
  const [blank, setBlank] = useState(false);

  // Every load's AbortController, so that leaving or quitting stops the read.
  const controllers = useRef(new Set<AbortController>());
  const withSignal = useCallback((fn: SourceLoader): { load: Loader; ctrl: AbortController } => {
    const ctrl = new AbortController();
    controllers.current.add(ctrl);
    return { ctrl, load: (l) => fn(l, ctrl.signal) };
  }, []);

  // The lists and the shared report.
  const [images, fetchImages] = useFetch<ImageRow[]>();
  const [containers, fetchContainers] = useFetch<ContainerRow[]>();
  const [shared, fetchShared] = useFetch<SharedReport>();
  const askedContainers = useRef(false);
  const listImages = useCallback(
    () => services && fetchImages(services.listImages().then(imageRows)),
    [services, fetchImages],
  );
  const listContainers = useCallback(() => {
    askedContainers.current = true;
    fetchContainers(
      services?.listContainers
        ? services.listContainers().then(containerRows)
        : Promise.reject(new Error('containers need an Engine')),
    );
  }, [services, fetchContainers]);
  const loadShared = useCallback(() => {
    fetchShared(
      services?.sharedLayers
        ? services.sharedLayers()
        : Promise.reject(new Error('the shared-layers view needs an Engine')),
    );
  }, [services, fetchShared]);
  useEffect(() => {
    if (start.kind === 'images') listImages();
  }, [start.kind, listImages]);

  // The image (or container) being explored.
  const [loader, setLoader] = useState<{
    label: string;
    load: Loader;
    ctrl: AbortController;
    container: { current: ContainerInfo | null };
  } | null>(() =>
    start.kind === 'image' ? { label: start.label, ...withSignal(start.load), container: { current: null } } : null,
  );
  const load = useImageLoader(loader?.load ?? null, throttleMs);
  const loaderRef = useRef(loader);
  loaderRef.current = loader;
  // The container row last opened, and an in-place reload of its copy-on-write layer.
  const containerRow = useRef<ContainerRow | null>(null);
  const [reloading, setReloading] = useState(false);
  const [reloadError, setReloadError] = useState<string | null>(null);
  const model = useMemo(() => (load.image ? new ImageModel(load.image) : null), [load.image]);

  // The two images of a diff.
  const [diffLoaders] = useState<[Loader | null, Loader | null]>(() =>
    start.kind === 'diff' ? [withSignal(start.load[0]).load, withSignal(start.load[1]).load] : [null, null],
  );
  const loadA = useImageLoader(diffLoaders[0], throttleMs);
  const loadB = useImageLoader(diffLoaders[1], throttleMs);
  const diffModel = useMemo<DiffModel | null>(() => {
    const a = loadA.image;
    const b = loadB.image;
    if (loadA.status !== 'done' || loadB.status !== 'done' || !a || !b) return null;
    const diff = diffAnalyses(
      a.analysis,
      a.layers.map((l) => l.diffId),
      b.analysis,
      b.layers.map((l) => l.diffId),
    );
    return { a, b, diff };
  }, [loadA.status, loadB.status, loadA.image, loadB.image]);

  const ctx: AppCtx = {
    size,
    model,
    images: images.data ?? [],
    containers: containers.data ?? [],
    shared: shared.data,
    diff: diffModel,
  };
  const ctxRef = useRef(ctx);
  ctxRef.current = ctx;
  const loadRef = useRef(load);
  loadRef.current = load;
  const diffErrRef = useRef<number | null>(null);
  diffErrRef.current = loadA.error?.exitCode ?? loadB.error?.exitCode ?? null;

  const apply = useCallback((next: AppState) => {
    if (next !== stateRef.current) {
      stateRef.current = next;
      setState(next);
    }
  }, []);

  const openLoader = useCallback(
    (label: string, fn: SourceLoader, container: { current: ContainerInfo | null } = { current: null }) => {
      setLoader((old) => {
        old?.ctrl.abort();
        return { label, ...withSignal(fn), container };
      });
    },
    [withSignal],
  );

  // What a slow file read is doing, at most every 100 ms, for the view with this token.
  const progressFor = useCallback(
    (token: number) => {
      let last = 0;
      return (text: string) => {
        const now = Date.now();
        if (now - last < 100) return;
        last = now;
        const s = stateRef.current;
        if (s.view?.token === token) apply({ ...s, view: viewProgress(s.view, text) });
      };
    },
    [apply],
  );

  const runEffect = useCallback(
    (eff: Effect) => {
      if (!eff) return;
      switch (eff.type) {
        case 'quit': {
          const err = loadRef.current.error;
          for (const c of controllers.current) c.abort();
          onExit?.(eff.code ?? (err ? err.exitCode : (diffErrRef.current ?? EXIT_OK)));
          exit();
          return;
        }
        case 'open': {
          const row = eff.row;
          if (!services) return;
          openLoader(row.repoTag ?? shortDigest(row.id), (l, signal) => services.openImage(row, l, signal));
          apply(openedState(stateRef.current));
          return;
        }
        case 'reloadContainer': {
          const open = services?.openContainer;
          const row = containerRow.current;
          const current = loaderRef.current;
          if (!open || !row || !current?.container.current || reloading) return;
          setReloading(true);
          const info = current.container;
          // Read in the background; the screen keeps showing the old layer until the new one is in.
          open(row, () => {}, current.ctrl.signal).then(
            (r) => {
              setReloading(false);
              info.current = r.container;
              const img = r.img;
              setLoader((old) => ({
                label: old?.label ?? `container ${row.name}`,
                ctrl: old?.ctrl ?? current.ctrl,
                container: info,
                load: (l) => {
                  l({ type: 'meta', image: img } as LoadEvent);
                  return Promise.resolve(img);
                },
              }));
            },
            (err) => {
              setReloading(false);
              setReloadError(describeError(err).message);
            },
          );
          return;
        }
        case 'openContainer': {
          const row = eff.row;
          const open = services?.openContainer;
          if (!open) return;
          containerRow.current = row;
          setReloadError(null);
          const info: { current: ContainerInfo | null } = { current: null };
          openLoader(
            `container ${row.name}`,
            (l, signal) =>
              open(row, l, signal).then((r) => {
                info.current = r.container;
                return r.img;
              }),
            info,
          );
          apply(openedState(stateRef.current));
          return;
        }
        case 'suspend':
          {
            const ok = terminal?.suspend(() => {
              // The screen is blank again: one empty frame, then the real one, so every line is drawn.
              setBlank(true);
              setTimeout(() => setBlank(false), 0);
            });
            const flash = 'cannot suspend: no shell with job control started strata';
            if (ok === false) apply({ ...stateRef.current, flash });
          }
          return;
        case 'mouse':
          terminal?.mouse(eff.on);
          return;
        case 'copy':
          terminal?.write(osc52(eff.text));
          return;
        case 'back':
          setLoader((old) => {
            old?.ctrl.abort();
            return null;
          });
          apply(backToList(stateRef.current));
          return;
        case 'refresh':
          if (stateRef.current.screen === 'shared') loadShared();
          else if (stateRef.current.listKind === 'containers') listContainers();
          else listImages();
          return;
        case 'containers':
          if (!askedContainers.current) listContainers();
          return;
        case 'shared':
          loadShared();
          return;
        case 'view': {
          const img = ctxRef.current.model?.img;
          const token = eff.token;
          const done = (r: ViewResult) => {
            const s = stateRef.current;
            if (s.view?.token === token) apply({ ...s, view: viewLoaded(s.view, r) });
          };
          if (!img) return;
          let version: FileVersion;
          try {
            version = versionAt(img, eff.path, eff.layer);
          } catch (err) {
            done({ ok: false, version: null, error: describeError(err).message });
            return;
          }
          const s = stateRef.current;
          if (s.view?.token === token) apply({ ...s, view: viewVersion(s.view, version) });
          if (isContainerLayer(img, version.layer)) {
            // The changes API gives paths and sizes only; the bytes live in the container, not in any image blob.
            done({
              ok: false,
              version,
              error: "a container's own files cannot be read back yet (the Engine reports their paths and sizes only)",
            });
            return;
          }
          readVersionHead(img, version, VIEW_MAX_BYTES, { progress: progressFor(token) }).then(
            (r) => {
              done({ ok: true, version, bytes: r.bytes, truncated: r.truncated });
              prefetchOlderVersions(img);
            },
            (err) => done({ ok: false, version, error: describeError(err).message }),
          );
          return;
        }
        case 'compare': {
          const d = ctxRef.current.diff;
          const token = eff.token;
          if (!d) return;
          const side = async (img: LoadedImage): Promise<CompareSide> => {
            let v: FileVersion;
            try {
              v = versionAt(img, eff.path);
            } catch (err) {
              return { bytes: null, size: 0, sha256: null, truncated: false, note: describeError(err).message };
            }
            const r = await readHeadAndDigest(img, v, VIEW_MAX_BYTES);
            return { bytes: r.bytes, size: v.size, sha256: r.sha256, truncated: r.truncated };
          };
          Promise.all([side(d.a), side(d.b)]).then(
            ([a, b]) => {
              const s = stateRef.current;
              if (s.compare?.token !== token) return;
              apply({ ...s, compare: compareLoaded(s.compare, a, b, displayName(eff.path)) });
            },
            (err) => {
              const s = stateRef.current;
              if (s.compare?.token !== token) return;
              apply({ ...s, compare: compareFailed(s.compare, describeError(err).message) });
            },
          );
          return;
        }
        case 'save': {
          const img = ctxRef.current.model?.img;
          const version = stateRef.current.view?.version;
          const shown = stateRef.current.view?.path ?? '';
          const token = eff.token;
          const done = (r: { ok: boolean; text: string }) => {
            const s = stateRef.current;
            if (s.view?.token === token) apply({ ...s, view: viewSaved(s.view, r) });
          };
          if (!img || !version) return;
          if (isContainerLayer(img, version.layer)) {
            done({ ok: false, text: "not saved: a container's own files cannot be read back yet" });
            return;
          }
          // The one shell convenience users expect in a path prompt.
          const target =
            eff.target === '~' || eff.target.startsWith('~/') ? os.homedir() + eff.target.slice(1) : eff.target;
          extractTo(img, version, target, { progress: progressFor(token) }).then(
            (written) =>
              done({
                ok: true,
                text: `saved ${displayName(shown)} (L${version.layer}, ${version.size} B) to ${safe(written)}`,
              }),
            (err) => done({ ok: false, text: `not saved: ${safe(describeError(err).message)}` }),
          );
          return;
        }
      }
    },
    [
      apply,
      exit,
      listContainers,
      listImages,
      loadShared,
      onExit,
      openLoader,
      progressFor,
      reloading,
      services,
      terminal,
    ],
  );

  useInput((input, key) => {
    // Mouse reports are never keystrokes: a whole one is acted on, a cut one dropped.
    const mouse = parseMouse(input);
    if (mouse) {
      if (!stateRef.current.mouse) return;
      const [next, eff] = mouseCommand(stateRef.current, mouse, ctxRef.current);
      apply(next);
      if (eff) runEffect(eff);
      return;
    }
    if (isMouseLike(input)) return;
    const name = keyName(input, key);
    const feed = (n: string, text: string): boolean => {
      const [next, eff] = handleKey(stateRef.current, n, text, ctxRef.current);
      apply(next);
      if (eff) runEffect(eff);
      return eff?.type === 'quit';
    };
    if (name !== input || input.length <= 1) {
      feed(name, input);
      return;
    }
    // Ink may deliver several key presses as one string ("jjj", "x\r", a paste ending in Enter):
    // a prompt takes a run of text at once, anything else is routed key by key.
    for (const seg of splitInput(input)) {
      if (seg.length > 1 && stateRef.current.prompt) {
        if (feed(seg, seg)) return;
        continue;
      }
      for (const ch of seg.length > 1 ? [...seg] : [seg]) {
        if (feed(CONTROL_NAME[ch] ?? ch, ch)) return;
      }
    }
  });

  const listError = state.listKind === 'containers' ? containers.error : images.error;
  const baseHeader = headerText(state, {
    load,
    label: loader?.label ?? '',
    container: loader?.container.current ?? null,
    listError,
    shared: shared.data,
    diff: start.kind === 'diff' ? { a: loadA, b: loadB, labels: start.labels, model: diffModel } : null,
  });
  const onContainer = state.screen === 'image' && !!loader?.container.current;
  let reloadNote = '';
  if (onContainer && reloading) reloadNote = ' │ reloading the copy-on-write layer…';
  else if (onContainer && reloadError) reloadNote = ` │ ✗ reload: ${safe(reloadError)}`;
  const header = baseHeader + reloadNote;
  if (blank) return <Box height={Math.max(1, size.rows - 1)} width={size.columns} />;
  return (
    <Screen
      state={state}
      ctx={ctx}
      theme={theme}
      header={header}
      hints={screenHints(state, ctx, load, Boolean(loadA.error || loadB.error))}
      load={load}
      loaderLabel={loader?.label ?? ''}
      images={images}
      containers={containers}
      shared={shared}
      diff={start.kind === 'diff' ? { a: loadA, b: loadB, labels: start.labels } : null}
    />
  );
}
