/**
 * The symbol of each kind of change, written once: the file tree's change column, the filter keys
 * and the status line's list of hidden kinds, the diff screen and the text report of a diff all
 * show these, next to the colour (colour alone never carries the meaning).
 */
import { type ChangeKind, K_ADDED, K_MODIFIED, K_REMOVED, K_UNCHANGED } from './changes.js';
import { C_NONE } from './tree.js';

/** The symbol of a kind of change by name; `untouched` is a path this view does not change (the tree's filters). */
export const CHANGE_KIND_SYMBOL: Readonly<Record<ChangeKind | 'untouched', string>> = {
  added: '+',
  modified: '~',
  removed: '-',
  unchanged: '=',
  untouched: '.',
};

/** By the analysis's kind codes (K_ADDED ...): the tree's change column; no change is a blank. */
export const CHANGE_SYMBOL: Readonly<Record<number, string>> = {
  [C_NONE]: ' ',
  [K_ADDED]: CHANGE_KIND_SYMBOL.added,
  [K_MODIFIED]: CHANGE_KIND_SYMBOL.modified,
  [K_REMOVED]: CHANGE_KIND_SYMBOL.removed,
  [K_UNCHANGED]: CHANGE_KIND_SYMBOL.unchanged,
};
