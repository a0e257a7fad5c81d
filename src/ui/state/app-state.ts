/**
 * The root state of the TUI, the effects a reducer may ask for, and what the reducers may read
 * about the world (AppCtx). Types and the state at start only: the router (router.ts) and one
 * file per screen change it.
 */
import { NO_FILTERS } from '../../model/tree-filters.js';
import type { SharedReport } from '../../sources/engine/shared-layers.js';
import type { PaneId, Size } from '../layout.js';
import type { ContainerRow } from '../present/containers.js';
import type { DiffModel } from '../present/diff.js';
import type { ImageRow } from '../present/images.js';
import { CLOSED_ADVICE, type AdviceState } from './advice.js';
import type { CompareState } from './compare.js';
import type { FileViewState } from './file-view.js';
import type { ImageView } from './image-view.js';
import type { LargestState } from './largest.js';
import { EMPTY_LIST, type ListState } from './list.js';
import { INITIAL_TREE, type TreeState } from './tree.js';
import { INITIAL_WASTE_VIEW, type WasteViewState } from './waste-steps.js';

export type PromptKind = 'search' | 'path' | 'regex' | 'size' | 'images' | 'save' | 'diff' | 'goto';

export interface Prompt {
  kind: PromptKind;
  text: string;
  /** State to restore on Esc. */
  savedTree?: TreeState;
  savedFilter?: string;
  error?: string;
}

/** Which screen is shown: the image (or container) list, one image, the shared layers, a diff. */
export type ScreenKind = 'images' | 'image' | 'shared' | 'diff';

/** The shared-layers screen: the images list over the selected image's layers. */
export interface SharedState {
  focus: 'images' | 'layers';
  images: ListState;
  layers: ListState;
}

export const INITIAL_SHARED: SharedState = { focus: 'images', images: EMPTY_LIST, layers: EMPTY_LIST };

/** The diff screen: its layers and files lists, and the path filter on the files. */
export interface DiffState {
  focus: 'layers' | 'files';
  layers: ListState;
  files: ListState;
  /** Path substring filter on the file differences ('' = none). */
  filter: string;
}

export const INITIAL_DIFF: DiffState = { focus: 'files', layers: EMPTY_LIST, files: EMPTY_LIST, filter: '' };

export interface AppState {
  screen: ScreenKind;
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

/** Starting preferences (the config file's defaults). */
export interface Prefs {
  mouse?: boolean;
  attrs?: boolean;
  tree?: Partial<Pick<AppState['tree'], 'mode' | 'sort' | 'filters'>>;
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

/** What the reducer may read about the world: pure derivations of the state. */
export interface AppCtx {
  size: Size;
  model: ImageView | null;
  images: ImageRow[];
  containers?: ContainerRow[];
  shared?: SharedReport | null;
  diff?: DiffModel | null;
}

export function initialState(screen: ScreenKind, notice: string | null = null): AppState {
  return {
    screen,
    fromList: false,
    focus: 'layers',
    lastBottom: 'tree',
    help: { open: false, offset: 0 },
    prompt: null,
    images: EMPTY_LIST,
    imageFilter: '',
    layers: EMPTY_LIST,
    tree: INITIAL_TREE,
    waste: EMPTY_LIST,
    details: EMPTY_LIST,
    notice,
    listKind: 'images',
    containers: EMPTY_LIST,
    view: null,
    advice: CLOSED_ADVICE,
    wasteView: INITIAL_WASTE_VIEW,
    shared: INITIAL_SHARED,
    diff: INITIAL_DIFF,
    mouse: true,
    attrs: true,
    flash: null,
  };
}

/** The state at start: the screen the command line asked for, with the config file's preferences. */
export function startState(screen: ScreenKind, notice: string | null, prefs?: Prefs): AppState {
  const s0 = initialState(screen, notice);
  const tree = { ...s0.tree, ...prefs?.tree };
  return { ...s0, mouse: prefs?.mouse ?? s0.mouse, attrs: prefs?.attrs ?? s0.attrs, tree };
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
  return { mouse: s.mouse, attrs: s.attrs, tree: { ...INITIAL_TREE, mode: s.tree.mode, sort: s.tree.sort, filters } };
}
