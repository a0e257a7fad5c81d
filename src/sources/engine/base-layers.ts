/**
 * How many bottom layers belong to the base image (docs/semantics.md, "Sizes and waste"), in this order:
 *  1. `--base-layers N`, when given;
 *  2. the base named by the `org.opencontainers.image.base.name` annotation or label, when the
 *     Engine has that image and its diff_ids are a prefix of ours;
 *  3. on an Engine, the local tagged image of another repository whose layers are the longest
 *     proper prefix of ours (what `FROM` left behind: the base is usually pulled or built locally);
 *     images of the image's own repository are skipped, so that app:2 never counts app:1 as its base;
 *  4. else 1.
 */
import type { LoadedImage } from '../../model/image.js';
import type { LoadOptions } from '../assemble.js';
import type { Engine } from './client.js';
import { parseReference } from '../../model/reference.js';

/** At most this many local images are inspected when looking for the base. */
const MAX_CANDIDATES = 200;

function repositoryOf(tag: string): string | null {
  try {
    const r = parseReference(tag);
    return `${r.registry}/${r.repository}`;
  } catch {
    return null;
  }
}

function isPrefix(ids: string[], of: string[]): boolean {
  return ids.length > 0 && ids.length < of.length && ids.every((d, i) => d === of[i]);
}

export async function decideBaseLayers(
  img: LoadedImage,
  baseName: string | null,
  opts: LoadOptions,
  engine: Engine | null,
): Promise<number> {
  const n = img.layers.length;
  if (opts.baseLayers !== undefined) return Math.max(0, Math.min(opts.baseLayers, n));
  const ours = img.layers.map((l) => l.diffId);
  if (engine && baseName) {
    try {
      const base = await engine.docker.getImage(baseName).inspect();
      const ids = base.RootFS?.Layers ?? [];
      if (isPrefix(ids, ours)) return ids.length;
    } catch {
      // The named base is not local: fall through.
    }
  }
  if (engine) {
    try {
      const own = new Set(img.meta.repoTags.map(repositoryOf).filter((r): r is string => r !== null));
      const listed = await engine.docker.listImages({ all: false });
      const self = listed.find((i) => i.Id === img.meta.id);
      // A base is older and smaller than the image built on it: only those are inspected, so an
      // Engine holding hundreds of images costs a few requests here, not hundreds.
      const candidates = listed
        .filter((i) => i.Id !== img.meta.id && (i.RepoTags ?? []).some((t) => t !== '<none>:<none>'))
        .filter((i) => !self || (i.Created <= self.Created && i.Size < self.Size))
        .filter((i) => !(i.RepoTags ?? []).some((t) => own.has(repositoryOf(t) ?? '')))
        .slice(0, MAX_CANDIDATES);
      let best = 0;
      for (const c of candidates) {
        const ids = (await engine.docker.getImage(c.Id).inspect()).RootFS?.Layers ?? [];
        if (ids.length > best && isPrefix(ids, ours)) best = ids.length;
      }
      if (best > 0) return best;
    } catch {
      // The base is a refinement: never let it fail the analysis.
    }
  }
  return Math.min(1, n);
}
