/**
 * The JSON reports as types, field for field as schema/report.schema.json describes them
 * (schemaVersion 1): the image report (`strata SOURCE --json`, `strata container --json`), the
 * diff report and the shared-layers report. Sizes are bytes. Names are shown in their display
 * form, with the exact bytes in base64 beside them when that form does not give them back
 * (docs/semantics.md, "Names in JSON"). Objects are built in the key order of the schema, which
 * is the order the JSON is written in.
 */
import type { ChangeKind } from '../model/changes.js';
import type { EntryType } from '../model/layer-data.js';
import type { FileDiff, ImageDiff } from '../model/diff.js';
import type { HistoryItem, ImageMeta, SourceInfo } from '../model/image.js';
import type { HideHow } from '../model/step-pairs.js';
import type { ContainerInfo } from '../sources/engine/container.js';
import type { SharedImageRow, SharedLayerRow } from '../sources/engine/shared-layers.js';
import type { RuleResult } from './ci.js';

export const SCHEMA_VERSION = 1;

/** A name in JSON: its display form, and its exact bytes when that form does not give them back. */
export interface JsonPath {
  path: string;
  pathBase64?: string;
}

export interface JsonFileRow extends JsonPath {
  change: ChangeKind;
  type: EntryType;
  size: number;
  mode: number;
  uid: number;
  gid: number;
  linkTarget?: string;
  linkTargetBase64?: string;
}

/**
 * Layer `layer`'s file list (JsonFileRow[] in the JSON), written row by row by reportText rather
 * than held as objects: a layer of 1 000 000 entries would otherwise be 1 000 000 rows at once.
 */
export interface StreamedFiles {
  readonly layer: number;
  toJSON(): string;
}

export interface Counted {
  count: number;
  bytes: number;
}

export interface ReportLayer {
  index: number;
  diffId: string;
  blobDigest: string | null;
  mediaType: string | null;
  compressedBytes: number | null;
  command: string;
  created: string;
  sizeBytes: number;
  added: Counted;
  modified: Counted;
  removed: Counted;
  /** With --files. */
  files?: StreamedFiles | JsonFileRow[];
}

/** The image as the report shows it: what the analysis knows of its metadata. */
export type ReportImage = ImageMeta;

export interface DiveSummary {
  efficiency: number;
  wastedBytes: number;
  userSizeBytes: number;
  userWastedPercent: number | null;
  inefficientFiles: (JsonPath & { count: number; bytes: number })[];
}

export interface ReportSummary {
  layerBytes: number;
  unionBytes: number;
  unionFiles: number;
  wastedBytes: number;
  efficiency: number;
  baseLayers: number;
  userWastedBytes: number;
  /** Everything the advice would save, each byte counted once. */
  recoverableBytes: number;
  dive: DiveSummary;
}

export interface ReportWastedPath extends JsonPath {
  bytes: number;
  versions: { layer: number; change: ChangeKind; size: number }[];
  hiddenBy: { layer: number; change: ChangeKind };
}

interface AdviceJsonBase {
  bytes: number;
  files: number;
  paths: string[];
  /** Present when some display form does not give the name's bytes back. */
  pathsBase64?: string[];
  message: string;
}

export type ReportAdviceItem =
  | (AdviceJsonBase & {
      kind: 'shipped-then-hidden';
      shippedBy: number;
      hiddenBy: number;
      hiding: Record<HideHow, number>;
    })
  | (AdviceJsonBase & { kind: 'duplicate-content'; size: number; copies: number; directory: boolean })
  | (AdviceJsonBase & { kind: 'leftover'; category: string; layers: number[] });

/** With --ci: the gate's verdict, one entry per rule. */
export interface ReportCi {
  passed: boolean;
  rules: RuleResult[];
  ignore: string[];
}

export interface ImageReport {
  schemaVersion: typeof SCHEMA_VERSION;
  source: SourceInfo;
  image: ReportImage;
  layers: ReportLayer[];
  history: HistoryItem[];
  summary: ReportSummary;
  wasted: ReportWastedPath[];
  advice: ReportAdviceItem[];
  warnings: string[];
  ci?: ReportCi;
  /** `strata container`: the container whose own layer is the top layer. */
  container?: ContainerInfo;
}

export interface DiffSide {
  source: SourceInfo;
  id: string;
  repoTags: string[];
  layers: number;
  layerBytes: number;
  unionBytes: number;
  wastedBytes: number;
}

export interface DiffReport {
  schemaVersion: typeof SCHEMA_VERSION;
  kind: 'diff';
  a: DiffSide;
  b: DiffSide;
  layers: Pick<ImageDiff, 'commonPrefix' | 'shared' | 'onlyA' | 'onlyB'>;
  totals: ImageDiff['totals'];
  files: (JsonPath & Omit<FileDiff, 'path'>)[];
  warnings: string[];
}

export interface SharedLayersReport {
  schemaVersion: typeof SCHEMA_VERSION;
  kind: 'shared';
  storedBytes: number;
  unsharedBytes: number;
  savedBytes: number;
  images: SharedImageRow[];
  layers: SharedLayerRow[];
  warnings: string[];
}
