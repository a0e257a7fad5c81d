/**
 * An image on a Docker or Podman Engine: inspect and history for metadata, then one pass over
 * `GET /images/{id}/get` (export-read.ts). The layer order is known up front (inspect's diff_ids),
 * so each layer is merged as soon as the layers below it are in, without waiting for
 * `manifest.json` at the end of the export. Layers in the cache need no export; when all are, and
 * the cache holds the image's record, the export is skipped entirely.
 */
import type Docker from 'dockerode';
import { decodeAdvice, encodeAdvice } from '../../cache/advice-record.js';
import { StrataError, EXIT_ENGINE, EXIT_INPUT } from '../../errors.js';
import { onAdvice, rememberAdvice } from '../../model/advice.js';
import type { ImageConfigDoc, LoadedImage, LoadListener } from '../../model/image.js';
import { applyHistory, configView, newLayerInfo } from '../../model/image.js';
import { formatPlatform, platformMatches, type Platform } from '../../model/platform.js';
import type { ImageRecord } from '../../cache/types.js';
import type { Assembler, LoadOptions } from '../assemble.js';
import { runLoader } from '../loader.js';
import { DEFAULT_SOURCE_SETTINGS } from '../settings.js';
import { Engine } from './client.js';
import { readExport } from './export-read.js';
import { layerSizesFromHistory, mapApiHistory, type ApiHistoryItem } from './history.js';

type Inspect = Docker.ImageInspectInfo & { Variant?: string };

interface EngineState {
  engine: Engine;
  info: Inspect;
  diffIds: string[];
}

/** Provisional history from the history API until the exact config arrives. */
function historyFromApi(api: ApiHistoryItem[], layerCount: number): ImageConfigDoc['history'] {
  return mapApiHistory(api, layerCount).steps.map((h) => ({
    created: new Date(h.Created * 1000).toISOString(),
    created_by: h.CreatedBy ?? '',
    empty_layer: h.empty,
    comment: h.Comment || undefined,
  }));
}

/**
 * The history API's mapping, until the config's own history replaces it. The warnings this
 * provisional mapping raises are dropped (the config's history raises its own), and only those:
 * warnings already on the image stay. The Engine's own size of each layer is what the progress of
 * its blob is measured against.
 */
export function applyProvisionalHistory(img: LoadedImage, api: ApiHistoryItem[]): void {
  const before = img.warnings.length;
  applyHistory(img, historyFromApi(api, img.layers.length));
  img.warnings.splice(before);
  const sizes = layerSizesFromHistory(api, img.layers.length);
  if (sizes)
    sizes.forEach((n, i) => {
      img.layers[i].progress.expectedBytes = n;
    });
}

/** Before API 1.48 the export has no platform choice: the Engine holds one platform per image. */
function checkPlatform(engine: Engine, name: string, info: Inspect, want: Platform | undefined): void {
  const have = { os: info.Os ?? '', architecture: info.Architecture ?? '', variant: info.Variant };
  if (!want || platformMatches(want, have) || engine.supports('1.48')) return;
  throw new StrataError(`${name} is ${formatPlatform(have)} on this Engine, not ${formatPlatform(want)}`, EXIT_INPUT);
}

/** Origin, meta and layer infos from the inspection. */
function describeFromInspect(img: LoadedImage, kind: 'docker' | 'podman', info: Inspect, diffIds: string[]): void {
  img.origin = { kind: 'engine', engine: kind, imageId: info.Id };
  img.meta = {
    id: info.Id,
    repoTags: info.RepoTags ?? [],
    repoDigests: info.RepoDigests ?? [],
    os: info.Os ?? '',
    architecture: info.Architecture ?? '',
    ...(info.Variant ? { variant: info.Variant } : {}),
    created: info.Created ?? '',
    config: configView(info.Config as unknown as Record<string, unknown>),
  };
  img.layers = diffIds.map((d, i) => newLayerInfo(i, d));
}

/** Once a face computes the image's advice, add it to the image's cache record. */
function keepAdvice(img: LoadedImage, opts: LoadOptions, id: string, rec: ImageRecord): void {
  const cache = opts.cache;
  if (!cache?.putImage) return;
  const a = img.analysis;
  const layers = a.layerCount;
  onAdvice(a, (advice) => {
    const stored = encodeAdvice(advice, layers, a.table);
    if (stored) cache.putImage?.(id, { ...rec, advice: stored });
  });
}

/**
 * Everything cached: the config (verified against the image id), the layer descriptors, and the
 * advice when a run before computed it.
 */
function fillFromRecord(img: LoadedImage, opts: LoadOptions, id: string, record: ImageRecord): void {
  applyHistory(img, (JSON.parse(record.config) as ImageConfigDoc).history);
  record.layers.forEach((r, i) => {
    Object.assign(img.layers[i], r);
  });
  const advice = decodeAdvice(record.advice, img.analysis.layerCount, img.analysis.table);
  if (advice) rememberAdvice(img.analysis, advice);
  else keepAdvice(img, opts, id, { config: record.config, layers: record.layers });
}

/** The layers: from the cache where it has them, the rest (and the image record) from one export. */
async function fillEngineLayers(
  img: LoadedImage,
  asm: Assembler,
  { engine, info, diffIds }: EngineState,
  name: string,
  opts: LoadOptions,
  emit: LoadListener,
): Promise<void> {
  asm.setOrder(diffIds);
  if (opts.cache) {
    for (const d of new Set(diffIds)) {
      const data = opts.cache.get(d, img.analysis.table);
      if (data) asm.provide(d, data);
    }
  }
  const record = opts.cache?.getImage?.(info.Id, diffIds) ?? null;
  if (asm.missing().length === 0 && record && record.layers.length === diffIds.length) {
    fillFromRecord(img, opts, info.Id, record);
    return;
  }
  const settings = opts.settings ?? DEFAULT_SOURCE_SETTINGS;
  const target = { name, imageId: info.Id, diffIds };
  const configText = await readExport(img, engine, target, asm, opts, settings, emit);
  if (configText === null) return;
  const layers = img.layers.map((l) => ({
    blobDigest: l.blobDigest,
    mediaType: l.mediaType,
    compressedBytes: l.compressedBytes,
  }));
  opts.cache?.putImage?.(info.Id, { config: configText, layers });
  keepAdvice(img, opts, info.Id, { config: configText, layers });
}

export function loadEngineImage(
  name: string,
  kind: 'docker' | 'podman',
  ref: string,
  opts: LoadOptions,
  emit: LoadListener,
  engineIn?: Engine,
): Promise<LoadedImage> {
  return runLoader<EngineState>(
    {
      source: { kind: 'engine', ref },
      describe: async (img) => {
        const engine = engineIn ?? (await Engine.connect(kind));
        const info: Inspect = await engine.inspect(name);
        const diffIds: string[] = info.RootFS?.Layers ?? [];
        checkPlatform(engine, name, info, opts.platform);
        describeFromInspect(img, kind, info, diffIds);
        try {
          applyProvisionalHistory(img, await engine.history(info.Id));
        } catch (err) {
          if (err instanceof StrataError && err.exitCode === EXIT_INPUT)
            throw new StrataError(`image ${name} disappeared while reading it`, EXIT_ENGINE);
          throw err;
        }
        const baseName = info.Config?.Labels?.['org.opencontainers.image.base.name'] ?? null;
        return { baseName, engine, state: { engine, info, diffIds } };
      },
      fill: (img, asm, state, emit) => fillEngineLayers(img, asm, state, name, opts, emit),
    },
    opts,
    emit,
  );
}
