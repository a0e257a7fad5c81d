/** The versioned JSON report of spec section 4. Keys are emitted in the spec's order. */
import { randomBytes } from 'node:crypto';
import type { Analysis } from '../model/analysis.js';
import { CHANGE_KINDS, K_REMOVED, type ChangeKind } from '../model/changes.js';
import { ENTRY_TYPES, type EntryType } from '../model/layer-data.js';
import { userWastedBytes, wastedPaths } from '../model/waste.js';
import { adviceFor, type Advice, type AdviceItem } from '../model/advice.js';
import type { LoadedImage } from '../model/image.js';
import { displayName, nameBase64, needsExactBytes } from '../model/names.js';

export const SCHEMA_VERSION = 1;

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

/**
 * A name in JSON (docs/semantics.md, "Names"): `path` is its display form, and `pathBase64` carries
 * the exact bytes whenever the display form does not give them back.
 */
export function jsonPath(name: string): { path: string; pathBase64?: string } {
  const path = displayName(name);
  return needsExactBytes(name) ? { path, pathBase64: nameBase64(name) } : { path };
}

/** A file row as JSON writes it: names in their display form, with base64 bytes by the same rule. */
export function jsonFileRow(row: FileRow): Record<string, unknown> {
  // Written out key by key (in the spec's order): one row per path of a layer, so no spreads.
  const out: Record<string, unknown> = { path: displayName(row.path) };
  if (needsExactBytes(row.path)) out.pathBase64 = nameBase64(row.path);
  out.change = row.change;
  out.type = row.type;
  out.size = row.size;
  out.mode = row.mode;
  out.uid = row.uid;
  out.gid = row.gid;
  if (row.linkTarget !== undefined) {
    out.linkTarget = displayName(row.linkTarget);
    if (needsExactBytes(row.linkTarget)) out.linkTargetBase64 = nameBase64(row.linkTarget);
  }
  return out;
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
    if (opts.files) out.files = data ? FILES_PLACEHOLDER(i) : [];
    return out;
  });
  const meta = img.meta;
  const advice = adviceFor(a);
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
      recoverableBytes: advice.recoverableBytes,
      dive: {
        efficiency: dive.efficiency,
        wastedBytes: dive.wastedBytes,
        userSizeBytes: dive.userSizeBytes,
        userWastedPercent: dive.userWastedPercent,
        inefficientFiles: dive.inefficientFiles.map((f) => ({
          ...jsonPath(a.table.path(f.path)),
          count: f.count,
          bytes: f.bytes,
        })),
      },
    },
    wasted: wastedPaths(a).map((w) => ({
      ...jsonPath(w.path),
      bytes: w.bytes,
      versions: w.versions,
      hiddenBy: w.hiddenBy,
    })),
    advice: adviceJson(img, advice),
    warnings: [...img.warnings, ...a.warnings],
  };
}

// Characters JSON.stringify leaves raw although a terminal may act on them (C1 controls, bidi and
// zero-width characters). Written as \uXXXX escapes, which JSON reads back as the same characters.
// eslint-disable-next-line no-control-regex
const JSON_RAW = /[\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/;
// eslint-disable-next-line no-control-regex
const JSON_RAW_G = /[\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

/** JSON text safe on a terminal with exactly the same values: see JSON_RAW. */
export function jsonText(value: unknown, indent?: number): string {
  return terminalSafe(JSON.stringify(value, null, indent));
}

function terminalSafe(text: string): string {
  if (!JSON_RAW.test(text)) return text;
  return text.replace(JSON_RAW_G, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The advice items as JSON (largest first); paths in their display form. */
export function adviceJson(img: LoadedImage, advice: Advice): Record<string, unknown>[] {
  const table = img.analysis.table;
  return advice.items.map((it: AdviceItem) => {
    const names = it.targets.map((t) => table.path(t.path));
    const paths = names.map(displayName);
    // As for `path` elsewhere: the exact bytes too when a display form does not give them back.
    const exact = names.some(needsExactBytes) ? { pathsBase64: names.map(nameBase64) } : {};
    switch (it.kind) {
      case 'shipped-then-hidden':
        return {
          kind: it.kind,
          shippedBy: it.shippedBy,
          hiddenBy: it.hiddenBy,
          bytes: it.bytes,
          files: it.files,
          hiding: it.hiding,
          paths,
          ...exact,
          message: it.message,
        };
      case 'duplicate-content':
        return {
          kind: it.kind,
          bytes: it.bytes,
          size: it.size,
          copies: it.copies,
          directory: it.directory,
          files: it.files,
          paths,
          ...exact,
          message: it.message,
        };
      case 'leftover':
        return {
          kind: it.kind,
          category: it.category,
          bytes: it.bytes,
          files: it.files,
          layers: it.layers,
          paths,
          ...exact,
          message: it.message,
        };
    }
  });
}

/** Stands for layer i's file list in the report object until the text is written (see reportText). */
// A per-process random token: a string in the image (a label, a command) cannot imitate it.
const NONCE = randomBytes(8).toString('hex');
const FILES_PLACEHOLDER = (i: number) => `\u0000strata-files-${NONCE}:${i}\u0000`;
const PLACEHOLDER_RE = new RegExp(`"\\\\u0000strata-files-${NONCE}:(\\d+)\\\\u0000"`);

/**
 * The report as JSON text, in chunks: everything but the file lists comes from JSON.stringify;
 * each file list is written row by row where its placeholder stands.
 */
export function* reportText(img: LoadedImage, report: Record<string, unknown>): Generator<string> {
  const text = `${jsonText(report, 2)}\n`;
  const parts = text.split(PLACEHOLDER_RE);
  // split() with a capture group alternates text and layer indexes.
  for (let k = 0; k < parts.length; k++) {
    if (k % 2 === 0) {
      yield parts[k];
      continue;
    }
    const i = Number(parts[k]);
    let chunk = '[';
    let first = true;
    for (const row of layerFileRows(img.analysis, i)) {
      chunk += `${first ? '' : ','}\n        ${JSON.stringify(jsonFileRow(row))}`;
      first = false;
      if (chunk.length >= 1 << 16) {
        yield terminalSafe(chunk);
        chunk = '';
      }
    }
    yield terminalSafe(`${chunk}${first ? '' : '\n      '}]`);
  }
}
