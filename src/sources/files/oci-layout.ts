/**
 * An OCI image layout directory (`oci:DIR`): index.json -> (nested index ->) manifest -> layers,
 * read straight from `blobs/`. Layers are parsed in order, so each is merged as soon as it is read.
 */
import fs from 'node:fs';
import path from 'node:path';
import { resolveImage, type DocStore } from '../../archive/resolve-image.js';
import { parseLayer } from '../../archive/layer-parser.js';
import { StrataError, EXIT_INPUT } from '../../errors.js';
import type { LoadedImage, LoadListener } from '../../model/image.js';
import { withImage, applyHistory, metaFromConfig, newLayerInfo } from '../../model/image.js';
import { Assembler, checkCancelled, fillFromParsed, newImage, noteStream, type LoadOptions } from '../assemble.js';
import { decideBaseLayers } from '../engine/base-layers.js';
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

export async function loadOciLayout(
  dir: string,
  ref: string,
  opts: LoadOptions,
  emit: LoadListener,
): Promise<LoadedImage> {
  const img = newImage({ kind: 'oci-layout', ref });
  emit = withImage(img, emit);
  const root = path.resolve(dir);
  img.origin = { kind: 'oci-layout', dir: root };
  const resolved = resolveImage(dirDocStore(root), { tag: opts.tag, platform: opts.platform });
  img.meta = metaFromConfig(resolved.config, resolved.configDigest ?? '', resolved.repoTags, resolved.repoDigests);
  const diffIds = resolved.config.rootfs?.diff_ids ?? [];
  img.layers = resolved.layers.map((r, i) => newLayerInfo(i, diffIds[i] ?? '', r));
  applyHistory(img, resolved.config.history);
  img.baseLayers = await decideBaseLayers(img, resolved.baseName, opts, null);
  emit({ type: 'meta' });
  const asm = new Assembler(img, emit);
  asm.setOrder(resolved.layers.map((_, i) => String(i)));
  for (const [i, r] of resolved.layers.entries()) {
    checkCancelled(opts.signal);
    const file = inside(root, r.location);
    if (!file || !fs.existsSync(file))
      throw new StrataError(`${dir}: blob ${r.blobDigest ?? r.location} is missing from the layout`, EXIT_INPUT);
    const info = img.layers[i];
    const label = `${dir}: blob ${r.blobDigest ?? r.location}`;
    const cached = info.diffId ? opts.cache?.get(info.diffId, img.analysis.table) : null;
    if (cached) {
      asm.provide(String(i), cached);
      continue;
    }
    const { stream, size } = readRegularFile(file, label, { within: root });
    info.progress.expectedBytes = size;
    const parsed = await parseLayer(stream, {
      table: img.analysis.table,
      label,
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
    asm.provide(String(i), parsed.data);
  }
  img.complete = true;
  emit({ type: 'done' });
  return img;
}
