/**
 * The root state and the one input router's pure half: a key becomes a command through the keymap
 * (scopes tried in priority order: prompt or help first, then the active pane, then global), and
 * the command goes to the reducer of the pane it belongs to. Side effects (quit, open an image,
 * back to the list, reload) are returned as an Effect for the shell (App.tsx) to carry out.
 */
import { lookup, lookupAnywhere, type Command, type Scope } from '../keymap.js';
import { computeLayout, contentColumns, contentRows, PANES, type Layout, type PaneId, type Size } from '../layout.js';
import { NO_FILTERS, type ChangeFilter } from '../../model/tree-filters.js';
import type { TreeRows } from '../../model/tree-rows.js';
import { clampList, listAction, reduceList, LIST0, type ListState } from './list.js';
import { reduceTree, treeWindow, TREE0, type TreeAction, type TreeState } from './tree.js';
import type { ImageModel, Step, TreeQuery } from './image-view.js';
import type { ImageRow } from './images.js';
import { detailLines } from '../present/details.js';
import { helpLines } from '../keymap.js';
import { parseSize } from '../present/text.js';
import { displayName } from '../../model/names.js';
import { K_REMOVED } from '../../model/changes.js';
import type { ContainerRow } from './containers.js';
import { openCompare, scrollCompare, type CompareState } from './compare.js';
import { diffFiles } from './diff.js';
import { findPath, largestFiles, largestListRows, LARGEST0, type LargestState } from './largest.js';
import { toggleExpand, wastePairs, wasteStepRows, WASTE_VIEW0, type WasteViewState } from './waste-steps.js';
import {
  openView,
  scrollView,
  viewRows,
  VIEW_HEADER_ROWS,
  type FileViewState,
  type ScrollAction,
} from './file-view.js';
import { SHARED0, type SharedState } from './shared-layers.js';
import { DIFF0, type DiffModel, type DiffState } from './diff.js';
import { diffCommand, diffHeights, listCommand, sharedCommand } from './screens.js';
import { ADVICE0, adviceBox, reduceAdvice, type AdviceState } from './advice.js';
import type { SharedReport } from '../../sources/engine/shared-layers.js';
import { ANYWHERE_FOCUS, compileRegex, searchHidden } from './anywhere.js';

export type PromptKind = 'search' | 'path' | 'regex' | 'size' | 'images' | 'save' | 'diff' | 'goto';

export interface Prompt {
  kind: PromptKind;
  text: string;
  /** State to restore on Esc. */
  savedTree?: TreeState;
  savedFilter?: string;
  error?: string;
}

export type Screen = 'images' | 'image' | 'shared' | 'diff';

export interface AppState {
  screen: Screen;
  /** The image was opened from the image list (b goes back). */
  fromList: boolean;
  focus: PaneId;
  lastBottom: Exclude<PaneId, 'layers'>;
  help: { open: boolean; offset: number };
  prompt: Prompt | null;
  images: ListState;
  imageFilter: string;
  layers: ListState;
  tree: TreeState;
  waste: ListState;
  details: ListState;
  /** A one-line notice (e.g. why the image list is not shown). */
  notice: string | null;
  /** The list screen shows images or containers (`c` switches). */
  listKind: 'images' | 'containers';
  containers: ListState;
  /** The file view, open over the image screen. */
  view: FileViewState | null;
  /** The Advice view, open over the image screen's panes. */
  advice: AdviceState;
  /** Both versions of a file of an image diff, open over the diff screen. */
  compare?: CompareState | null;
  /** The largest files of the final image, open over the panes. */
  largest?: LargestState;
  /** The Waste pane: grouped by step pair or flat, and the open pair. */
  wasteView?: WasteViewState;
  shared: SharedState;
  diff: DiffState;
  /** Mouse reporting on (wheel and click reach the app; off: the terminal selects text). */
  mouse: boolean;
  /** The tree's attribute columns (mode, owner) shown. */
  attrs: boolean;
  /** A one-line confirmation in the status line (copied, suspended ...), until the next key. */
  flash: string | null;
}

export type Effect =
  /** Quit; `code` overrides the exit status (Ctrl+C: 130, as for SIGINT). */
  | { type: 'quit'; code?: number }
  /** Ctrl+Z: stop the process (SIGTSTP) with the terminal restored; redraw on SIGCONT. */
  | { type: 'suspend' }
  /** Turn mouse reporting on or off in the terminal. */
  | { type: 'mouse'; on: boolean }
  /** Put text on the clipboard through the terminal (OSC 52). */
  | { type: 'copy'; text: string }
  | { type: 'open'; row: ImageRow }
  | { type: 'openContainer'; row: ContainerRow }
  | { type: 'back' }
  | { type: 'refresh' }
  /** Ask the Engine for its containers (when not asked yet). */
  | { type: 'containers' }
  /** Ask the Engine for the shared-layers report. */
  | { type: 'shared' }
  /** Read the version of `path` visible at `layer` for the view with this token. */
  | { type: 'view'; token: number; path: string; layer: number }
  /** Save the viewed version to `target` (a path typed by the user). */
  | { type: 'save'; token: number; target: string }
  /** Read the open container's copy-on-write layer again, keeping the screen's state. */
  | { type: 'reloadContainer' }
  /** Read both versions of `path` in the two images of the diff. */
  | { type: 'compare'; token: number; path: string }
  | null;

export function initialState(screen: Screen, notice: string | null = null): AppState {
  return {
    screen,
    fromList: false,
    focus: 'layers',
    lastBottom: 'tree',
    help: { open: false, offset: 0 },
    prompt: null,
    images: LIST0,
    imageFilter: '',
    layers: LIST0,
    tree: TREE0,
    waste: LIST0,
    details: LIST0,
    notice,
    listKind: 'images',
    containers: LIST0,
    view: null,
    advice: ADVICE0,
    wasteView: WASTE_VIEW0,
    shared: SHARED0,
    diff: DIFF0,
    mouse: true,
    attrs: true,
    flash: null,
  };
}

/** The state on opening an image or a container from the list: the list's place is kept for `b`. */
export function openedState(s: AppState): AppState {
  const list = { imageFilter: s.imageFilter, images: s.images, listKind: s.listKind, containers: s.containers };
  return { ...initialState('image', s.notice), ...prefsOf(s), fromList: true, ...list };
}

/** Back to the list from an image or the shared view, where it was left. */
export function backToList(s: AppState): AppState {
  const list = { imageFilter: s.imageFilter, images: s.images, listKind: s.listKind, containers: s.containers };
  return { ...initialState('images', null), ...prefsOf(s), ...list };
}

/** What stays from screen to screen: the user's preferences and the tree's view settings. */
function prefsOf(s: AppState): Pick<AppState, 'mouse' | 'attrs'> & { tree: TreeState } {
  const filters = { ...NO_FILTERS, hidden: s.tree.filters.hidden };
  return { mouse: s.mouse, attrs: s.attrs, tree: { ...TREE0, mode: s.tree.mode, sort: s.tree.sort, filters } };
}

/** What the reducer may read about the world: pure derivations of the state. */
export interface AppCtx {
  size: Size;
  model: ImageModel | null;
  images: ImageRow[];
  containers?: ContainerRow[];
  shared?: SharedReport | null;
  diff?: DiffModel | null;
}

export function layoutOf(s: AppState, ctx: AppCtx): Layout {
  return computeLayout(ctx.size, s.focus, s.lastBottom);
}

export function stepsOf(ctx: AppCtx): Step[] {
  return ctx.model?.steps() ?? [];
}

export function selectedStep(s: AppState, ctx: AppCtx): Step | undefined {
  const steps = stepsOf(ctx);
  return steps[Math.min(s.layers.cursor, steps.length - 1)];
}

export function treeQuery(s: AppState, ctx: AppCtx): TreeQuery | null {
  const step = selectedStep(s, ctx);
  if (!step || step.layer < 0) return null;
  const t = s.tree;
  // A metadata-only step (ENV, CMD ...) changes no files: no layer changes to show.
  if (step.kind === 'meta' && t.mode === 'layer') return null;
  return { layer: step.layer, mode: t.mode, sort: t.sort, filters: t.filters, expansion: t };
}

export function treeRows(s: AppState, ctx: AppCtx): TreeRows | null {
  const q = treeQuery(s, ctx);
  return q && ctx.model ? ctx.model.rows(q) : null;
}

/** Rows of the pane area a pane shows (narrow layouts show one of tree/waste/details). */
export function paneHeight(s: AppState, ctx: AppCtx, pane: PaneId): number {
  const l = layoutOf(s, ctx);
  if (pane === 'waste') return Math.max(1, contentRows(l.panes.waste) - 2); // two summary lines
  return contentRows(
    l.panes[pane] ?? l.panes[l.kind === 'narrow' ? (s.focus === 'layers' ? s.lastBottom : s.focus) : pane],
  );
}

export function paneWidth(s: AppState, ctx: AppCtx, pane: PaneId): number {
  const l = layoutOf(s, ctx);
  return contentColumns(l.panes[pane] ?? { width: ctx.size.columns, height: 3 });
}

export function detailCount(s: AppState, ctx: AppCtx): number {
  if (!ctx.model) return 0;
  const step = selectedStep(s, ctx);
  const sel = step && step.layer >= 0 ? { path: s.tree.cursorPath, layer: step.layer } : null;
  return detailLines(ctx.model.img, step, paneWidth(s, ctx, 'details'), sel).length;
}

function treeCtx(s: AppState, ctx: AppCtx) {
  const q = treeQuery(s, ctx);
  return {
    rows: treeRows(s, ctx),
    height: paneHeight(s, ctx, 'tree'),
    order: () => (q && ctx.model ? ctx.model.order(q) : null),
    matches: (query: string) => (q && ctx.model ? ctx.model.matches(q, query) : []),
  };
}

function tree(s: AppState, a: TreeAction, ctx: AppCtx): AppState {
  const t = reduceTree(s.tree, a, treeCtx(s, ctx));
  return t === s.tree ? s : { ...s, tree: t };
}

/** Which keymap scopes are active, highest priority first. */
export function activeScopes(s: AppState): Scope[] {
  if (s.prompt) return ['prompt'];
  if (s.help.open) return ['help', 'list', 'global'];
  if (s.screen === 'images') return ['images', 'list', 'global'];
  if (s.screen === 'shared') return ['shared', 'list', 'global'];
  if (s.screen === 'diff') return s.compare ? ['compare', 'list', 'global'] : ['diff', 'list', 'global'];
  // The file view covers the panes: pane keys (Tab, 1-4, [ ]) would move what cannot be seen.
  if (s.view) return ['view', 'list'];
  if (s.advice.open) return ['advice', 'list', 'global'];
  if (s.largest?.open) return ['largest', 'list', 'global'];
  return [s.focus, 'list', 'global'];
}

const HIDE: Partial<Record<Command, ChangeFilter>> = {
  hideAdded: 'added',
  hideModified: 'modified',
  hideRemoved: 'removed',
  hideUnchanged: 'unchanged',
  hideUntouched: 'untouched',
};

const PANE_CMD: Partial<Record<Command, PaneId>> = {
  paneLayers: 'layers',
  paneTree: 'tree',
  paneWaste: 'waste',
  paneDetails: 'details',
};

function focus(s: AppState, pane: PaneId): AppState {
  return { ...s, focus: pane, lastBottom: pane === 'layers' ? s.lastBottom : pane };
}

/** Move the layer selection; the tree follows. */
function moveLayers(s: AppState, a: Parameters<typeof reduceList>[1], ctx: AppCtx): AppState {
  const layers = reduceList(s.layers, a, stepsOf(ctx).length, paneHeight(s, ctx, 'layers'));
  return layers === s.layers ? s : { ...s, layers, details: LIST0 };
}

/** Feed one key (already named by keyName) to the router. */
export function handleKey(s0: AppState, name: string, text: string, ctx: AppCtx): [AppState, Effect] {
  if (name === 'ctrl+c') return [s0, { type: 'quit', code: 130 }];
  // A notice stays up until the first key.
  const s = s0.notice || s0.flash ? { ...s0, notice: null, flash: null } : s0;
  let cmd = lookup(activeScopes(s), name);
  // dive's habit: tree keys (filter, aggregate, sort ...) work from every pane of the image screen.
  const covered = s.help.open || !!s.view || s.advice.open || !!s.largest?.open;
  const panes = s.screen === 'image' && !covered && ctx.model;
  if (!cmd && !s.prompt && panes) cmd = lookupAnywhere(name);
  if (s.prompt) {
    if (cmd) return command(s, cmd, ctx);
    // Printable text goes into the prompt (a paste arrives as one string).
    // eslint-disable-next-line no-control-regex
    if (text && !/[\u0000-\u001f\u007f]/.test(text)) return [promptText(s, s.prompt.text + text, ctx), null];
    return [s, null];
  }
  if (!cmd) return [s, null];
  return command(s, cmd, ctx);
}

function promptText(s: AppState, text: string, ctx: AppCtx): AppState {
  const p = s.prompt!;
  const next: AppState = { ...s, prompt: { ...p, text, error: undefined } };
  switch (p.kind) {
    case 'search': {
      const saved = p.savedTree ?? s.tree;
      const base = { ...next, tree: saved };
      return tree(base, { type: 'search', query: text, from: saved.cursorPath }, ctx);
    }
    case 'path':
      return tree(next, { type: 'filters', filters: { ...s.tree.filters, path: text } }, ctx);
    case 'regex': {
      const bad = compileRegex(text);
      if (bad) return { ...next, prompt: { ...next.prompt!, error: bad } };
      return tree(next, { type: 'filters', filters: { ...s.tree.filters, regex: text || undefined } }, ctx);
    }
    case 'images':
      return { ...next, imageFilter: text, images: LIST0, containers: LIST0 };
    case 'diff':
      return { ...next, diff: { ...s.diff, filter: text, files: LIST0 } };
    case 'size':
    case 'save':
    case 'goto':
      return next;
  }
}

export function command(s: AppState, cmd: Command, ctx: AppCtx): [AppState, Effect] {
  // Prompts.
  if (s.prompt) {
    const p = s.prompt;
    switch (cmd) {
      case 'erase':
        return [promptText(s, p.text.slice(0, -1), ctx), null];
      case 'clearPrompt':
        return [promptText(s, '', ctx), null];
      case 'cancel': {
        const back: AppState = { ...s, prompt: null };
        if (p.kind === 'images') return [{ ...back, imageFilter: p.savedFilter ?? '' }, null];
        if (p.kind === 'diff') return [{ ...back, diff: { ...s.diff, filter: p.savedFilter ?? '' } }, null];
        if (p.savedTree) return [{ ...back, tree: p.savedTree }, null];
        return [back, null];
      }
      case 'accept': {
        if (p.kind === 'size') {
          const v = p.text.trim() === '' ? 0 : parseSize(p.text);
          if (v === null) return [{ ...s, prompt: { ...p, error: 'not a size (try 10k, 1.5M, 2G)' } }, null];
          return [
            tree({ ...s, prompt: null }, { type: 'filters', filters: { ...s.tree.filters, minSize: v } }, ctx),
            null,
          ];
        }
        if (p.kind === 'goto') {
          const hit = ctx.model ? findPath(ctx.model.img.analysis, p.text) : null;
          if (!hit) return [{ ...s, prompt: { ...p, error: 'no such path or name' } }, null];
          const off = { ...s, prompt: null, advice: { ...s.advice, open: false }, largest: LARGEST0 };
          return [jumpTo(off, hit.path, hit.layer, ctx), null];
        }
        if (p.kind === 'regex' && compileRegex(p.text)) return [s, null];
        if (p.kind === 'search' && p.text !== '') {
          // Matches only among paths the filters hide: lift the filters to show them, and say so.
          const hidden = searchHidden(s, ctx, p.text);
          if (hidden.visible === 0 && hidden.hidden > 0) {
            const open = { ...s, prompt: null, tree: { ...s.tree, filters: NO_FILTERS } };
            const lifted = tree(open, { type: 'search', query: p.text, from: -1 }, ctx);
            const n = `${hidden.hidden} match${hidden.hidden === 1 ? '' : 'es'}`;
            return [{ ...lifted, flash: `filters cleared: ${n} were hidden by them` }, null];
          }
        }
        if (p.kind === 'save') {
          const target = p.text.trim();
          if (!target) return [{ ...s, prompt: { ...p, error: 'type a path' } }, null];
          if (!s.view) return [{ ...s, prompt: null }, null];
          return [
            { ...s, prompt: null, view: { ...s.view, saving: true, saved: null } },
            { type: 'save', token: s.view.token, target },
          ];
        }
        return [{ ...s, prompt: null }, null];
      }
      default:
        return [s, null];
    }
  }

  // Help overlay.
  if (s.help.open) {
    if (cmd === 'closeHelp' || cmd === 'help') return [{ ...s, help: { open: false, offset: 0 } }, null];
    const la = listAction(cmd);
    if (la) {
      const h = Math.max(1, ctx.size.rows - 6);
      const count = helpLines().length;
      const next = reduceList(
        { cursor: s.help.offset, offset: s.help.offset },
        la.type === 'move' ? { type: 'set', index: s.help.offset + la.delta } : la,
        count,
        1,
      );
      return [{ ...s, help: { open: true, offset: Math.max(0, Math.min(next.cursor, Math.max(0, count - h))) } }, null];
    }
    if (cmd === 'quit') return [s, { type: 'quit' }];
    return [s, null];
  }

  switch (cmd) {
    case 'quit':
      return [s, { type: 'quit' }];
    case 'suspend':
      return [s, { type: 'suspend' }];
    case 'toggleMouse':
      return [
        { ...s, mouse: !s.mouse, flash: s.mouse ? 'mouse off: the terminal selects text' : 'mouse on' },
        { type: 'mouse', on: !s.mouse },
      ];
    case 'help':
      return [{ ...s, help: { open: true, offset: 0 } }, null];
    case 'back':
      return (s.screen === 'image' && s.fromList) || s.screen === 'shared' ? [s, { type: 'back' }] : [s, null];
    default:
      break;
  }

  if (s.screen === 'images') return listCommand(s, cmd, ctx);
  if (s.screen === 'shared') return [sharedCommand(s, cmd, ctx), cmd === 'refresh' ? { type: 'refresh' } : null];
  if (s.screen === 'diff') return diffScreenCommand(s, cmd, ctx);
  if (s.view) return viewCommand(s, s.view, cmd, ctx);

  // The image screen.
  if (cmd === 'reloadContainer') return [s, { type: 'reloadContainer' }];
  if (cmd === 'goto') return [ctx.model ? { ...s, prompt: { kind: 'goto', text: '' } } : s, null];
  if (cmd === 'largest') {
    const open = !s.largest?.open;
    if (!ctx.model) return [s, null];
    return [{ ...s, largest: { ...(s.largest ?? LARGEST0), open }, advice: { ...s.advice, open: false } }, null];
  }
  if (s.largest?.open && !s.advice.open) {
    const rows = ctx.model ? largestFiles(ctx.model.img.analysis) : [];
    const h = largestListRows(ctx.size);
    const la = listAction(cmd);
    if (la) return [{ ...s, largest: { ...s.largest, list: reduceList(s.largest.list, la, rows.length, h) } }, null];
    if (cmd === 'closeLargest') return [{ ...s, largest: { ...s.largest, open: false } }, null];
    if (cmd === 'jump') {
      const r = rows[clampList(s.largest.list, rows.length, h).cursor];
      return r ? [jumpTo({ ...s, largest: { ...s.largest, open: false } }, r.path, r.layer, ctx), null] : [s, null];
    }
    // Pane keys leave the view for that pane; anything else stays in it.
    if (cmd !== 'nextPane' && cmd !== 'prevPane' && !PANE_CMD[cmd] && cmd !== 'advice') return [s, null];
    s = { ...s, largest: { ...s.largest, open: false } };
  }
  if (cmd === 'advice') return [ctx.model ? { ...s, advice: { ...s.advice, open: !s.advice.open } } : s, null];
  if (s.advice.open) {
    const advice = ctx.model?.advice();
    const out = advice ? reduceAdvice(s.advice, cmd, advice, adviceBox(ctx.size).listRows) : null;
    if (out && 'jump' in out) return [jumpTo({ ...s, advice: out.state }, out.jump.path, out.jump.layer, ctx), null];
    if (out) return [{ ...s, advice: out.state }, null];
    // Pane keys leave the view for that pane; anything else stays in it.
    if (cmd !== 'nextPane' && cmd !== 'prevPane' && !PANE_CMD[cmd]) return [s, null];
    s = { ...s, advice: { ...s.advice, open: false } };
  }
  if (cmd === 'nextPane' || cmd === 'prevPane') {
    const i = PANES.indexOf(s.focus);
    const d = cmd === 'nextPane' ? 1 : PANES.length - 1;
    return [focus(s, PANES[(i + d) % PANES.length]), null];
  }
  const pane = PANE_CMD[cmd];
  if (pane) return [focus(s, pane), null];
  if (cmd === 'copyPath') return copySelected(s, ctx);
  // A tree key pressed in another pane acts on the tree; prompts and the file view move there.
  if (s.focus !== 'tree' && ANYWHERE_FOCUS.has(cmd)) s = focus(s, 'tree');
  if (cmd === 'prevLayer') return [moveLayers(s, { type: 'move', delta: -1 }, ctx), null];
  if (cmd === 'nextLayer') return [moveLayers(s, { type: 'move', delta: 1 }, ctx), null];

  const la = listAction(cmd);
  switch (s.focus) {
    case 'layers':
      if (la) return [moveLayers(s, la, ctx), null];
      if (cmd === 'open') return [focus(s, 'tree'), null];
      if (cmd === 'aggregatedView' || cmd === 'layerView') {
        const mode = cmd === 'aggregatedView' ? 'aggregated' : 'layer';
        return [s.tree.mode === mode ? s : tree(s, { type: 'mode' }, ctx), null];
      }
      return [treeCommand(s, cmd, ctx), null];
    case 'details':
      if (la) {
        // Details scroll: the cursor is the first line shown.
        const h = paneHeight(s, ctx, 'details');
        const count = detailCount(s, ctx);
        const max = Math.max(0, count - h);
        const delta =
          la.type === 'move' ? la.delta : la.type === 'page' ? la.dir * h : la.type === 'home' ? -Infinity : Infinity;
        const top = Math.max(0, Math.min(max, s.details.offset + delta));
        return [{ ...s, details: { cursor: top, offset: top } }, null];
      }
      return [treeCommand(s, cmd, ctx), null];
    case 'waste': {
      if (cmd === 'wasteGroup') {
        const wv = s.wasteView ?? WASTE_VIEW0;
        return [{ ...s, wasteView: { ...wv, grouped: !wv.grouped }, waste: LIST0 }, null];
      }
      if ((s.wasteView ?? WASTE_VIEW0).grouped) return wasteStepCommand(s, cmd, ctx);
      const list = ctx.model?.wasted() ?? [];
      if (la) return [{ ...s, waste: reduceList(s.waste, la, list.length, paneHeight(s, ctx, 'waste')) }, null];
      if (cmd === 'jump') {
        const w = list[clampList(s.waste, list.length, paneHeight(s, ctx, 'waste')).cursor];
        return w ? [jumpTo(s, w.pathId, w.hiddenBy.layer, ctx), null] : [s, null];
      }
      return [treeCommand(s, cmd, ctx), null];
    }
    case 'tree':
      if (cmd === 'view' || cmd === 'toggleDir') return viewSelected(s, cmd, ctx);
      return [treeCommand(s, cmd, ctx), null];
  }
}

/** The file view's content box: the whole pane area minus borders and the two summary lines. */
export function viewBox(ctx: AppCtx): { width: number; height: number } {
  const l = computeLayout(ctx.size, 'layers', 'tree');
  return { width: Math.max(1, ctx.size.columns - 2), height: Math.max(1, l.mainRows - 2 - VIEW_HEADER_ROWS) };
}

function scrollOf(la: NonNullable<ReturnType<typeof listAction>>): ScrollAction | null {
  return la.type === 'set' ? null : la;
}

function viewCommand(s: AppState, v: FileViewState, cmd: Command, ctx: AppCtx): [AppState, Effect] {
  const box = viewBox(ctx);
  const la = listAction(cmd);
  const sa = la ? scrollOf(la) : null;
  if (sa) return [{ ...s, view: scrollView(v, sa, viewRows(v, box.width).count, box.height) }, null];
  switch (cmd) {
    case 'closeView':
      return [{ ...s, view: null }, null];
    case 'help':
      return [{ ...s, help: { open: true, offset: 0 } }, null];
    case 'toggleHex':
      return v.bytes ? [{ ...s, view: { ...v, hex: !v.hex, top: 0 } }, null] : [s, null];
    case 'toggleWrap': {
      if (v.hex) return [s, null];
      // Keep the line at the top of the screen at the top.
      const before = viewRows(v, box.width);
      let line = 0;
      for (let i = Math.min(v.top, before.count - 1); i >= 0; i--) {
        const n = before.row(i).num;
        if (n) {
          line = Number(n) - 1;
          break;
        }
      }
      const next = { ...v, wrap: !v.wrap, top: 0 };
      const after = viewRows(next, box.width);
      let top = line;
      if (next.wrap) for (top = 0; top < after.count && after.row(top).num !== String(line + 1); top++);
      return [{ ...s, view: scrollView({ ...next, top }, { type: 'move', delta: 0 }, after.count, box.height) }, null];
    }
    case 'save': {
      if (!v.version || v.saving) return [s, null];
      // Named after the path the user chose (a hard link's data may live under another name), in
      // the current directory: a prompt the user sees, edits, confirms with Enter or leaves with Esc.
      const base = v.path.slice(v.path.lastIndexOf('/') + 1);
      return [{ ...s, prompt: { kind: 'save', text: `./${displayName(base)}` } }, null];
    }
    default:
      return [s, null];
  }
}

/** `v` (or Enter on a file) in the tree: open the view of the file under the cursor. */
function viewSelected(s: AppState, cmd: Command, ctx: AppCtx): [AppState, Effect] {
  const rows = treeRows(s, ctx);
  const step = selectedStep(s, ctx);
  if (!rows || rows.ids.length === 0 || !step || step.layer < 0)
    return [cmd === 'toggleDir' ? treeCommand(s, cmd, ctx) : s, null];
  const cur = rows.ids[treeWindow(s.tree, rows, paneHeight(s, ctx, 'tree')).cursor];
  if (rows.index.dir[cur]) return [cmd === 'toggleDir' ? treeCommand(s, cmd, ctx) : s, null];
  const path = rows.index.table.path(cur);
  let layer = step.layer;
  let note: string | null = null;
  // A path removed by this layer has no version here: show the one the removal hid.
  if (rows.index.change(cur) === K_REMOVED && layer > 0) {
    note = `removed in L${layer}: showing the version below it`;
    layer -= 1;
  }
  const view = openView(path, layer, note);
  return [
    { ...s, view },
    { type: 'view', token: view.token, path, layer },
  ];
}

function treeCommand(s: AppState, cmd: Command, ctx: AppCtx): AppState {
  const la = listAction(cmd);
  if (la) return tree(s, { type: 'list', action: la }, ctx);
  const kind = HIDE[cmd];
  if (kind) return tree(s, { type: 'hide', kind }, ctx);
  switch (cmd) {
    case 'toggleDir':
      return tree(s, { type: 'toggle' }, ctx);
    case 'collapse':
      return tree(s, { type: 'collapse' }, ctx);
    case 'expand':
      return tree(s, { type: 'expand' }, ctx);
    case 'expandAll':
      return tree(s, { type: 'expandAll' }, ctx);
    case 'collapseAll':
      return tree(s, { type: 'collapseAll' }, ctx);
    case 'toggleMode':
      return tree(s, { type: 'mode' }, ctx);
    case 'toggleSort':
      return tree(s, { type: 'sort' }, ctx);
    case 'search':
      return { ...s, prompt: { kind: 'search', text: '', savedTree: s.tree } };
    case 'searchNext':
      return tree(s, { type: 'searchStep', dir: 1 }, ctx);
    case 'searchPrev':
      return tree(s, { type: 'searchStep', dir: -1 }, ctx);
    case 'clearSearch':
      return s.tree.search ? { ...s, tree: { ...s.tree, search: '' } } : s;
    case 'pathFilter':
      return { ...s, prompt: { kind: 'path', text: s.tree.filters.path, savedTree: s.tree } };
    case 'regexFilter':
      return { ...s, prompt: { kind: 'regex', text: s.tree.filters.regex ?? '', savedTree: s.tree } };
    case 'toggleAttrs':
      return { ...s, attrs: !s.attrs };
    case 'sizeFilter':
      return { ...s, prompt: { kind: 'size', text: s.tree.filters.minSize ? String(s.tree.filters.minSize) : '' } };
    case 'clearFilters':
      return tree(s, { type: 'filters', filters: NO_FILTERS }, ctx);
    default:
      return s;
  }
}

/** Click on a pane's row (0-based, within its content): focus the pane and select the row. */
export function selectRow(s0: AppState, pane: PaneId, line: number, ctx: AppCtx): AppState {
  const s = focus(s0, pane);
  const h = paneHeight(s, ctx, pane);
  switch (pane) {
    case 'layers':
      return moveLayers(s, { type: 'set', index: clampList(s.layers, stepsOf(ctx).length, h).offset + line }, ctx);
    case 'tree': {
      const rows = treeRows(s, ctx);
      if (!rows || rows.ids.length === 0) return s;
      return tree(s, { type: 'list', action: { type: 'set', index: treeWindow(s.tree, rows, h).offset + line } }, ctx);
    }
    case 'waste': {
      // Two summary lines sit above the rows.
      if (line < 2) return s;
      const grouped = (s.wasteView ?? WASTE_VIEW0).grouped;
      const pairs = grouped && ctx.model ? wastePairs(ctx.model.img.analysis) : [];
      const n = grouped
        ? wasteStepRows(pairs, (s.wasteView ?? WASTE_VIEW0).expanded).length
        : (ctx.model?.wasted().length ?? 0);
      const index = clampList(s.waste, n, h).offset + line - 2;
      return { ...s, waste: reduceList(s.waste, { type: 'set', index }, n, h) };
    }
    default:
      return s;
  }
}

/** The path under the tree cursor to the clipboard (its display form), with a confirmation. */
function copySelected(s: AppState, ctx: AppCtx): [AppState, Effect] {
  const rows = treeRows(s, ctx);
  if (!rows || rows.ids.length === 0) return [{ ...s, flash: 'nothing selected to copy' }, null];
  const p = rows.ids[treeWindow(s.tree, rows, paneHeight(s, ctx, 'tree')).cursor];
  const text = displayName(rows.index.table.path(p));
  return [
    { ...s, flash: `copied ${text} to the clipboard (OSC 52)` },
    { type: 'copy', text },
  ];
}

/** Rows the comparison of two versions shows (the diff screen less its borders and two header lines). */
export function compareRows(ctx: AppCtx): number {
  return Math.max(1, computeLayout(ctx.size, 'layers', 'tree').mainRows - 2);
}

/** The diff screen: Enter or v on a file opens both versions; the comparison scrolls and closes. */
function diffScreenCommand(s: AppState, cmd: Command, ctx: AppCtx): [AppState, Effect] {
  const c = s.compare;
  if (c) {
    const la = listAction(cmd);
    const h = compareRows(ctx);
    if (cmd === 'closeView') return [{ ...s, compare: null }, null];
    if (la) {
      const page = la.type === 'page' ? la.dir * h : la.type === 'home' ? -Infinity : Infinity;
      return [{ ...s, compare: scrollCompare(c, la.type === 'move' ? la.delta : page, h) }, null];
    }
    return [s, null];
  }
  if (cmd === 'view' && ctx.diff && s.diff.focus === 'files') {
    const files = diffFiles(ctx.diff.diff, s.diff.filter);
    const hs = diffHeights(ctx);
    const f = files[clampList(s.diff.files, files.length, hs.files - 3).cursor];
    if (!f || f.type === 'dir') return [s, null];
    const open = openCompare(f.path);
    return [
      { ...s, compare: open },
      { type: 'compare', token: open.token, path: f.path },
    ];
  }
  return [diffCommand(s, cmd, ctx), null];
}

/** The Waste pane grouped by step pair: move, open a pair's paths, jump to a path. */
function wasteStepCommand(s: AppState, cmd: Command, ctx: AppCtx): [AppState, Effect] {
  const v = s.wasteView ?? WASTE_VIEW0;
  const pairs = ctx.model ? wastePairs(ctx.model.img.analysis) : [];
  const rows = wasteStepRows(pairs, v.expanded);
  const h = paneHeight(s, ctx, 'waste');
  const la = listAction(cmd);
  if (la) return [{ ...s, waste: reduceList(s.waste, la, rows.length, h) }, null];
  const how = cmd === 'toggleDir' ? 'toggle' : cmd === 'expand' ? 'open' : cmd === 'collapse' ? 'close' : null;
  // The tree keys that work from every pane (a, s, filters ...) act on the tree here too.
  if (!how && cmd !== 'jump') return [treeCommand(s, cmd, ctx), null];
  const cursor = clampList(s.waste, rows.length, h).cursor;
  const r = rows[cursor];
  if (!r) return [s, null];
  if (how || (cmd === 'jump' && r.target < 0)) {
    const t = toggleExpand(v, rows, cursor, how ?? 'toggle');
    const n = wasteStepRows(pairs, t.view.expanded).length;
    return [{ ...s, wasteView: t.view, waste: clampList({ ...s.waste, cursor: t.cursor }, n, h) }, null];
  }
  if (cmd === 'jump') {
    const target = pairs[r.pair].targets[r.target];
    return target ? [jumpTo(s, target.path, target.layer, ctx), null] : [s, null];
  }
  return [s, null];
}

/** Show `path` in the tree at `layer`: select that layer's step, clear filters that hide it, reveal it. */
export function jumpTo(s: AppState, path: number, layer: number, ctx: AppCtx): AppState {
  const steps = stepsOf(ctx);
  const step = steps.find((x) => x.kind === 'layer' && x.layer === layer);
  if (!step) return s;
  let next: AppState = focus(
    {
      ...s,
      layers: clampList({ ...s.layers, cursor: step.index }, steps.length, paneHeight(s, ctx, 'layers')),
      details: LIST0,
      tree: { ...s.tree, mode: 'layer' },
    },
    'tree',
  );
  let rows = treeRows(next, ctx);
  if (rows && (path >= rows.vis.length || !rows.vis[path])) {
    next = { ...next, tree: { ...next.tree, filters: NO_FILTERS } };
    rows = treeRows(next, ctx);
  }
  if (!rows || path >= rows.vis.length || !rows.vis[path]) return next;
  return tree(next, { type: 'reveal', path }, ctx);
}
