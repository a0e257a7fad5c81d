/**
 * An image archive on disk (or any outer tar stream: the Engine export uses the same reader):
 * docker save (legacy and Docker >= 25), containerd-store exports, podman/skopeo docker-archive,
 * kaniko, OCI archives. One sequential pass; layers parsed as they pass.
 */
import type { Readable } from 'node:stream';
import { readRegularFile } from './regular-file.js';
import { readOuterTar, resolveLink, type OuterContents } from '../../archive/outer-tar.js';
import { resolveImage } from '../../archive/resolve-image.js';
import type { ResolvedImage } from '../../archive/image-docs.js';
import { indexOuterArchive } from '../../archive/outer-index.js';
import type { DocStore } from '../../archive/image-docs.js';
import { StrataError, EXIT_INPUT } from '../../errors.js';
import type { LayerInfo, LoadedImage, LoadListener } from '../../model/image.js';
import { applyHistory, metaFromConfig, newLayerInfo } from '../../model/image.js';
import { cancelWith, checkCancelled, fillFromParsed, noteStream, type LoadOptions } from '../assemble.js';
import { runLoader, settingsOf } from '../loader.js';
import { decideBaseLayers } from '../engine/base-layers.js';
import { scanOuter, type ReadTarget } from '../scan-layer.js';

/** What a document store needs of an archive: the full pass's contents, or the early index of its headers. */
type OuterListing = Pick<OuterContents, 'json' | 'links' | 'names'> & { layers: { has(name: string): boolean } };

export function outerDocStore(contents: OuterListing): DocStore {
  return {
    json: (p) => contents.json.get(resolveLink(contents, p)) ?? null,
    has: (p) => {
      const r = resolveLink(contents, p);
      return contents.json.has(r) || contents.layers.has(r);
    },
    names: () => contents.names,
  };
}

/** The layer infos and history the resolved documents give, before any layer is parsed. */
export function describeLayers(img: LoadedImage, resolved: ResolvedImage): void {
  const diffIds = Array.isArray(resolved.config.rootfs?.diff_ids) ? resolved.config.rootfs!.diff_ids! : [];
  if (diffIds.length !== resolved.layers.length) {
    img.warnings.push(`the config lists ${diffIds.length} diff_ids but the manifest ${resolved.layers.length} layers`);
  }
  img.layers = resolved.layers.map((ref, i) => newLayerInfo(i, typeof diffIds[i] === 'string' ? diffIds[i] : '', ref));
  applyHistory(img, resolved.config.history);
}

/**
 * Relate the layers parsed from the archive to the described ones: each must be there, its content
 * hash becomes the layer's diff_id (a different one from the config's is a warning). Returns the
 * assembler's keys, bottom first.
 */
export function relateParsed(
  img: LoadedImage,
  resolved: ResolvedImage,
  contents: OuterContents,
  label: string,
): string[] {
  const keys: string[] = [];
  for (const [i, ref] of resolved.layers.entries()) {
    const parsed = contents.layers.get(ref.location);
    if (!parsed) {
      const what = ref.blobDigest ?? ref.location;
      throw new StrataError(
        `${label}: the manifest names layer ${what} (${ref.location}), which is not in the archive`,
        EXIT_INPUT,
      );
    }
    const info = img.layers[i];
    if (info.diffId && info.diffId !== parsed.data.diffId) {
      img.warnings.push(
        `layer ${i} (${ref.location}): content hashes to ${parsed.data.diffId}, but the config says ${info.diffId}`,
      );
    }
    info.diffId = parsed.data.diffId;
    keys.push(ref.location);
  }
  for (const [i, ref] of resolved.layers.entries()) fillFromParsed(img, i, contents.layers.get(ref.location)!);
  return keys;
}

/** The position of the layer an outer entry holds, once the layers are described (progress per layer). */
function layerAt(img: LoadedImage, entry: string): number | null {
  const i = img.layers.findIndex((l) => l.location === entry);
  return i < 0 ? null : i;
}

export async function loadFromOuterStream(
  img: LoadedImage,
  input: Readable,
  label: string,
  opts: LoadOptions,
  emit: LoadListener,
): Promise<{ contents: OuterContents; resolved: ResolvedImage }> {
  cancelWith(opts.signal, input as unknown as { destroy(err?: Error): void });
  const contents = await readOuterTar(input, img.analysis.table, label, {
    maxTarBytes: settingsOf(img).maxLayerBytes,
    onLayerProgress: (name, p) => {
      const layer = layerAt(img, name);
      noteStream(img, name, p, layer);
      emit({ type: 'progress', layer, name });
    },
  });
  checkCancelled(opts.signal);
  const resolved = resolveImage(outerDocStore(contents), { tag: opts.tag, platform: opts.platform }, (n) =>
    resolveLink(contents, n),
  );
  return { contents, resolved };
}

/** The image the archive's documents name, from its index (outer-index.ts); null when not known early. */
function resolveEarly(path: string, opts: LoadOptions): ResolvedImage | null {
  const index = indexOuterArchive(path);
  if (!index) return null;
  try {
    return resolveImage(outerDocStore(index), { tag: opts.tag, platform: opts.platform }, (n) => resolveLink(index, n));
  } catch {
    // The full pass resolves again and reports the error in its own words.
    return null;
  }
}

/** The same image, layer for layer: the archive did not change between the index and the full pass. */
function sameImage(a: ResolvedImage, b: ResolvedImage): boolean {
  return (
    a.configDigest === b.configDigest &&
    a.layers.length === b.layers.length &&
    a.layers.every((l, i) => l.location === b.layers[i].location)
  );
}

interface ArchiveState {
  /** The image as the archive's index named it (the layer stack is known before any layer is read). */
  early: ResolvedImage | null;
  /** The full pass, when it had to come first (no early index: a compressed archive, for one). */
  full: { contents: OuterContents; resolved: ResolvedImage } | null;
}

export function loadArchive(path: string, ref: string, opts: LoadOptions, emit: LoadListener): Promise<LoadedImage> {
  // A regular file only: a FIFO would block and a device read without end (regular-file.ts).
  const open = () => readRegularFile(path, path).stream;
  return runLoader<ArchiveState>(
    {
      source: { kind: 'archive', ref },
      describe: async (img, emit) => {
        img.origin = { kind: 'archive', path };
        const early = resolveEarly(path, opts);
        const full = early ? null : await loadFromOuterStream(img, open(), path, opts, emit);
        const named = early ?? full!.resolved;
        img.meta = metaFromConfig(named.config, named.configDigest ?? '', named.repoTags, named.repoDigests);
        describeLayers(img, named);
        return { baseName: named.baseName, state: { early, full } };
      },
      fill: async (img, asm, { early, full }, emit) => {
        const { contents, resolved } = full ?? (await loadFromOuterStream(img, open(), path, opts, emit));
        if (early && !sameImage(early, resolved)) {
          throw new StrataError(`${path}: the archive changed while it was read`, EXIT_INPUT);
        }
        const described = img.layers.map((l) => l.diffId);
        const keys = relateParsed(img, resolved, contents, path);
        if (early && img.layers.some((l, i) => l.diffId !== described[i])) {
          // The base layers were matched on the config's diff_ids; the content says otherwise.
          img.baseLayers = await decideBaseLayers(img, early.baseName, opts, null);
        }
        for (const k of new Set(keys)) {
          const data = contents.layers.get(k)!.data;
          // One pass over the archive parses every layer anyway; cached, the same layers on an Engine
          // (or in another archive's OCI layout) are free later.
          opts.cache?.put(data, img.analysis.table);
          asm.provide(k, data);
        }
        asm.setOrder(keys);
      },
    },
    opts,
    emit,
  );
}

/** The read-back of an archive: one pass over it, scanning the blob at the layer's location. */
export function readArchiveVersion(
  file: string,
  layer: LayerInfo,
  path: string,
  { sink, discard }: ReadTarget,
): Promise<boolean> {
  const archive = readRegularFile(file, file).stream;
  return scanOuter(archive, { location: layer.location, diffId: layer.diffId }, path, sink, discard);
}
