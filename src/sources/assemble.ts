/**
 * Glue shared by every source: parsed layers arrive in any order, keyed by where they came from;
 * once the order is known, each layer is merged as soon as it and all the layers below it are in.
 */
import { Analysis } from '../model/analysis.js';
import { PathTable } from '../model/path-table.js';
import type { ParsedLayer } from '../archive/layer-parser.js';
import type { LayerCacheLike } from '../cache/types.js';
import type { LayerData } from '../model/layer-data.js';
import type { LoadedImage, LoadListener, SourceInfo } from '../model/image.js';
import { configView } from '../model/image.js';
import { StrataError, EXIT_INPUT } from '../errors.js';
import type { SourceSettings } from './settings.js';

export interface LoadOptions {
  /** Pick an image in a multi-image archive. */
  tag?: string;
  platform?: { os: string; architecture: string; variant?: string };
  /** `--base-layers N`: overrides the base detection when set. */
  baseLayers?: number;
  /** Stops a load (an export, an archive read) that is no longer wanted. */
  signal?: AbortSignal;
  /** Per-diff_id cache; undefined when disabled. */
  cache?: LayerCacheLike;
  /** `--insecure`: registries may be reached over plain HTTP (loopback hosts always may). */
  insecure?: boolean;
  /** Keep an Engine export on disk for later file reads (the TUI; docs/semantics.md, "Reading a file back"). */
  keepExport?: boolean;
  /** The `STRATA_*` settings (sources/settings.ts); default DEFAULT_SOURCE_SETTINGS. */
  settings?: SourceSettings;
}

export function newImage(source: SourceInfo): LoadedImage {
  return {
    source,
    origin: { kind: 'none' },
    meta: { id: '', repoTags: [], repoDigests: [], os: '', architecture: '', created: '', config: configView(null) },
    layers: [],
    history: [],
    analysis: new Analysis(new PathTable()),
    baseLayers: 1,
    warnings: [],
    complete: false,
  };
}

export class Assembler {
  private readonly byKey = new Map<string, LayerData>();
  private order: string[] | null = null;

  constructor(
    private readonly img: LoadedImage,
    private readonly emit: LoadListener,
  ) {}

  /** The key of each layer position, base first. */
  setOrder(keys: string[]): void {
    this.order = keys;
    this.pump();
  }

  provide(key: string, data: LayerData): void {
    this.byKey.set(key, data);
    this.pump();
  }

  has(key: string): boolean {
    return this.byKey.has(key);
  }

  missing(): string[] {
    return (this.order ?? []).filter((k) => !this.byKey.has(k));
  }

  private pump(): void {
    if (!this.order) return;
    const a = this.img.analysis;
    while (a.layerCount < this.order.length) {
      const key = this.order[a.layerCount];
      const data = this.byKey.get(key);
      if (!data) return;
      const i = a.layerCount;
      a.addLayer(data);
      const info = this.img.layers[i];
      if (info) info.merged = true;
      this.emit({ type: 'layer', index: i });
    }
  }
}

/** Destroy `stream` when the load is cancelled; throws at once when it already is. */
export function cancelWith(signal: AbortSignal | undefined, stream: { destroy(err?: Error): void }): void {
  if (!signal) return;
  const abort = () => stream.destroy(new StrataError('cancelled', EXIT_INPUT));
  if (signal.aborted) abort();
  else signal.addEventListener('abort', abort, { once: true });
}

export function checkCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new StrataError('cancelled', EXIT_INPUT);
}

/** Record what the stream is reading, for progress displays. */
export function noteStream(
  img: LoadedImage,
  name: string,
  p: { blobBytes: number; tarBytes: number; entries: number },
  layer: number | null,
): void {
  img.stream = { name, blobBytes: p.blobBytes, tarBytes: p.tarBytes, entries: p.entries, layer };
  if (layer !== null && img.layers[layer])
    img.layers[layer].progress = { ...p, expectedBytes: img.layers[layer].progress.expectedBytes };
}

export function fillFromParsed(img: LoadedImage, index: number, parsed: ParsedLayer): void {
  const info = img.layers[index];
  if (!info) return;
  info.progress = {
    blobBytes: parsed.blobBytes,
    tarBytes: parsed.data.tarBytes,
    entries: parsed.data.count,
    expectedBytes: parsed.blobBytes,
  };
  info.parsed = true;
  if (!info.blobDigest) info.blobDigest = parsed.blobDigest;
  if (info.compressedBytes === null && parsed.compression !== 'none') info.compressedBytes = parsed.blobBytes;
  if (!info.mediaType) {
    info.mediaType =
      parsed.compression === 'gzip'
        ? 'application/vnd.docker.image.rootfs.diff.tar.gzip'
        : parsed.compression === 'zstd'
          ? 'application/vnd.oci.image.layer.v1.tar+zstd'
          : 'application/vnd.docker.image.rootfs.diff.tar';
  }
}
