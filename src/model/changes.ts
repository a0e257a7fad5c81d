/** The vocabulary of layer changes: the change kinds, per-layer totals and waste records. */

export const K_ADDED = 0;
export const K_MODIFIED = 1;
export const K_REMOVED = 2;
export const K_UNCHANGED = 3;
export type ChangeKind = 'added' | 'modified' | 'removed' | 'unchanged';
export const CHANGE_KINDS: readonly ChangeKind[] = ['added', 'modified', 'removed', 'unchanged'];

export interface KindTotals {
  count: number;
  bytes: number;
}

export interface LayerChangeTotals {
  added: KindTotals;
  modified: KindTotals;
  removed: KindTotals;
  unchanged: KindTotals;
}

/** One wasted version of a path: shipped by `layer`, hidden by `hiddenBy`. */
export interface WasteRecord {
  path: number;
  layer: number;
  shipKind: number;
  size: number;
  hiddenBy: number;
  hiddenKind: number;
}
