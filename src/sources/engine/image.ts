/**
 * An image on a Docker or Podman Engine: inspect and history for metadata, then one pass over
 * `GET /images/{id}/get`. The layer order is known up front (inspect's diff_ids), so each layer,
 * identified by hashing its tar as it streams, is merged as soon as the layers below it are in,
 * without waiting for `manifest.json` at the end of the export.
 */
import { PassThrough } from 'node:stream';
import { ArchiveFormatError, readOuterTar, resolveLink } from '../../archive/outer-tar.js';
import { LayerReadError, type ParsedLayer } from '../../archive/layer-parser.js';
import { LayerFormatError } from '../../model/layer-data.js';
import { ExportLocator } from './export-placement.js';
import { checkConfig, resolveImage, digestFromPath } from '../../archive/resolve-image.js';
import { StrataError, EXIT_ENGINE, EXIT_INPUT } from '../../errors.js';
import { Engine } from './client.js';
import { layerSizesFromHistory, mapApiHistory, type ApiHistoryItem } from './history.js';
import type { ImageConfigDoc, LoadedImage, LoadListener } from '../../model/image.js';
import { withImage, applyHistory, configView, newLayerInfo } from '../../model/image.js';
import { Assembler, cancelWith, checkCancelled, fillFromParsed, newImage, noteStream } from '../assemble.js';
import type { LoadOptions } from '../assemble.js';
import type { ImageRecord } from '../../cache/types.js';
import { onAdvice, rememberAdvice } from '../../model/advice.js';
import { decodeAdvice, encodeAdvice } from '../../cache/advice-record.js';
import { decideBaseLayers } from './base-layers.js';
import { outerDocStore } from '../files/tarball.js';
import { keepExport } from './file.js';

function idleSeconds(env: string, fallback: number): number {
  const v = Number(process.env[env]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
}

/** Bytes of export buffered ahead of the analysis (STRATA_READ_AHEAD_MB, default 64). */
const READ_AHEAD_BYTES = (Number(process.env.STRATA_READ_AHEAD_MB) || 64) * 1024 * 1024;

/** Provisional history from the history API until the exact config arrives. */
function historyFromApi(api: ApiHistoryItem[], layerCount: number): ImageConfigDoc['history'] {
  return mapApiHistory(api, layerCount).steps.map((h) => ({
    created: new Date(h.Created * 1000).toISOString(),
    created_by: h.CreatedBy ?? '',
    empty_layer: h.empty,
    comment: h.Comment || undefined,
  }));
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

export async function loadEngineImage(
  name: string,
  kind: 'docker' | 'podman',
  ref: string,
  opts: LoadOptions,
  emit: LoadListener,
  engineIn?: Engine,
): Promise<LoadedImage> {
  const engine = engineIn ?? (await Engine.connect(kind));
  const img = newImage({ kind: 'engine', ref });
  emit = withImage(img, emit);
  const info = await engine.inspect(name);
  const diffIds: string[] = info.RootFS?.Layers ?? [];
  // Before API 1.48 the export has no platform choice: the Engine holds one platform per image.
  const want = opts.platform;
  if (
    want &&
    (want.os !== info.Os ||
      want.architecture !== info.Architecture ||
      (want.variant && want.variant !== (info as { Variant?: string }).Variant))
  ) {
    const have = [info.Os, info.Architecture, (info as { Variant?: string }).Variant].filter(Boolean).join('/');
    const asked = [want.os, want.architecture, want.variant].filter(Boolean).join('/');
    if (!engine.supports('1.48')) throw new StrataError(`${name} is ${have} on this Engine, not ${asked}`, EXIT_INPUT);
  }
  img.origin = { kind: 'engine', engine: kind, imageId: info.Id };
  img.meta = {
    id: info.Id,
    repoTags: info.RepoTags ?? [],
    repoDigests: info.RepoDigests ?? [],
    os: info.Os ?? '',
    architecture: info.Architecture ?? '',
    ...((info as { Variant?: string }).Variant ? { variant: (info as { Variant?: string }).Variant } : {}),
    created: info.Created ?? '',
    config: configView(info.Config as unknown as Record<string, unknown>),
  };
  img.layers = diffIds.map((d, i) => newLayerInfo(i, d));
  try {
    const apiHistory = await engine.history(info.Id);
    applyHistory(img, historyFromApi(apiHistory, diffIds.length));
    // The Engine's own size of each layer: what the progress of its blob is measured against.
    const sizes = layerSizesFromHistory(apiHistory, diffIds.length);
    if (sizes) sizes.forEach((n, i) => (img.layers[i].progress.expectedBytes = n));
    img.warnings.length = 0; // provisional mapping: the config's history replaces it below
  } catch (err) {
    if (err instanceof StrataError && err.exitCode === EXIT_INPUT)
      throw new StrataError(`image ${name} disappeared while reading it`, EXIT_ENGINE);
    throw err;
  }
  img.baseLayers = await decideBaseLayers(
    img,
    info.Config?.Labels?.['org.opencontainers.image.base.name'] ?? null,
    opts,
    engine,
  );
  emit({ type: 'meta' });

  const asm = new Assembler(img, emit);
  asm.setOrder(diffIds);
  const positions = new Map<string, number[]>();
  diffIds.forEach((d, i) => positions.set(d, [...(positions.get(d) ?? []), i]));
  // Layers already in the cache need no export; when all are, skip the export entirely.
  if (opts.cache) {
    for (const d of new Set(diffIds)) {
      const data = opts.cache.get(d, img.analysis.table);
      if (data) asm.provide(d, data);
    }
  }
  let configSeen = false;
  let configText: string | null = null;
  const record = opts.cache?.getImage?.(info.Id, diffIds) ?? null;
  if (asm.missing().length > 0 || !record || record.layers.length !== diffIds.length) {
    let stream;
    try {
      stream = await engine.export(info.Id, opts.platform);
    } catch (err) {
      if (err instanceof StrataError && err.exitCode === EXIT_INPUT)
        throw new StrataError(`image ${name} was removed while reading it`, EXIT_ENGINE);
      throw err;
    }
    // Kept on disk (off the load's path) so that file views later read a range of it.
    const expected = img.layers.reduce((n, l) => n + (l.progress.expectedBytes ?? 0), 0);
    const kept = opts.keepExport ? keepExport(img, stream, expected) : { finish: () => {} };
    const label = `export of ${name}`;
    // Blobs are identified by where they sit in the export, not by hashing them (ExportLocator).
    const locator = new ExportLocator(diffIds, info.Id);
    const unplaced = new Map<string, ParsedLayer>();
    const place = () => {
      for (const [entry, parsed] of unplaced) {
        let pos: number | null = null;
        for (const alias of locator.aliases(entry)) {
          pos = locator.position(alias);
          if (pos !== null) break;
        }
        if (pos === null) continue;
        unplaced.delete(entry);
        const diffId = diffIds[pos];
        parsed.data.diffId = diffId;
        if (parsed.compression === 'none') parsed.blobDigest = diffId;
        else if (!parsed.blobDigest) parsed.blobDigest = digestFromPath(entry) ?? '';
        for (const i of positions.get(diffId) ?? []) fillFromParsed(img, i, parsed);
        opts.cache?.put(parsed.data, img.analysis.table);
        if (!asm.has(diffId)) asm.provide(diffId, parsed.data);
      }
    };
    cancelWith(opts.signal, stream);
    const onAbort = (err: Error) => stream.destroy(err);
    stream.on('aborted', () => onAbort(new Error('ECONNRESET')));
    // A daemon that stays connected but stops sending: Docker <= 24 writes the whole export to
    // disk before its first byte (minutes for big images), so the first wait is long, later ones short.
    const idle = {
      first: idleSeconds('STRATA_EXPORT_FIRST_BYTE_TIMEOUT', 900),
      next: idleSeconds('STRATA_EXPORT_IDLE_TIMEOUT', 120),
    };
    let stalled: number | null = null;
    let timer = setTimeout(() => stall(idle.first), idle.first * 1000);
    const stall = (secs: number) => {
      stalled = secs;
      stream.destroy(new Error('stalled'));
    };
    stream.on('data', () => {
      clearTimeout(timer);
      timer = setTimeout(() => stall(idle.next), idle.next * 1000);
    });
    stream.on('close', () => clearTimeout(timer));
    let contents;
    try {
      // A deep read-ahead buffer: the daemon keeps writing while a layer is being parsed, so the
      // export (the part the user waits for) is never held back by our analysis.
      const readAhead = new PassThrough({ highWaterMark: READ_AHEAD_BYTES });
      stream.on('error', (err: Error) => readAhead.destroy(err));
      contents = await readOuterTar(stream.pipe(readAhead), img.analysis.table, label, {
        digests: false,
        onLayerProgress: (entry, p) => {
          // Attribute the bytes to a layer as soon as the blob's place is known.
          let pos: number | null = null;
          for (const alias of locator.aliases(entry)) if ((pos = locator.position(alias)) !== null) break;
          noteStream(img, entry, p, pos);
          emit({ type: 'progress', layer: pos, name: entry });
        },
        onLayer: (entry, parsed) => {
          unplaced.set(entry, parsed);
          place();
        },
        onLink: (entry, target) => {
          locator.noteLink(entry, target);
          place();
        },
        onJson: (entry, doc) => {
          locator.noteJson(entry, doc);
          place();
          // The config: named after the image id (legacy "<hex>.json", "blobs/sha256/<hex>"), or
          // on the containerd store recognised by its diff_ids.
          const digest = digestFromPath(entry);
          if (digest === null || (digest !== info.Id && digest !== locator.configDigest)) return;
          let cfg: ImageConfigDoc;
          try {
            cfg = JSON.parse(doc.toString('utf8')) as ImageConfigDoc;
          } catch {
            return; // A broken config is reported by the resolution below.
          }
          // Fields of the wrong type: the Engine's failure, one line naming the field.
          checkConfig(cfg, engine.fields(`the export of ${name} (its config ${digest})`));
          configText = doc.toString('utf8');
          applyHistory(img, cfg.history);
          configSeen = true;
          emit({ type: 'meta' });
        },
      });
    } catch (err) {
      checkCancelled(opts.signal);
      if (stalled !== null) {
        throw new StrataError(
          `the Engine at ${engine.endpoint} stopped sending the export of ${name} (no data for ${stalled} s)`,
          EXIT_ENGINE,
        );
      }
      if (err instanceof StrataError) throw err;
      // Told apart by class and code, never by message text: a connection error (ECONNRESET,
      // ERR_STREAM_PREMATURE_CLOSE ...) or an export that ends inside the outer tar was cut off.
      const e = err as NodeJS.ErrnoException;
      const ours = err instanceof LayerReadError || err instanceof LayerFormatError;
      const cut = err instanceof ArchiveFormatError ? err.tarCode === 'truncated' : !ours && !!e?.code;
      if (cut) {
        throw new StrataError(
          `the export of ${name} from the Engine at ${engine.endpoint} was cut off (${e.code ?? e.message}); the daemon may have stopped`,
          EXIT_ENGINE,
        );
      }
      // Corrupt content from a live daemon is still the daemon's failure.
      throw new StrataError(`${(err as Error).message}`, EXIT_ENGINE);
    }
    // Descriptors (blob digests, media types) and the authoritative history come from the export.
    try {
      const resolved = resolveImage(outerDocStore(contents), {}, (n) => resolveLink(contents, n));
      resolved.layers.forEach((r, i) => {
        const l = img.layers[i];
        if (!l) return;
        if (r.blobDigest) l.blobDigest = r.blobDigest;
        if (r.mediaType) l.mediaType = r.mediaType;
      });
      if (!configSeen) applyHistory(img, resolved.config.history);
    } catch (err) {
      img.warnings.push(`could not read the export's manifest: ${(err as Error).message}`);
    }
    const missing = asm.missing();
    if (missing.length > 0) {
      throw new StrataError(`the export of ${name} lacks layer(s) ${missing.join(', ')}`, EXIT_ENGINE);
    }
    kept.finish();
    if (configText !== null) {
      const layers = img.layers.map((l) => ({
        blobDigest: l.blobDigest,
        mediaType: l.mediaType,
        compressedBytes: l.compressedBytes,
      }));
      opts.cache?.putImage?.(info.Id, { config: configText, layers });
      keepAdvice(img, opts, info.Id, { config: configText, layers });
    }
  } else {
    // Everything cached: the config (verified against the image id), the layer descriptors, and
    // the advice when a run before computed it.
    applyHistory(img, (JSON.parse(record.config) as ImageConfigDoc).history);
    record.layers.forEach((r, i) => Object.assign(img.layers[i], r));
    const advice = decodeAdvice(record.advice, img.analysis.layerCount, img.analysis.table);
    if (advice) rememberAdvice(img.analysis, advice);
    else keepAdvice(img, opts, info.Id, { config: record.config, layers: record.layers });
  }
  img.complete = true;
  emit({ type: 'done' });
  return img;
}
