/** What the file tree can hide: change kinds, paths that do not match, files below a size. */
import { K_ADDED, K_MODIFIED, K_REMOVED, K_UNCHANGED } from './changes.js';

/** Change kinds the tree can hide; "untouched" is a path this view does not colour (C_NONE). */
export type ChangeFilter = 'added' | 'modified' | 'removed' | 'unchanged' | 'untouched';
export const CHANGE_FILTERS: readonly ChangeFilter[] = ['added', 'modified', 'removed', 'unchanged', 'untouched'];

export function changeFilterOf(change: number): ChangeFilter {
  switch (change) {
    case K_ADDED:
      return 'added';
    case K_MODIFIED:
      return 'modified';
    case K_REMOVED:
      return 'removed';
    case K_UNCHANGED:
      return 'unchanged';
    default:
      return 'untouched';
  }
}

export interface TreeFilters {
  /** Change kinds hidden from the tree. */
  hidden: readonly ChangeFilter[];
  /** Case-insensitive substring of the absolute path's display form ("" = none). */
  path: string;
  /** Files smaller than this many bytes are hidden (0 = none). */
  minSize: number;
  /** A case-insensitive regular expression the absolute path's display form must match (absent = none). */
  regex?: string;
}

export const NO_FILTERS: TreeFilters = { hidden: [], path: '', minSize: 0 };
