/**
 * The one keymap table: dispatch (key-bindings.ts), the `?` help overlay, the status-bar hints
 * (key-help.ts) and the README's key table (scripts/keymap-table.ts) are all generated from it.
 *
 * Never bind keys that terminals cannot tell apart or that desktops swallow: ctrl+m is Enter,
 * ctrl+i is Tab, ctrl+h is Backspace, ctrl+[ is Esc, ctrl+space is taken by input methods.
 * dive's own keys are aliases here (ctrl+f, ctrl+a, ctrl+l, ctrl+b, ctrl+o, ctrl+p, ctrl+r, ctrl+u)
 * where they do not clash; the config file (ui/config.ts) may rebind any command.
 */
import type { Command, Scope } from './commands.js';

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

/** Each scope's heading in the help and the README, in the order they are listed. */
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

export const SCOPE_ORDER = Object.keys(SCOPE_TITLE) as Scope[];

/** The table, by scope; within a scope the first binding of a key wins. */
const BY_SCOPE: Record<Scope, Omit<Binding, 'scope'>[]> = {
  global: [
    { command: 'quit', keys: ['q', 'ctrl+c'], description: 'quit', hint: 'quit' },
    { command: 'help', keys: ['?'], description: 'show or hide this help', hint: 'help' },
    { command: 'nextPane', keys: ['tab'], description: 'next pane', hint: 'pane' },
    { command: 'prevPane', keys: ['shift+tab'], description: 'previous pane' },
    { command: 'paneLayers', keys: ['1'], description: 'go to the Layers pane' },
    { command: 'paneTree', keys: ['2'], description: 'go to the File tree pane' },
    { command: 'paneWaste', keys: ['3'], description: 'go to the Waste pane' },
    { command: 'paneDetails', keys: ['4'], description: 'go to the Details pane' },
    {
      command: 'advice',
      keys: ['A'],
      description: 'show or hide the Advice view: what to change in the build, and what it saves',
      hint: 'advice',
    },
    {
      command: 'largest',
      keys: ['L'],
      description: 'show or hide the largest files of the final image',
      hint: 'largest',
    },
    {
      command: 'goto',
      keys: [':'],
      description: 'go to a path or a name (from any pane): the tree, at the layer that shipped it',
      hint: 'go to',
    },
    {
      command: 'reloadContainer',
      keys: ['r'],
      description: 'a container: read its copy-on-write layer again, in place (the cursor stays)',
    },
    { command: 'prevLayer', keys: ['['], description: 'previous build step (from any pane)' },
    { command: 'nextLayer', keys: [']'], description: 'next build step (from any pane)' },
    { command: 'back', keys: ['b'], description: 'back to the image list (when opened from it)' },
    { command: 'suspend', keys: ['ctrl+z'], description: 'suspend to the shell (fg resumes)' },
    { command: 'toggleMouse', keys: ['M'], description: 'mouse on / off (off: the terminal selects text)' },
  ],
  list: [
    { command: 'up', keys: ['up', 'k'], description: 'move up', hint: 'move' },
    { command: 'down', keys: ['down', 'j'], description: 'move down' },
    { command: 'pageUp', keys: ['pageup', 'ctrl+u'], description: 'page up' },
    { command: 'pageDown', keys: ['pagedown', 'ctrl+d'], description: 'page down' },
    { command: 'home', keys: ['home', 'g'], description: 'first row' },
    { command: 'end', keys: ['end', 'G'], description: 'last row' },
  ],
  images: [
    { command: 'open', keys: ['enter'], description: 'open the selected image', hint: 'open' },
    { command: 'filterImages', keys: ['/', 'ctrl+f'], description: 'filter the image list', hint: 'filter' },
    { command: 'clearFilters', keys: ['esc'], description: 'clear the filter' },
    { command: 'refresh', keys: ['r'], description: 'reload the image list', hint: 'reload' },
    { command: 'toggleList', keys: ['c'], description: 'switch between images and containers', hint: 'containers' },
    { command: 'shared', keys: ['s'], description: 'layers the images share (stored once)', hint: 'shared' },
  ],
  layers: [
    { command: 'open', keys: ['enter', 'right', 'l'], description: 'show this layer in the file tree', hint: 'tree' },
    { command: 'aggregatedView', keys: ['ctrl+a'], description: 'the tree shows aggregated changes since the base' },
    { command: 'layerView', keys: ['ctrl+l'], description: "the tree shows this layer's changes" },
  ],
  tree: [
    {
      command: 'toggleDir',
      keys: ['space', 'enter'],
      description: 'collapse or expand the directory (on a file: view it)',
      hint: 'fold',
    },
    {
      command: 'view',
      keys: ['v'],
      description: 'view the file as of this layer (text or hex)',
      hint: 'view',
      anywhere: true,
    },
    { command: 'collapse', keys: ['left', 'h'], description: 'collapse, or go to the parent directory' },
    { command: 'expand', keys: ['right', 'l'], description: 'expand, or go to the first child' },
    { command: 'expandAll', keys: ['e'], description: 'expand every directory', anywhere: true },
    { command: 'collapseAll', keys: ['c'], description: 'collapse every directory', anywhere: true },
    {
      command: 'toggleMode',
      keys: ['a'],
      description: 'layer changes / aggregated changes since the base',
      hint: 'aggregated',
      anywhere: true,
    },
    {
      command: 'toggleSort',
      keys: ['s', 'ctrl+o'],
      description: 'sort by name / by size (by size: the cursor goes to the largest)',
      hint: 'sort',
      anywhere: true,
    },
    {
      command: 'search',
      keys: ['/'],
      description: 'search names (incremental; also finds paths the filters hide)',
      hint: 'search',
      anywhere: true,
    },
    { command: 'searchNext', keys: ['n'], description: 'next match', anywhere: true },
    { command: 'searchPrev', keys: ['N'], description: 'previous match', anywhere: true },
    { command: 'clearSearch', keys: ['esc'], description: 'clear the search' },
    {
      command: 'pathFilter',
      keys: ['f', 'ctrl+f'],
      description: 'filter by path (substring)',
      hint: 'filter',
      anywhere: true,
    },
    { command: 'regexFilter', keys: ['R'], description: 'filter by path (regular expression)', anywhere: true },
    {
      command: 'sizeFilter',
      keys: ['>'],
      description: 'hide files smaller than a size (e.g. 10k, 1.5M)',
      anywhere: true,
    },
    { command: 'hideAdded', keys: ['+', 'ctrl+a'], description: 'hide / show added paths', anywhere: true },
    { command: 'hideModified', keys: ['~'], description: 'hide / show modified paths', anywhere: true },
    { command: 'hideRemoved', keys: ['-', 'ctrl+r'], description: 'hide / show removed paths', anywhere: true },
    {
      command: 'hideUnchanged',
      keys: ['=', 'ctrl+u'],
      description: "hide / show unchanged rewrites (Ctrl+U: dive's unmodified)",
      anywhere: true,
    },
    {
      command: 'hideUntouched',
      keys: ['.'],
      description: 'hide / show paths this view does not change',
      anywhere: true,
    },
    {
      command: 'toggleAttrs',
      keys: ['ctrl+b'],
      description: 'show / hide the attribute columns (mode, owner)',
      anywhere: true,
    },
    {
      command: 'copyPath',
      keys: ['y'],
      description: 'copy the selected path to the clipboard (OSC 52)',
      anywhere: true,
    },
    { command: 'clearFilters', keys: ['x'], description: 'clear every filter', anywhere: true },
  ],
  waste: [
    {
      command: 'jump',
      keys: ['enter'],
      description: 'on a step pair: show its paths; on a path: jump to it in the tree, at the layer that hid it',
      hint: 'jump',
    },
    { command: 'toggleDir', keys: ['space'], description: "show or hide the step pair's paths", hint: 'paths' },
    { command: 'expand', keys: ['right', 'l'], description: "show the step pair's paths" },
    { command: 'collapse', keys: ['left', 'h'], description: "hide the step pair's paths" },
    {
      command: 'wasteGroup',
      keys: ['t'],
      description: 'group by build step (shipped, hid) / flat list of paths',
      hint: 'by step/path',
    },
  ],
  advice: [
    {
      command: 'jump',
      keys: ['enter'],
      description: "go to the item's path (or the selected path) in the tree, at the layer that shows it",
      hint: 'go to',
    },
    { command: 'toggleDir', keys: ['space'], description: 'show or hide its paths', hint: 'paths' },
    { command: 'expand', keys: ['right', 'l'], description: "show the item's paths" },
    { command: 'collapse', keys: ['left', 'h'], description: "hide the item's paths" },
    { command: 'closeAdvice', keys: ['esc'], description: 'close the Advice view', hint: 'close' },
  ],
  largest: [
    {
      command: 'jump',
      keys: ['enter'],
      description: 'go to the file in the tree, at the layer that shipped it',
      hint: 'go to',
    },
    { command: 'closeLargest', keys: ['esc'], description: 'close the largest files', hint: 'close' },
  ],
  details: [],
  view: [
    { command: 'save', keys: ['x'], description: 'save this version of the file (asks where)', hint: 'save' },
    { command: 'toggleWrap', keys: ['w', 'ctrl+p'], description: 'wrap or cut long lines', hint: 'wrap' },
    { command: 'toggleHex', keys: ['m'], description: 'text / hex dump' },
    { command: 'closeView', keys: ['esc', 'q'], description: 'close the file view', hint: 'close' },
    { command: 'help', keys: ['?'], description: 'show this help' },
  ],
  shared: [
    { command: 'back', keys: ['esc'], description: 'back to the image list', hint: 'back' },
    { command: 'refresh', keys: ['r'], description: 'ask the Engine again' },
  ],
  diff: [
    { command: 'diffFilter', keys: ['f', '/'], description: 'filter the file differences by path', hint: 'filter' },
    { command: 'clearFilters', keys: ['x'], description: 'clear the filter' },
    {
      command: 'view',
      keys: ['enter', 'v'],
      description: 'show both versions of the file: a unified diff for text, sizes and hashes for binaries',
      hint: 'compare',
    },
  ],
  compare: [{ command: 'closeView', keys: ['esc', 'q'], description: 'close the comparison', hint: 'close' }],
  prompt: [
    { command: 'accept', keys: ['enter'], description: 'accept', hint: 'accept' },
    { command: 'cancel', keys: ['esc'], description: 'cancel', hint: 'cancel' },
    { command: 'erase', keys: ['backspace', 'delete'], description: 'delete a character' },
    { command: 'clearPrompt', keys: ['ctrl+u'], description: 'clear the text' },
  ],
  help: [{ command: 'closeHelp', keys: ['esc', '?', 'q'], description: 'close the help', hint: 'close' }],
};

/** The built-in table (the README documents it). */
export const DEFAULT_KEYMAP: readonly Binding[] = SCOPE_ORDER.flatMap((scope) =>
  BY_SCOPE[scope].map((b) => ({ ...b, scope })),
);
