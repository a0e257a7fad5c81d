/**
 * The loaded image that reports and the UI read: metadata, per-layer info, history, and the
 * analysis (which grows while layers stream in). Shared by every source.
 */
import type { Analysis } from './analysis.js';

/** An image config document as read (only the fields the image model uses are typed). */
export interface ImageConfigDoc {
  architecture?: string;
  os?: string;
  variant?: string;
  created?: string;
  config?: Record<string, unknown> | null;
  rootfs?: { type?: string; diff_ids?: string[] };
  history?: { created?: string; created_by?: string; empty_layer?: boolean; comment?: string }[];
}

export interface LayerRef {
  /** Where the layer blob is: an archive entry name (after links) or "blobs/sha256/<hex>". */
  location: string;
  blobDigest: string | null;
  mediaType: string | null;
  compressedBytes: number | null;
}

export interface ImageConfigView {
  Env: string[];
  Cmd: string[] | null;
  Entrypoint: string[] | null;
  WorkingDir: string;
  User: string;
  ExposedPorts: Record<string, unknown>;
  Volumes: Record<string, unknown>;
  Labels: Record<string, string>;
}

export interface ImageMeta {
  id: string;
  repoTags: string[];
  repoDigests: string[];
  os: string;
  architecture: string;
  variant?: string;
  created: string;
  config: ImageConfigView;
}

export interface HistoryItem {
  created: string;
  createdBy: string;
  emptyLayer: boolean;
  layerIndex: number | null;
  comment?: string;
}

export interface LayerInfo {
  index: number;
  diffId: string;
  blobDigest: string | null;
  mediaType: string | null;
  compressedBytes: number | null;
  /** Where the blob is inside an archive or layout ("<v1id>/layer.tar", "blobs/sha256/..."). */
  location: string | null;
  command: string;
  created: string;
  /** Set once the layer's blob is parsed (it may still wait for the layers below to merge). */
  parsed?: boolean;
  /** Set once the layer is merged into the analysis. */
  merged: boolean;
  /** Streaming progress of this layer's blob. */
  progress: { blobBytes: number; tarBytes: number; entries: number; expectedBytes: number | null };
}

export interface SourceInfo {
  kind: 'engine' | 'archive' | 'oci-layout' | 'registry';
  ref: string;
}

/** How to read a layer blob again (file view, extraction). */
export type Origin =
  | { kind: 'archive'; path: string }
  | { kind: 'oci-layout'; dir: string }
  | { kind: 'engine'; engine: 'docker' | 'podman'; imageId: string; container?: { id: string; layer: number } }
  | { kind: 'registry'; open: (index: number) => Promise<AsyncIterable<Buffer>> }
  | { kind: 'none' };

export interface LoadedImage {
  source: SourceInfo;
  origin: Origin;
  meta: ImageMeta;
  layers: LayerInfo[];
  history: HistoryItem[];
  analysis: Analysis;
  baseLayers: number;
  warnings: string[];
  /** True once every layer is merged. */
  complete: boolean;
  /** The blob being streamed right now (an export or archive entry) and how far it is. */
  stream?: { name: string; blobBytes: number; tarBytes: number; entries: number; layer: number | null };
  /** The reference the image was used through, when there is one (not a bare id or path). */
  reference?: { name: string; official: boolean; floating: boolean } | null;
}

/** Every event carries the image being loaded (mutated in place as layers arrive). */
export type LoadEvent = (
  | { type: 'meta' }
  | { type: 'progress'; layer: number | null; name: string }
  | { type: 'layer'; index: number }
  | { type: 'done' }
) & { image?: LoadedImage };

export type LoadListener = (ev: LoadEvent) => void;

const EMPTY_CONFIG: ImageConfigView = {
  Env: [],
  Cmd: null,
  Entrypoint: null,
  WorkingDir: '',
  User: '',
  ExposedPorts: {},
  Volumes: {},
  Labels: {},
};

/** The config fields the report shows, with stable defaults for absent keys. */
export function configView(cfg: Record<string, unknown> | null | undefined): ImageConfigView {
  if (!cfg || typeof cfg !== 'object') return { ...EMPTY_CONFIG };
  const arr = (v: unknown): string[] | null => (Array.isArray(v) ? v.map(String) : null);
  const obj = <T>(v: unknown): Record<string, T> =>
    v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, T>) : {};
  return {
    Env: arr(cfg.Env) ?? [],
    Cmd: arr(cfg.Cmd),
    Entrypoint: arr(cfg.Entrypoint),
    WorkingDir: typeof cfg.WorkingDir === 'string' ? cfg.WorkingDir : '',
    User: typeof cfg.User === 'string' ? cfg.User : '',
    ExposedPorts: obj(cfg.ExposedPorts),
    Volumes: obj(cfg.Volumes),
    Labels: Object.fromEntries(
      Object.entries(obj<unknown>(cfg.Labels)).filter((e): e is [string, string] => typeof e[1] === 'string'),
    ),
  };
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

export function metaFromConfig(doc: ImageConfigDoc, id: string, repoTags: string[], repoDigests: string[]): ImageMeta {
  return {
    id,
    repoTags,
    repoDigests,
    // A hostile config may hold any JSON here; the report promises strings (schema/report.schema.json).
    os: str(doc.os),
    architecture: str(doc.architecture),
    ...(doc.variant && typeof doc.variant === 'string' ? { variant: doc.variant } : {}),
    created: str(doc.created),
    config: configView(doc.config ?? null),
  };
}

/**
 * Map history entries onto layers: entries whose `empty_layer` is not true map, in order, onto the
 * layers. When the counts disagree, say so and leave the unmatched layers without a command.
 */
export function mapHistory(
  history: ImageConfigDoc['history'],
  layerCount: number,
  warnings: string[],
): { items: HistoryItem[]; command: string[]; created: string[] } {
  const items: HistoryItem[] = [];
  const command = new Array<string>(layerCount).fill('');
  const created = new Array<string>(layerCount).fill('');
  let next = 0;
  let overflow = 0;
  for (const h of Array.isArray(history) ? history : []) {
    const empty = h?.empty_layer === true;
    let layerIndex: number | null = null;
    if (!empty) {
      if (next < layerCount) {
        layerIndex = next;
        command[next] = typeof h.created_by === 'string' ? h.created_by : '';
        created[next] = typeof h.created === 'string' ? h.created : '';
      } else overflow++;
      next++;
    }
    items.push({
      created: typeof h?.created === 'string' ? h.created : '',
      createdBy: typeof h?.created_by === 'string' ? h.created_by : '',
      emptyLayer: empty,
      layerIndex,
      ...(typeof h?.comment === 'string' && h.comment ? { comment: h.comment } : {}),
    });
  }
  const counts = `history lists ${next} non-empty steps but the image has ${layerCount} layers`;
  if (overflow > 0) warnings.push(`${counts}; ${overflow} step(s) match no layer`);
  else if (next < layerCount) warnings.push(`${counts}; ${layerCount - next} layer(s) have no recorded command`);
  return { items, command, created };
}

export function newLayerInfo(index: number, diffId: string, ref?: LayerRef): LayerInfo {
  return {
    index,
    diffId,
    blobDigest: ref?.blobDigest ?? null,
    mediaType: ref?.mediaType ?? null,
    compressedBytes: ref?.compressedBytes ?? null,
    location: ref?.location ?? null,
    command: '',
    created: '',
    merged: false,
    progress: { blobBytes: 0, tarBytes: 0, entries: 0, expectedBytes: null },
  };
}

export function applyHistory(img: LoadedImage, history: ImageConfigDoc['history']): void {
  const warnings: string[] = [];
  const { items, command, created } = mapHistory(history, img.layers.length, warnings);
  img.history = items;
  img.layers.forEach((l, i) => {
    l.command = command[i];
    l.created = created[i];
  });
  for (const w of warnings) if (!img.warnings.includes(w)) img.warnings.push(w);
}

/** A listener that stamps every event with the image, so subscribers can render it while it loads. */
export function withImage(img: LoadedImage, emit: LoadListener): LoadListener {
  return (ev) => emit({ ...ev, image: img });
}
