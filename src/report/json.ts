/** The versioned JSON report of spec section 4. Keys are emitted in the spec's order. */
import { CHANGE_KINDS, K_REMOVED, K_UNCHANGED, type Analysis, type ChangeKind } from '../model/analysis.js';
import { ENTRY_TYPES, type EntryType } from '../model/layer-data.js';
import { userWastedBytes, wastedPaths } from '../model/waste.js';
import type { LoadedImage } from '../sources/image.js';

export const SCHEMA_VERSION = 1;

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
  const [start, end] = a.layerEvents(i);
  const rows: FileRow[] = [];
  for (let ev = start; ev < end; ev++) {
    const kind = a.eventKind(ev);
    // A removal describes what it removed: the version below.
    const layer = kind === K_REMOVED ? a.eventPrevLayer(ev) : a.eventLayer(ev);
    const entry = kind === K_REMOVED ? a.eventPrevEntry(ev) : a.eventEntry(ev);
    rows.push(fileRow(a, a.eventPath(ev), CHANGE_KINDS[kind], layer, entry));
  }
  rows.sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0));
  return rows;
}

export function fileRow(a: Analysis, pathId: number, change: ChangeKind, layer: number, entry: number): FileRow {
  const path = a.table.path(pathId);
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

export interface ReportOptions {
  files?: boolean;
}

export function buildReport(img: LoadedImage, opts: ReportOptions = {}): Record<string, unknown> {
  const a = img.analysis;
  const dive = a.diveFigures();
  const layers = img.layers.map((l, i) => {
    const t = a.layerTotals[i];
    const data = a.layers[i];
    const out: Record<string, unknown> = {
      index: i,
      diffId: l.diffId,
      blobDigest: l.blobDigest,
      mediaType: l.mediaType,
      compressedBytes: l.compressedBytes,
      command: l.command,
      created: l.created,
      sizeBytes: data ? data.sizeBytes : 0,
      added: { count: t?.added.count ?? 0, bytes: t?.added.bytes ?? 0 },
      modified: { count: t?.modified.count ?? 0, bytes: t?.modified.bytes ?? 0 },
      removed: { count: t?.removed.count ?? 0, bytes: t?.removed.bytes ?? 0 },
    };
    if (opts.files) out.files = data ? layerFiles(a, i) : [];
    return out;
  });
  const meta = img.meta;
  return {
    schemaVersion: SCHEMA_VERSION,
    source: { kind: img.source.kind, ref: img.source.ref },
    image: {
      id: meta.id,
      repoTags: meta.repoTags,
      repoDigests: meta.repoDigests,
      os: meta.os,
      architecture: meta.architecture,
      ...(meta.variant ? { variant: meta.variant } : {}),
      created: meta.created,
      config: meta.config,
    },
    layers,
    history: img.history.map((h) => ({
      created: h.created,
      createdBy: h.createdBy,
      emptyLayer: h.emptyLayer,
      layerIndex: h.layerIndex,
      ...(h.comment ? { comment: h.comment } : {}),
    })),
    summary: {
      layerBytes: a.layerBytes,
      unionBytes: a.unionBytes,
      unionFiles: a.unionFiles,
      wastedBytes: a.wastedBytes,
      efficiency: a.efficiency,
      baseLayers: img.baseLayers,
      userWastedBytes: userWastedBytes(a, img.baseLayers),
      dive: {
        efficiency: dive.efficiency,
        wastedBytes: dive.wastedBytes,
        userSizeBytes: dive.userSizeBytes,
        userWastedPercent: dive.userWastedPercent,
        inefficientFiles: dive.inefficientFiles.map((f) => ({ path: a.table.path(f.path), count: f.count, bytes: f.bytes })),
      },
    },
    wasted: wastedPaths(a).map((w) => ({ path: w.path, bytes: w.bytes, versions: w.versions, hiddenBy: w.hiddenBy })),
    warnings: [...img.warnings, ...a.warnings],
  };
}

/** Unchanged rewrites are not counted in the per-layer totals of the schema; exported for views. */
export const UNCHANGED = K_UNCHANGED;
