/**
 * Filesystem views at one layer, derived from the analysis' event chains (no per-layer copies of
 * the tree): the state of a path at layer k is its last event at or below k. Pure, iterative.
 *
 * - 'layer' mode: the whole filesystem as of layer k, coloured by what layer k did; paths that
 *   layer k removed are kept (shown as removed).
 * - 'aggregated' mode: the filesystem as of layer k, coloured by what changed since the base
 *   layers (layers baseLayers..k taken together); paths removed in that window are kept.
 */
import type { Analysis } from './analysis.js';
import { K_ADDED, K_MODIFIED, K_REMOVED, K_UNCHANGED } from './changes.js';

export type ViewMode = 'layer' | 'aggregated';

/** No change to show for this path in this view. */
export const C_NONE = -1;

export interface TreeSnapshot {
  layer: number;
  mode: ViewMode;
  /**
   * Per path id: the event that defines the shown version (for removed paths, the removal event);
   * -1 when not shown.
   */
  event: Int32Array;
  /** Per path id: C_NONE or K_ADDED / K_MODIFIED / K_REMOVED / K_UNCHANGED. */
  change: Int8Array;
  /** Number of shown paths (root excluded). */
  shown: number;
}

export function snapshot(a: Analysis, k: number, mode: ViewMode, baseLayers: number): TreeSnapshot {
  const n = a.table.size;
  const event = new Int32Array(n).fill(-1);
  const change = new Int8Array(n).fill(C_NONE);
  const from = mode === 'layer' ? k : Math.max(0, Math.min(baseLayers, k));
  let shown = 0;
  for (let p = 1; p < n; p++) {
    let last = -1; // last event <= k
    let before = -1; // last event < from
    let inWindow = false;
    let onlyUnchanged = true;
    for (let ev = a.firstEvent(p); ev >= 0; ev = a.eventNext(ev)) {
      const l = a.eventLayer(ev);
      if (l > k) break;
      last = ev;
      if (l < from) before = ev;
      else {
        inWindow = true;
        if (a.eventKind(ev) !== K_UNCHANGED) onlyUnchanged = false;
      }
    }
    if (last < 0) continue;
    const presentAtK = a.eventKind(last) !== K_REMOVED;
    const presentBefore = before >= 0 && a.eventKind(before) !== K_REMOVED;
    if (!presentAtK) {
      // Shown only when the removal happened inside the window and the path existed before it.
      if (!inWindow || (mode === 'aggregated' && !presentBefore)) continue;
      if (mode === 'layer' && a.eventLayer(last) !== k) continue;
      event[p] = last;
      change[p] = K_REMOVED;
      shown++;
      continue;
    }
    event[p] = last;
    shown++;
    if (!inWindow) continue;
    if (mode === 'layer') {
      change[p] = a.eventLayer(last) === k ? a.eventKind(last) : C_NONE;
    } else if (!presentBefore) {
      change[p] = K_ADDED;
    } else {
      change[p] = onlyUnchanged ? K_UNCHANGED : K_MODIFIED;
    }
  }
  return { layer: k, mode, event, change, shown };
}

/** The layer and entry index of the version a snapshot shows for a path (removed: the removed version). */
export function shownVersion(a: Analysis, s: TreeSnapshot, p: number): { layer: number; entry: number } | null {
  const ev = s.event[p];
  if (ev < 0) return null;
  if (a.eventKind(ev) === K_REMOVED) return { layer: a.eventPrevLayer(ev), entry: a.eventPrevEntry(ev) };
  return { layer: a.eventLayer(ev), entry: a.eventEntry(ev) };
}
