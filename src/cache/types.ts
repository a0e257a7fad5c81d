/**
 * What the sources ask of the per-layer cache (layer-cache.ts implements it; tests may pass a
 * fake), and the per-image record it keeps.
 */
import type { LayerData } from '../model/layer-data.js';
import type { PathTable } from '../model/path-table.js';

export interface LayerCacheLike {
  /** Why the cache is not used (its directories fail the trust checks), once it has been looked at. */
  warning?: string | null;
  get(diffId: string, table: PathTable): LayerData | null;
  put(data: LayerData, table: PathTable): void;
  /** Per-image record (config text and layer descriptors), keyed by image id = config digest. */
  getImage?(id: string, diffIds?: string[]): ImageRecord | null;
  putImage?(id: string, rec: ImageRecord): void;
}

/** The record of one image: its config text and layer descriptors, keyed by image id. */
export interface ImageRecord {
  config: string;
  layers: { blobDigest: string | null; mediaType: string | null; compressedBytes: number | null }[];
  /** The image's computed advice (advice-record.ts), added once a face asked for it; checked when read. */
  advice?: unknown;
}
