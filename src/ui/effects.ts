/**
 * Runs the I/O a reducer asked for (state/app-state.ts's Effect): open, reload and leave images,
 * ask the Engine for its lists, read a file's version for the view, save it, compare two versions,
 * and the terminal's suspend, mouse and clipboard. Results come back as new states through
 * `apply`, for the view (or comparison) with the token they were asked for: a late answer for a
 * view already closed is dropped.
 */
import os from 'node:os';
import type { LoadedImage } from '../model/image.js';
import { displayName } from '../model/names.js';
import { prefetchOlderVersions } from '../sources/engine/file.js';
import { extractTo } from '../sources/extract.js';
import { type FileVersion, readVersionHead, versionAt } from '../sources/read-back.js';
import { readHeadAndDigest } from '../sources/version-digest.js';
import { describeError } from '../errors.js';
import { osc52 } from './mouse.js';
import { isContainerLayer } from './present/status.js';
import { safe } from './present/text.js';
import type { ImageRow } from './present/images.js';
import type { ContainerRow } from './present/containers.js';
import type { Services, TerminalControl } from './services.js';
import { type AppCtx, type AppState, backToList, type Effect, openedState } from './state/app-state.js';
import { type CompareSide, compareFailed, compareLoaded } from './state/compare.js';
import {
  VIEW_MAX_BYTES,
  type ViewResult,
  viewLoaded,
  viewProgress,
  viewSaved,
  viewVersion,
} from './state/file-view.js';

/** What the executor may touch: the state, the shell's loaders and lists, the terminal. */
export interface EffectEnv {
  services?: Services;
  terminal?: TerminalControl;
  state(): AppState;
  ctx(): AppCtx;
  apply(next: AppState): void;
  /** Stop every load, report the exit code (`code`, else the load's error's, else success) and exit. */
  quit(code?: number): void;
  /** Start reading an image (or a container) of the list; false when there is nothing to read it with. */
  openImage(row: ImageRow): boolean;
  openContainer(row: ContainerRow): boolean;
  /** Read the open container's copy-on-write layer again, in the background. */
  reloadContainer(): void;
  /** Stop the image being read and forget it. */
  closeImage(): void;
  listImages(): void;
  /** Ask for the containers; `again`: even when asked already. */
  listContainers(again: boolean): void;
  loadShared(): void;
  /** One blank frame, then the real one (after a resume, every line is drawn again). */
  redraw(): void;
}

export function runEffect(eff: Effect, env: EffectEnv): void {
  if (!eff) return;
  switch (eff.type) {
    case 'quit':
      env.quit(eff.code);
      return;
    case 'open':
      if (env.openImage(eff.row)) env.apply(openedState(env.state()));
      return;
    case 'openContainer':
      if (env.openContainer(eff.row)) env.apply(openedState(env.state()));
      return;
    case 'reloadContainer':
      env.reloadContainer();
      return;
    case 'suspend': {
      const ok = env.terminal?.suspend(env.redraw);
      const flash = 'cannot suspend: no shell with job control started strata';
      if (ok === false) env.apply({ ...env.state(), flash });
      return;
    }
    case 'mouse':
      env.terminal?.mouse(eff.on);
      return;
    case 'copy':
      env.terminal?.write(osc52(eff.text));
      return;
    case 'back':
      env.closeImage();
      env.apply(backToList(env.state()));
      return;
    case 'refresh': {
      const s = env.state();
      if (s.screen === 'shared') env.loadShared();
      else if (s.listKind === 'containers') env.listContainers(true);
      else env.listImages();
      return;
    }
    case 'containers':
      env.listContainers(false);
      return;
    case 'shared':
      env.loadShared();
      return;
    case 'view':
      readView(env, eff.token, eff.path, eff.layer);
      return;
    case 'compare':
      compareVersions(env, eff.token, eff.path);
      return;
    case 'save':
      saveVersion(env, eff.token, eff.target);
      return;
  }
}

/** What a slow file read is doing, at most every 100 ms, for the view with this token. */
function progressFor(env: EffectEnv, token: number): (text: string) => void {
  let last = 0;
  return (text: string) => {
    const now = Date.now();
    if (now - last < 100) return;
    last = now;
    const s = env.state();
    if (s.view?.token === token) env.apply({ ...s, view: viewProgress(s.view, text) });
  };
}

function readView(env: EffectEnv, token: number, path: string, layer: number): void {
  const img = env.ctx().model?.img;
  const done = (r: ViewResult) => {
    const s = env.state();
    if (s.view?.token === token) env.apply({ ...s, view: viewLoaded(s.view, r) });
  };
  if (!img) return;
  let version: FileVersion;
  try {
    version = versionAt(img, path, layer);
  } catch (err) {
    done({ ok: false, version: null, error: describeError(err).message });
    return;
  }
  const s = env.state();
  if (s.view?.token === token) env.apply({ ...s, view: viewVersion(s.view, version) });
  if (isContainerLayer(img, version.layer)) {
    // The changes API gives paths and sizes only; the bytes live in the container, not in any image blob.
    const error = "a container's own files cannot be read back yet (the Engine reports their paths and sizes only)";
    done({ ok: false, version, error });
    return;
  }
  readVersionHead(img, version, VIEW_MAX_BYTES, { progress: progressFor(env, token) }).then(
    (r) => {
      done({ ok: true, version, bytes: r.bytes, truncated: r.truncated });
      prefetchOlderVersions(img);
    },
    (err) => done({ ok: false, version, error: describeError(err).message }),
  );
}

function compareVersions(env: EffectEnv, token: number, path: string): void {
  const d = env.ctx().diff;
  if (!d) return;
  const side = async (img: LoadedImage): Promise<CompareSide> => {
    let v: FileVersion;
    try {
      v = versionAt(img, path);
    } catch (err) {
      return { bytes: null, size: 0, sha256: null, truncated: false, note: describeError(err).message };
    }
    const r = await readHeadAndDigest(img, v, VIEW_MAX_BYTES);
    return { bytes: r.bytes, size: v.size, sha256: r.sha256, truncated: r.truncated };
  };
  Promise.all([side(d.a), side(d.b)]).then(
    ([a, b]) => {
      const s = env.state();
      if (s.compare?.token !== token) return;
      env.apply({ ...s, compare: compareLoaded(s.compare, a, b, displayName(path)) });
    },
    (err) => {
      const s = env.state();
      if (s.compare?.token !== token) return;
      env.apply({ ...s, compare: compareFailed(s.compare, describeError(err).message) });
    },
  );
}

function saveVersion(env: EffectEnv, token: number, typed: string): void {
  const img = env.ctx().model?.img;
  const version = env.state().view?.version;
  const shown = env.state().view?.path ?? '';
  const done = (r: { ok: boolean; text: string }) => {
    const s = env.state();
    if (s.view?.token === token) env.apply({ ...s, view: viewSaved(s.view, r) });
  };
  if (!img || !version) return;
  if (isContainerLayer(img, version.layer)) {
    done({ ok: false, text: "not saved: a container's own files cannot be read back yet" });
    return;
  }
  // The one shell convenience users expect in a path prompt.
  const target = typed === '~' || typed.startsWith('~/') ? os.homedir() + typed.slice(1) : typed;
  extractTo(img, version, target, { progress: progressFor(env, token) }).then(
    (written) =>
      done({
        ok: true,
        text: `saved ${displayName(shown)} (L${version.layer}, ${version.size} B) to ${safe(written)}`,
      }),
    (err) => done({ ok: false, text: `not saved: ${safe(describeError(err).message)}` }),
  );
}
