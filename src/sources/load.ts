/** Load an image from any SOURCE, streaming; the listener sees metadata, progress and each merged layer. */
import type { SourceSpec } from './spec.js';
import type { LoadedImage, LoadListener } from '../model/image.js';
import type { LoadOptions } from './assemble.js';
import { loadArchive } from './files/tarball.js';
import { loadOciLayout } from './files/oci-layout.js';
import { loadEngineImage } from './engine/image.js';
import { loadRegistryImage } from './registry/image.js';
import { familiar, isFloating, isOfficialOnEvidence, parseReference } from '../model/reference.js';
import { isImageIdPrefix } from '../model/digest.js';

export async function loadImage(
  spec: SourceSpec,
  opts: LoadOptions,
  emit: LoadListener = () => {},
): Promise<LoadedImage> {
  const img = await loadBySource(spec, opts, emit);
  if (opts.cache?.warning) img.warnings.push(opts.cache.warning);
  img.reference = referenceOf(spec, img, opts.tag);
  if (img.reference?.floating) {
    img.warnings.push(`${img.reference.name} is used through the floating tag "latest": pin a version tag or a digest`);
  }
  return img;
}

/** The reference an image was used through: the Engine name, the registry reference, or the archive tag. */
export function referenceOf(spec: SourceSpec, img: LoadedImage, tag?: string): LoadedImage['reference'] {
  let text: string | undefined;
  if (spec.kind === 'engine') text = spec.image;
  else if (spec.kind === 'registry') text = spec.reference;
  else text = tag ?? spec.tag ?? (img.meta.repoTags.length === 1 ? img.meta.repoTags[0] : undefined);
  if (!text) return null;
  // An image id (full or short) pins the image exactly.
  const hex = text.replace(/^sha256:/, '');
  if (isImageIdPrefix(text) && img.meta.id.replace(/^sha256:/, '').startsWith(hex)) return null;
  try {
    const r = parseReference(text);
    return { name: familiar(r), official: isOfficialOnEvidence(r, img.meta.repoDigests), floating: isFloating(r) };
  } catch {
    return null;
  }
}

async function loadBySource(spec: SourceSpec, opts: LoadOptions, emit: LoadListener): Promise<LoadedImage> {
  switch (spec.kind) {
    case 'engine':
      return loadEngineImage(spec.image, spec.engine, spec.ref, opts, emit);
    case 'archive':
      return loadArchive(spec.path, spec.ref, { ...opts, tag: opts.tag ?? spec.tag }, emit);
    case 'oci-layout':
      return loadOciLayout(spec.path, spec.ref, { ...opts, tag: opts.tag ?? spec.tag }, emit);
    case 'registry':
      return loadRegistryImage(spec.reference, spec.ref, opts, emit);
  }
}
