/** Load an image from any SOURCE, streaming; the listener sees metadata, progress and each merged layer. */
import type { SourceSpec } from './source-spec.js';
import type { LoadedImage, LoadListener } from './image.js';
import type { LoadOptions } from './assemble.js';
import { loadArchive } from './archive.js';
import { loadOciLayout } from './oci-layout.js';
import { loadEngineImage } from './engine-image.js';
import { loadRegistryImage } from './registry.js';

export async function loadImage(spec: SourceSpec, opts: LoadOptions, emit: LoadListener = () => {}): Promise<LoadedImage> {
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
