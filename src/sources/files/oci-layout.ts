/**
 * An OCI image layout directory (`oci:DIR`): index.json -> (nested index ->) manifest -> layers,
 * read straight from `blobs/`. Layers are parsed in order, so each is merged as soon as it is read.
 */
import fs from 'node:fs';
import path from 'node:path';
import { resolveImage } from '../../archive/resolve-image.js';
import type { ResolvedImage } from '../../archive/image-docs.js';
import type { DocStore } from '../../archive/image-docs.js';
import { parseLayer } from '../../archive/layer-parser.js';
import { StrataError, EXIT_INPUT } from '../../errors.js';
import type { LayerInfo, LayerRef, LoadedImage, LoadListener } from '../../model/image.js';
import { applyHistory, metaFromConfig, newLayerInfo } from '../../model/image.js';
import type { LayerData } from '../../model/layer-data.js';
import { checkCancelled, fillFromParsed, noteStream, type LoadOptions } from '../assemble.js';
import { runLoader, settingsOf } from '../loader.js';
import { scanLayer, type ReadTarget } from '../scan-layer.js';
import { checkedPath, readRegularFile } from './regular-file.js';

const MAX_DOC = 32 * 1024 * 1024;

function inside(root: string, rel: string): string | null {
  const p = path.resolve(root, rel);
  return p === root || p.startsWith(root + path.sep) ? p : null;
}

export function dirDocStore(root: string): DocStore {
  return {
    json: (rel) => {
      const p = inside(root, rel);
      if (!p) return null;
      try {
        // A document must be a regular file inside the layout (a FIFO or device is never opened).
        const real = checkedPath(p, rel, root);
        const st = fs.statSync(real);
        if (!st.isFile() || st.size > MAX_DOC) return null;
        return fs.readFileSync(real);
      } catch {
        return null;
      }
    },
    has: (rel) => {
      const p = inside(root, rel);
      return p !== null && fs.existsSync(p);
    },
    names: () => {
      try {
        return fs.readdirSync(root);
      } catch {
        return [];
      }
    },
  };
}

export function loadOciLayout(dir: string, ref: string, opts: LoadOptions, emit: LoadListener): Promise<LoadedImage> {
  const root = path.resolve(dir);
  return runLoader<ResolvedImage>(
    {
      source: { kind: 'oci-layout', ref },
      describe: async (img) => {
        img.origin = { kind: 'oci-layout', dir: root };
        const resolved = resolveImage(dirDocStore(root), { tag: opts.tag, platform: opts.platform });
        const { config, configDigest, repoTags, repoDigests } = resolved;
        img.meta = metaFromConfig(config, configDigest ?? '', repoTags, repoDigests);
        const diffIds = config.rootfs?.diff_ids ?? [];
        img.layers = resolved.layers.map((r, i) => newLayerInfo(i, diffIds[i] ?? '', r));
        applyHistory(img, config.history);
        return { baseName: resolved.baseName, state: resolved };
      },
      fill: async (img, asm, resolved, emit) => {
        asm.setOrder(resolved.layers.map((_, i) => String(i)));
        for (const [i, r] of resolved.layers.entries()) {
          checkCancelled(opts.signal);
          const data = await layoutLayer(img, root, dir, i, r, opts, emit);
          asm.provide(String(i), data);
        }
      },
    },
    opts,
    emit,
  );
}

/** Layer `i` of the layout: from the cache, else parsed from its blob (checked against its digests). */
async function layoutLayer(
  img: LoadedImage,
  root: string,
  dir: string,
  i: number,
  r: LayerRef,
  opts: LoadOptions,
  emit: LoadListener,
): Promise<LayerData> {
  const file = inside(root, r.location);
  if (!file || !fs.existsSync(file))
    throw new StrataError(`${dir}: blob ${r.blobDigest ?? r.location} is missing from the layout`, EXIT_INPUT);
  const info = img.layers[i];
  const label = `${dir}: blob ${r.blobDigest ?? r.location}`;
  const cached = info.diffId ? opts.cache?.get(info.diffId, img.analysis.table) : null;
  if (cached) return cached;
  const { stream, size } = readRegularFile(file, label, { within: root });
  info.progress.expectedBytes = size;
  const parsed = await parseLayer(stream, {
    table: img.analysis.table,
    label,
    maxTarBytes: settingsOf(img).maxLayerBytes,
    onProgress: (p) => {
      noteStream(img, r.location, p, i);
      emit({ type: 'progress', layer: i, name: r.location });
    },
  });
  if (info.diffId && info.diffId !== parsed.data.diffId) {
    img.warnings.push(
      `layer ${i} (${r.blobDigest}): content hashes to ${parsed.data.diffId}, but the config says ${info.diffId}`,
    );
  }
  if (r.blobDigest && r.blobDigest !== parsed.blobDigest && parsed.compression !== 'none') {
    img.warnings.push(`layer ${i}: blob hashes to ${parsed.blobDigest}, but the manifest says ${r.blobDigest}`);
  }
  info.diffId = parsed.data.diffId;
  fillFromParsed(img, i, parsed);
  opts.cache?.put(parsed.data, img.analysis.table);
  return parsed.data;
}

/** The read-back of a layout: the layer's blob, straight from `blobs/`. */
export async function readLayoutVersion(
  dir: string,
  info: LayerInfo,
  layer: number,
  path: string,
  { sink, discard }: ReadTarget,
): Promise<boolean> {
  if (!info.location) throw new StrataError(`layer ${layer} has no blob location`, EXIT_INPUT);
  const blob = readRegularFile(`${dir}/${info.location}`, `${dir}: blob ${info.location}`, { within: dir });
  return (await scanLayer(blob.stream, path, sink, discard)).found;
}
