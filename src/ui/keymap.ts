/**
 * The one keymap table: dispatch, the `?` help overlay, the status-bar hints and the README's key
 * table are all generated from it.
 *
 * Never bind keys that terminals cannot tell apart or that desktops swallow: ctrl+m is Enter,
 * ctrl+i is Tab, ctrl+h is Backspace, ctrl+[ is Esc, ctrl+space is taken by input methods.
 * dive's own keys are aliases here (ctrl+f, ctrl+a, ctrl+l, ctrl+b, ctrl+o, ctrl+p, ctrl+r, ctrl+u)
 * where they do not clash; the config file (ui/config.ts) may rebind any command.
 */
import type { Key } from 'ink';

export type Scope =
  | 'global'
  | 'list'
  | 'images'
  | 'layers'
  | 'tree'
  | 'waste'
  | 'advice'
  | 'largest'
  | 'details'
  | 'view'
  | 'shared'
  | 'diff'
  | 'compare'
  | 'prompt'
  | 'help';

export type Command =
  | 'quit'
  | 'help'
  | 'nextPane'
  | 'prevPane'
  | 'paneLayers'
  | 'paneTree'
  | 'paneWaste'
  | 'paneDetails'
  | 'advice'
  | 'closeAdvice'
  | 'prevLayer'
  | 'nextLayer'
  | 'back'
  | 'up'
  | 'down'
  | 'pageUp'
  | 'pageDown'
  | 'home'
  | 'end'
  | 'open'
  | 'filterImages'
  | 'refresh'
  | 'toggleDir'
  | 'collapse'
  | 'expand'
  | 'expandAll'
  | 'collapseAll'
  | 'toggleMode'
  | 'toggleSort'
  | 'search'
  | 'searchNext'
  | 'searchPrev'
  | 'clearSearch'
  | 'pathFilter'
  | 'sizeFilter'
  | 'hideAdded'
  | 'hideModified'
  | 'hideRemoved'
  | 'hideUnchanged'
  | 'hideUntouched'
  | 'clearFilters'
  | 'jump'
  | 'accept'
  | 'cancel'
  | 'erase'
  | 'clearPrompt'
  | 'closeHelp'
  | 'view'
  | 'save'
  | 'toggleWrap'
  | 'toggleHex'
  | 'closeView'
  | 'shared'
  | 'toggleList'
  | 'diffFilter'
  | 'wasteGroup'
  | 'largest'
  | 'closeLargest'
  | 'goto'
  | 'reloadContainer'
  | 'suspend'
  | 'layerView'
  | 'aggregatedView'
  | 'regexFilter'
  | 'toggleAttrs'
  | 'toggleMouse'
  | 'copyPath';

export interface Binding {
  command: Command;
  /** Key names as `keyName()` gives them: a printable character, or up, pageup, enter, shift+tab, ctrl+c ... */
  keys: string[];
  scope: Scope;
  description: string;
  /** Shown in the status bar's hint line when this scope is active. */
  hint?: string;
  /** A tree binding that also works from the Layers, Waste and Details panes. */
  anywhere?: boolean;
}

/** The built-in table (the README documents it). */
export const DEFAULT_KEYMAP: readonly Binding[] = [
  { command: 'quit', keys: ['q', 'ctrl+c'], scope: 'global', description: 'quit', hint: 'quit' },
  { command: 'help', keys: ['?'], scope: 'global', description: 'show or hide this help', hint: 'help' },
  { command: 'nextPane', keys: ['tab'], scope: 'global', description: 'next pane', hint: 'pane' },
  { command: 'prevPane', keys: ['shift+tab'], scope: 'global', description: 'previous pane' },
  { command: 'paneLayers', keys: ['1'], scope: 'global', description: 'go to the Layers pane' },
  { command: 'paneTree', keys: ['2'], scope: 'global', description: 'go to the File tree pane' },
  { command: 'paneWaste', keys: ['3'], scope: 'global', description: 'go to the Waste pane' },
  { command: 'paneDetails', keys: ['4'], scope: 'global', description: 'go to the Details pane' },
  {
    command: 'advice',
    keys: ['A'],
    scope: 'global',
    description: 'show or hide the Advice view: what to change in the build, and what it saves',
    hint: 'advice',
  },
  {
    command: 'largest',
    keys: ['L'],
    scope: 'global',
    description: 'show or hide the largest files of the final image',
    hint: 'largest',
  },
  {
    command: 'goto',
    keys: [':'],
    scope: 'global',
    description: 'go to a path or a name (from any pane): the tree, at the layer that shipped it',
    hint: 'go to',
  },
  {
    command: 'reloadContainer',
    keys: ['r'],
    scope: 'global',
    description: 'a container: read its copy-on-write layer again, in place (the cursor stays)',
  },
  { command: 'prevLayer', keys: ['['], scope: 'global', description: 'previous build step (from any pane)' },
  { command: 'nextLayer', keys: [']'], scope: 'global', description: 'next build step (from any pane)' },
  { command: 'back', keys: ['b'], scope: 'global', description: 'back to the image list (when opened from it)' },
  { command: 'suspend', keys: ['ctrl+z'], scope: 'global', description: 'suspend to the shell (fg resumes)' },
  {
    command: 'toggleMouse',
    keys: ['M'],
    scope: 'global',
    description: 'mouse on / off (off: the terminal selects text)',
  },

  { command: 'up', keys: ['up', 'k'], scope: 'list', description: 'move up', hint: 'move' },
  { command: 'down', keys: ['down', 'j'], scope: 'list', description: 'move down' },
  { command: 'pageUp', keys: ['pageup', 'ctrl+u'], scope: 'list', description: 'page up' },
  { command: 'pageDown', keys: ['pagedown', 'ctrl+d'], scope: 'list', description: 'page down' },
  { command: 'home', keys: ['home', 'g'], scope: 'list', description: 'first row' },
  { command: 'end', keys: ['end', 'G'], scope: 'list', description: 'last row' },

  { command: 'open', keys: ['enter'], scope: 'images', description: 'open the selected image', hint: 'open' },
  {
    command: 'filterImages',
    keys: ['/', 'ctrl+f'],
    scope: 'images',
    description: 'filter the image list',
    hint: 'filter',
  },
  { command: 'clearFilters', keys: ['esc'], scope: 'images', description: 'clear the filter' },
  { command: 'refresh', keys: ['r'], scope: 'images', description: 'reload the image list', hint: 'reload' },
  {
    command: 'toggleList',
    keys: ['c'],
    scope: 'images',
    description: 'switch between images and containers',
    hint: 'containers',
  },
  {
    command: 'shared',
    keys: ['s'],
    scope: 'images',
    description: 'layers the images share (stored once)',
    hint: 'shared',
  },

  {
    command: 'open',
    keys: ['enter', 'right', 'l'],
    scope: 'layers',
    description: 'show this layer in the file tree',
    hint: 'tree',
  },
  {
    command: 'aggregatedView',
    keys: ['ctrl+a'],
    scope: 'layers',
    description: 'the tree shows aggregated changes since the base',
  },
  { command: 'layerView', keys: ['ctrl+l'], scope: 'layers', description: "the tree shows this layer's changes" },

  {
    command: 'toggleDir',
    keys: ['space', 'enter'],
    scope: 'tree',
    description: 'collapse or expand the directory (on a file: view it)',
    hint: 'fold',
  },
  {
    command: 'view',
    keys: ['v'],
    scope: 'tree',
    description: 'view the file as of this layer (text or hex)',
    hint: 'view',
    anywhere: true,
  },
  { command: 'collapse', keys: ['left', 'h'], scope: 'tree', description: 'collapse, or go to the parent directory' },
  { command: 'expand', keys: ['right', 'l'], scope: 'tree', description: 'expand, or go to the first child' },
  { command: 'expandAll', keys: ['e'], scope: 'tree', description: 'expand every directory', anywhere: true },
  { command: 'collapseAll', keys: ['c'], scope: 'tree', description: 'collapse every directory', anywhere: true },
  {
    command: 'toggleMode',
    keys: ['a'],
    scope: 'tree',
    description: 'layer changes / aggregated changes since the base',
    hint: 'aggregated',
    anywhere: true,
  },
  {
    command: 'toggleSort',
    keys: ['s', 'ctrl+o'],
    scope: 'tree',
    description: 'sort by name / by size (by size: the cursor goes to the largest)',
    hint: 'sort',
    anywhere: true,
  },
  {
    command: 'search',
    keys: ['/'],
    scope: 'tree',
    description: 'search names (incremental; also finds paths the filters hide)',
    hint: 'search',
    anywhere: true,
  },
  { command: 'searchNext', keys: ['n'], scope: 'tree', description: 'next match', anywhere: true },
  { command: 'searchPrev', keys: ['N'], scope: 'tree', description: 'previous match', anywhere: true },
  { command: 'clearSearch', keys: ['esc'], scope: 'tree', description: 'clear the search' },
  {
    command: 'pathFilter',
    keys: ['f', 'ctrl+f'],
    scope: 'tree',
    description: 'filter by path (substring)',
    hint: 'filter',
    anywhere: true,
  },
  {
    command: 'regexFilter',
    keys: ['R'],
    scope: 'tree',
    description: 'filter by path (regular expression)',
    anywhere: true,
  },
  {
    command: 'sizeFilter',
    keys: ['>'],
    scope: 'tree',
    description: 'hide files smaller than a size (e.g. 10k, 1.5M)',
    anywhere: true,
  },
  {
    command: 'hideAdded',
    keys: ['+', 'ctrl+a'],
    scope: 'tree',
    description: 'hide / show added paths',
    anywhere: true,
  },
  { command: 'hideModified', keys: ['~'], scope: 'tree', description: 'hide / show modified paths', anywhere: true },
  {
    command: 'hideRemoved',
    keys: ['-', 'ctrl+r'],
    scope: 'tree',
    description: 'hide / show removed paths',
    anywhere: true,
  },
  {
    command: 'hideUnchanged',
    keys: ['=', 'ctrl+u'],
    scope: 'tree',
    description: "hide / show unchanged rewrites (Ctrl+U: dive's unmodified)",
    anywhere: true,
  },
  {
    command: 'hideUntouched',
    keys: ['.'],
    scope: 'tree',
    description: 'hide / show paths this view does not change',
    anywhere: true,
  },
  {
    command: 'toggleAttrs',
    keys: ['ctrl+b'],
    scope: 'tree',
    description: 'show / hide the attribute columns (mode, owner)',
    anywhere: true,
  },
  {
    command: 'copyPath',
    keys: ['y'],
    scope: 'tree',
    description: 'copy the selected path to the clipboard (OSC 52)',
    anywhere: true,
  },
  { command: 'clearFilters', keys: ['x'], scope: 'tree', description: 'clear every filter', anywhere: true },

  {
    command: 'jump',
    keys: ['enter'],
    scope: 'waste',
    description: 'on a step pair: show its paths; on a path: jump to it in the tree, at the layer that hid it',
    hint: 'jump',
  },
  {
    command: 'toggleDir',
    keys: ['space'],
    scope: 'waste',
    description: "show or hide the step pair's paths",
    hint: 'paths',
  },
  { command: 'expand', keys: ['right', 'l'], scope: 'waste', description: "show the step pair's paths" },
  { command: 'collapse', keys: ['left', 'h'], scope: 'waste', description: "hide the step pair's paths" },
  {
    command: 'wasteGroup',
    keys: ['t'],
    scope: 'waste',
    description: 'group by build step (shipped, hid) / flat list of paths',
    hint: 'by step/path',
  },

  {
    command: 'jump',
    keys: ['enter'],
    scope: 'advice',
    description: "go to the item's path (or the selected path) in the tree, at the layer that shows it",
    hint: 'go to',
  },
  { command: 'toggleDir', keys: ['space'], scope: 'advice', description: 'show or hide its paths', hint: 'paths' },
  { command: 'expand', keys: ['right', 'l'], scope: 'advice', description: "show the item's paths" },
  { command: 'collapse', keys: ['left', 'h'], scope: 'advice', description: "hide the item's paths" },
  { command: 'closeAdvice', keys: ['esc'], scope: 'advice', description: 'close the Advice view', hint: 'close' },

  {
    command: 'jump',
    keys: ['enter'],
    scope: 'largest',
    description: 'go to the file in the tree, at the layer that shipped it',
    hint: 'go to',
  },
  { command: 'closeLargest', keys: ['esc'], scope: 'largest', description: 'close the largest files', hint: 'close' },

  {
    command: 'save',
    keys: ['x'],
    scope: 'view',
    description: 'save this version of the file (asks where)',
    hint: 'save',
  },
  { command: 'toggleWrap', keys: ['w', 'ctrl+p'], scope: 'view', description: 'wrap or cut long lines', hint: 'wrap' },
  { command: 'toggleHex', keys: ['m'], scope: 'view', description: 'text / hex dump' },
  { command: 'closeView', keys: ['esc', 'q'], scope: 'view', description: 'close the file view', hint: 'close' },
  { command: 'help', keys: ['?'], scope: 'view', description: 'show this help' },

  { command: 'back', keys: ['esc'], scope: 'shared', description: 'back to the image list', hint: 'back' },
  { command: 'refresh', keys: ['r'], scope: 'shared', description: 'ask the Engine again' },

  {
    command: 'diffFilter',
    keys: ['f', '/'],
    scope: 'diff',
    description: 'filter the file differences by path',
    hint: 'filter',
  },
  { command: 'clearFilters', keys: ['x'], scope: 'diff', description: 'clear the filter' },
  {
    command: 'view',
    keys: ['enter', 'v'],
    scope: 'diff',
    description: 'show both versions of the file: a unified diff for text, sizes and hashes for binaries',
    hint: 'compare',
  },

  { command: 'closeView', keys: ['esc', 'q'], scope: 'compare', description: 'close the comparison', hint: 'close' },

  { command: 'accept', keys: ['enter'], scope: 'prompt', description: 'accept', hint: 'accept' },
  { command: 'cancel', keys: ['esc'], scope: 'prompt', description: 'cancel', hint: 'cancel' },
  { command: 'erase', keys: ['backspace', 'delete'], scope: 'prompt', description: 'delete a character' },
  { command: 'clearPrompt', keys: ['ctrl+u'], scope: 'prompt', description: 'clear the text' },

  { command: 'closeHelp', keys: ['esc', '?', 'q'], scope: 'help', description: 'close the help', hint: 'close' },
];

/** The canonical name of a key press, matching the names in KEYMAP. */
export function keyName(input: string, key: Key): string {
  if (key.upArrow) return 'up';
  if (key.downArrow) return 'down';
  if (key.leftArrow) return 'left';
  if (key.rightArrow) return 'right';
  if (key.pageUp) return 'pageup';
  if (key.pageDown) return 'pagedown';
  if (key.home) return 'home';
  if (key.end) return 'end';
  if (key.return) return 'enter';
  if (key.tab) return key.shift ? 'shift+tab' : 'tab';
  if (key.escape) return 'esc';
  if (key.backspace) return 'backspace';
  if (key.delete) return 'delete';
  if (key.ctrl && input.length === 1) return `ctrl+${input.toLowerCase()}`;
  if (input === ' ') return 'space';
  return input;
}

/** The table in force: the built-in one, or the one the config file rebinds (setKeymap). */
export let KEYMAP: readonly Binding[] = DEFAULT_KEYMAP;

let index = new Map<Scope, Map<string, Command>>();
let anywhereIndex = new Map<string, Command>();

function buildIndex(): void {
  index = new Map();
  anywhereIndex = new Map();
  for (const b of KEYMAP) {
    let m = index.get(b.scope);
    if (!m) index.set(b.scope, (m = new Map()));
    for (const k of b.keys) {
      if (!m.has(k)) m.set(k, b.command);
      if (b.anywhere && !anywhereIndex.has(k)) anywhereIndex.set(k, b.command);
    }
  }
}
buildIndex();

/** Replace the table in force (the config file's rebindings); null restores the built-in one. */
export function setKeymap(table: readonly Binding[] | null): void {
  KEYMAP = table ?? DEFAULT_KEYMAP;
  buildIndex();
}

/** The command bound to `name` in the first of `scopes` that binds it. */
export function lookup(scopes: readonly Scope[], name: string): Command | null {
  for (const s of scopes) {
    const c = index.get(s)?.get(name);
    if (c) return c;
  }
  return null;
}

/** A tree command that works from any pane of the image screen (dive's filter, aggregate toggle ...). */
export function lookupAnywhere(name: string): Command | null {
  return anywhereIndex.get(name) ?? null;
}

const KEY_LABEL: Record<string, string> = {
  up: '↑',
  down: '↓',
  left: '←',
  right: '→',
  pageup: 'PgUp',
  pagedown: 'PgDn',
  home: 'Home',
  end: 'End',
  enter: 'Enter',
  esc: 'Esc',
  tab: 'Tab',
  'shift+tab': 'Shift+Tab',
  space: 'Space',
  backspace: 'Backspace',
  delete: 'Del',
};

export function keyLabel(k: string): string {
  if (KEY_LABEL[k]) return KEY_LABEL[k];
  if (k.startsWith('ctrl+')) return `Ctrl+${k.slice(5).toUpperCase()}`;
  return k;
}

export const SCOPE_TITLE: Record<Scope, string> = {
  global: 'Everywhere',
  list: 'Every list',
  images: 'Images',
  layers: 'Layers',
  tree: 'File tree',
  waste: 'Waste',
  advice: 'Advice view',
  largest: 'Largest files',
  details: 'Details',
  view: 'File view',
  shared: 'Shared layers',
  diff: 'Image diff',
  compare: 'Both versions of a file (image diff)',
  prompt: 'Prompts (search, filter, save as)',
  help: 'Help',
};

const SCOPE_ORDER: Scope[] = [
  'global',
  'list',
  'images',
  'layers',
  'tree',
  'waste',
  'advice',
  'largest',
  'details',
  'view',
  'shared',
  'diff',
  'compare',
  'prompt',
  'help',
];

/** Help lines, grouped by scope. */
export function helpLines(): { scope: Scope; keys: string; description: string }[] {
  const out: { scope: Scope; keys: string; description: string }[] = [];
  for (const s of SCOPE_ORDER) {
    for (const b of KEYMAP) {
      if (b.scope === s) out.push({ scope: s, keys: b.keys.map(keyLabel).join(' '), description: describe(b) });
    }
  }
  return out;
}

function describe(b: Binding): string {
  return b.anywhere ? `${b.description} (from any pane)` : b.description;
}

/**
 * Status-bar hints for the active scopes: each hinted command with the first of its keys that
 * really reaches it (a key a higher scope takes for something else is not offered). `relabel`
 * renames a hint for the screen shown (the list's `c` says where it goes).
 */
export function hints(
  scopes: readonly Scope[],
  relabel: Partial<Record<Command, string>> = {},
  only?: readonly Command[],
): string {
  const parts: string[] = [];
  const seen = new Set<Command>();
  for (const s of scopes) {
    for (const b of KEYMAP) {
      if (b.scope !== s || !b.hint || seen.has(b.command)) continue;
      if (only && !only.includes(b.command)) continue;
      const key = b.keys.find((k) => lookup(scopes, k) === b.command);
      if (!key) continue;
      seen.add(b.command);
      const keys = b.command === 'up' ? '↑↓' : keyLabel(key);
      parts.push(`${keys} ${relabel[b.command] ?? b.hint}`);
    }
  }
  return parts.join('  ');
}

/** The README's key table (Markdown). */
export function keymapMarkdown(table: readonly Binding[] = DEFAULT_KEYMAP): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  const lines = ['| Keys | Where | Action |', '|---|---|---|'];
  for (const s of SCOPE_ORDER) {
    for (const b of table) {
      if (b.scope !== s) continue;
      const keys = b.keys.map((k) => `\`${esc(keyLabel(k))}\``).join(' ');
      lines.push(`| ${keys} | ${SCOPE_TITLE[s]} | ${esc(describe(b))} |`);
    }
  }
  return `${lines.join('\n')}\n`;
}
