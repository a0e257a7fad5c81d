/**
 * An image archive on disk (or any outer tar stream: the Engine export uses the same reader):
 * docker save (legacy and Docker >= 25), containerd-store exports, podman/skopeo docker-archive,
 * kaniko, OCI archives. One sequential pass; layers parsed as they pass.
 */
import type { Readable } from 'node:stream';
import { readRegularFile } from './regular-file.js';
import { readOuterTar, resolveLink, type OuterContents } from '../../archive/outer-tar.js';
import { resolveImage, type ResolvedImage } from '../../archive/resolve-image.js';
import type { DocStore } from '../../archive/image-docs.js';
import { StrataError, EXIT_INPUT } from '../../errors.js';
import type { LayerInfo, LoadedImage, LoadListener } from '../../model/image.js';
import { applyHistory, metaFromConfig, newLayerInfo } from '../../model/image.js';
import { cancelWith, checkCancelled, fillFromParsed, noteStream, type LoadOptions } from '../assemble.js';
import { runLoader, settingsOf } from '../loader.js';
import { scanOuter, type ReadTarget } from '../scan-layer.js';

export function outerDocStore(contents: OuterContents): DocStore {
  return {
    json: (p) => contents.json.get(resolveLink(contents, p)) ?? null,
    has: (p) => {
      const r = resolveLink(contents, p);
      return contents.json.has(r) || contents.layers.has(r);
    },
    names: () => contents.names,
  };
}

/** Relate a resolved image to the layers parsed from the archive; set up info and history. */
export function setUpLayers(
  img: LoadedImage,
  resolved: ResolvedImage,
  contents: OuterContents,
  label: string,
): string[] {
  const diffIds = Array.isArray(resolved.config.rootfs?.diff_ids) ? resolved.config.rootfs!.diff_ids! : [];
  if (diffIds.length !== resolved.layers.length) {
    img.warnings.push(`the config lists ${diffIds.length} diff_ids but the manifest ${resolved.layers.length} layers`);
  }
  const keys: string[] = [];
  img.layers = resolved.layers.map((ref, i) => {
    const parsed = contents.layers.get(ref.location);
    if (!parsed) {
      const what = ref.blobDigest ?? ref.location;
      throw new StrataError(
        `${label}: the manifest names layer ${what} (${ref.location}), which is not in the archive`,
        EXIT_INPUT,
      );
    }
    if (diffIds[i] && diffIds[i] !== parsed.data.diffId) {
      img.warnings.push(
        `layer ${i} (${ref.location}): content hashes to ${parsed.data.diffId}, but the config says ${diffIds[i]}`,
      );
    }
    keys.push(ref.location);
    return newLayerInfo(i, parsed.data.diffId, ref);
  });
  for (const [i, ref] of resolved.layers.entries()) fillFromParsed(img, i, contents.layers.get(ref.location)!);
  applyHistory(img, resolved.config.history);
  return keys;
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
      noteStream(img, name, p, null);
      emit({ type: 'progress', layer: null, name });
    },
  });
  checkCancelled(opts.signal);
  const resolved = resolveImage(outerDocStore(contents), { tag: opts.tag, platform: opts.platform }, (n) =>
    resolveLink(contents, n),
  );
  return { contents, resolved };
}

export function loadArchive(path: string, ref: string, opts: LoadOptions, emit: LoadListener): Promise<LoadedImage> {
  return runLoader<{ keys: string[]; contents: OuterContents }>(
    {
      source: { kind: 'archive', ref },
      describe: async (img, emit) => {
        img.origin = { kind: 'archive', path };
        // A regular file only: a FIFO would block and a device read without end (regular-file.ts).
        const input = readRegularFile(path, path).stream;
        const { contents, resolved } = await loadFromOuterStream(img, input, path, opts, emit);
        const { config, configDigest, repoTags, repoDigests } = resolved;
        img.meta = metaFromConfig(config, configDigest ?? '', repoTags, repoDigests);
        const keys = setUpLayers(img, resolved, contents, path);
        return { baseName: resolved.baseName, state: { keys, contents } };
      },
      fill: async (img, asm, { keys, contents }) => {
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
