/**
 * The one loader skeleton every origin (Engine, registry, archive, OCI layout) fills in: a new
 * image, its metadata, layers and history (the origin's `describe`), the base layers, a `meta`
 * event, the layers' contents through the assembler (the origin's `fill`), then `done`.
 */
import type { LoadedImage, LoadListener, SourceInfo } from '../model/image.js';
import { withImage } from '../model/image.js';
import { Assembler, newImage, type LoadOptions } from './assemble.js';
import { decideBaseLayers } from './engine/base-layers.js';
import type { Engine } from './engine/client.js';
import { DEFAULT_SOURCE_SETTINGS, type SourceSettings } from './settings.js';

/** What an origin knows once it has described the image, before any layer's contents. */
export interface Described<S> {
  /** `org.opencontainers.image.base.name` (annotation or label), when the origin carries it. */
  baseName: string | null;
  /** The Engine that may hold the base image (Engine origins only). */
  engine?: Engine | null;
  /** What `fill` needs from `describe` (the resolved documents, a client, an open stream). */
  state: S;
}

/** One origin's part of a load. */
export interface OriginLoader<S> {
  source: SourceInfo;
  /** Sets the image's origin, meta, layer infos and history. */
  describe(img: LoadedImage, emit: LoadListener): Promise<Described<S>>;
  /** Gives every layer's contents to the assembler, which merges each once the layers below are in. */
  fill(img: LoadedImage, asm: Assembler, state: S, emit: LoadListener): Promise<void>;
}

/** The settings each loaded image was loaded with: its file reads default to them. */
const loadedWith = new WeakMap<LoadedImage, SourceSettings>();

/** The settings `img` was loaded with (the defaults for an image no loader made). */
export function settingsOf(img: LoadedImage): SourceSettings {
  return loadedWith.get(img) ?? DEFAULT_SOURCE_SETTINGS;
}

export async function runLoader<S>(
  loader: OriginLoader<S>,
  opts: LoadOptions,
  listener: LoadListener,
): Promise<LoadedImage> {
  const img = newImage(loader.source);
  loadedWith.set(img, opts.settings ?? DEFAULT_SOURCE_SETTINGS);
  const emit = withImage(img, listener);
  const described = await loader.describe(img, emit);
  img.baseLayers = await decideBaseLayers(img, described.baseName, opts, described.engine ?? null);
  emit({ type: 'meta' });
  await loader.fill(img, new Assembler(img, emit), described.state, emit);
  img.complete = true;
  emit({ type: 'done' });
  return img;
}
