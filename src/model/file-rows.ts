/**
 * The rows of the files a layer touches, as the analysis knows them (names are byte strings): the
 * JSON and text reports list them, the TUI's details show one.
 */
import type { Analysis } from './analysis.js';
import { CHANGE_KINDS, K_REMOVED, type ChangeKind } from './changes.js';
import { ENTRY_TYPES, type EntryType } from './layer-data.js';

/** A file row as the analysis knows it: `path` and `linkTarget` are names (byte strings). */
export interface FileRow {
  path: string;
  change: ChangeKind;
  type: EntryType;
  size: number;
  mode: number;
  uid: number;
  gid: number;
  linkTarget?: string;
}

/** Every path layer `i` touches, sorted by path. */
export function layerFiles(a: Analysis, i: number): FileRow[] {
  return Array.from(layerFileRows(a, i));
}

/**
 * The same rows one at a time: only the sorted order (and the path strings to sort by) is held,
 * so a layer of 1 000 000 entries is written without 1 000 000 row objects at once.
 */
export function* layerFileRows(a: Analysis, i: number): Generator<FileRow> {
  const [start, end] = a.layerEvents(i);
  const paths = new Array<string>(end - start);
  for (let ev = start; ev < end; ev++) paths[ev - start] = a.table.path(a.eventPath(ev));
  const order = new Int32Array(end - start);
  for (let k = 0; k < order.length; k++) order[k] = k;
  order.sort((x, y) => (paths[x] < paths[y] ? -1 : paths[x] > paths[y] ? 1 : 0));
  for (const k of order) {
    const ev = start + k;
    const kind = a.eventKind(ev);
    // A removal describes what it removed: the version below.
    const layer = kind === K_REMOVED ? a.eventPrevLayer(ev) : a.eventLayer(ev);
    const entry = kind === K_REMOVED ? a.eventPrevEntry(ev) : a.eventEntry(ev);
    yield fileRow(a, a.eventPath(ev), CHANGE_KINDS[kind], layer, entry, paths[k]);
  }
}

export function fileRow(
  a: Analysis,
  pathId: number,
  change: ChangeKind,
  layer: number,
  entry: number,
  knownPath?: string,
): FileRow {
  const path = knownPath ?? a.table.path(pathId);
  if (entry < 0 || layer < 0) return { path, change, type: 'dir', size: 0, mode: 0o755, uid: 0, gid: 0 };
  const d = a.layers[layer];
  const row: FileRow = {
    path,
    change,
    type: ENTRY_TYPES[d.type[entry]],
    size: d.size[entry],
    mode: d.mode[entry],
    uid: d.uid[entry],
    gid: d.gid[entry],
  };
  if (d.link[entry] >= 0) row.linkTarget = d.links[d.link[entry]];
  return row;
}
