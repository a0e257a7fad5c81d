/**
 * How many bottom layers belong to the base image (spec section 3): `--base-layers N` when given;
 * else the base named by the `org.opencontainers.image.base.name` annotation, when the Engine has
 * that image and its diff_ids are a prefix of ours; else 1.
 */
import type { LoadedImage } from './image.js';
import type { LoadOptions } from './assemble.js';
import type { Engine } from './engine.js';

export async function decideBaseLayers(img: LoadedImage, baseName: string | null, opts: LoadOptions, engine: Engine | null): Promise<number> {
  const n = img.layers.length;
  if (opts.baseLayers !== undefined) return Math.max(0, Math.min(opts.baseLayers, n));
  if (baseName && engine) {
    try {
      const base = await engine.docker.getImage(baseName).inspect();
      const ids = base.RootFS?.Layers ?? [];
      if (ids.length > 0 && ids.length <= n && ids.every((d, i) => d === img.layers[i].diffId)) return ids.length;
    } catch {
      // The base is not local: fall through.
    }
  }
  return Math.min(1, n);
}
