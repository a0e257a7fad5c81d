/**
 * From the documents of an image archive or layout (manifest.json, index.json, OCI manifests and
 * configs) to one selected image: its config and its ordered layer references. Covers docker save
 * (legacy and Docker >= 25), containerd exports, podman/skopeo, kaniko, OCI archives and layouts;
 * pure apart from the `DocStore` it is given.
 */
import type { ImageConfigDoc, LayerRef } from '../model/image.js';
import { familiarTag } from '../model/reference.js';
import { formatPlatform, platformMatches, type Platform } from '../model/platform.js';
import { Fields, fieldName } from './fields.js';
import { digestFromPath } from './oci.js';
import {
  describeChoices,
  ImageSelectError,
  readConfig,
  readDoc,
  tagMatches,
  type DocStore,
  type ResolvedImage,
  type Selector,
} from './image-docs.js';
import { fromOciCandidates, ociCandidates, type Candidate } from './oci-index.js';

interface DockerManifestItem {
  Config: string;
  RepoTags?: string[] | null;
  Layers: string[];
}

interface DockerChoice {
  it: DockerManifestItem;
  cfgPath: string;
  cfg: ImageConfigDoc;
}

/** Choose one image from an archive or layout. `resolveName` follows archive links. */
export function resolveImage(
  store: DocStore,
  selector: Selector,
  resolveName: (n: string) => string = (n) => n,
): ResolvedImage {
  const hasManifest = store.json('manifest.json') !== null;
  const hasIndex = store.json('index.json') !== null;
  if (!hasManifest && !hasIndex) {
    const names = store.names();
    const shown = names.slice(0, 5).join(', ') + (names.length > 5 ? ', ...' : '');
    throw new ImageSelectError(
      `not an image archive: no manifest.json or index.json (contains: ${shown || 'nothing'})`,
    );
  }
  // Layer descriptors from any OCI manifest, by blob digest (Docker >= 25 exports carry both).
  const missing: string[] = [];
  const candidates = hasIndex ? ociCandidates(store, missing) : [];

  if (hasManifest) {
    const withCfg = dockerItems(store, resolveName);
    let chosen = withCfg;
    if (selector.tag) chosen = chosen.filter((c) => tagMatches(selector.tag!, c.it.RepoTags ?? []));
    if (selector.platform)
      chosen = chosen.filter((c) =>
        platformMatches(selector.platform!, { os: c.cfg.os, architecture: c.cfg.architecture, variant: c.cfg.variant }),
      );
    // Docker >= 25 and containerd exports list only complete images in manifest.json; a platform
    // that only the OCI index knows is resolved there (and its missing blobs named).
    const ociOnly = chosen.length === 0 && candidates.length > 0;
    if (chosen.length !== 1 && !ociOnly) {
      const list = describeChoices(
        withCfg.map((c) => ({ tags: c.it.RepoTags ?? [], platform: formatPlatform(c.cfg as Platform) })),
      );
      const why =
        chosen.length === 0 ? 'no image matches' : 'the archive holds several images; pick one by tag or --platform';
      const missingNote = missing.length ? `; blobs missing for ${missing.join(', ')}` : '';
      throw new ImageSelectError(`${why} (${list})${missingNote}`);
    }
    if (!ociOnly) return fromDockerManifest(chosen[0], candidates, resolveName);
  }
  return fromOciCandidates(store, candidates, missing, selector);
}

/** The entries of manifest.json, each with its config read and checked. */
function dockerItems(store: DocStore, resolveName: (n: string) => string): DockerChoice[] {
  const items = readDoc<DockerManifestItem[]>(store.json('manifest.json'), 'manifest.json');
  if (!Array.isArray(items) || items.length === 0) throw new ImageSelectError('manifest.json lists no image');
  return items.map((it) => {
    if (!it || typeof it.Config !== 'string' || !Array.isArray(it.Layers))
      throw new ImageSelectError('manifest.json entry without Config or Layers');
    if (!it.Layers.every((l) => typeof l === 'string'))
      throw new ImageSelectError(`manifest.json entry for ${it.Config} lists a layer that is not a path`);
    // RepoTags is optional (null for untagged images); when present, a list of strings.
    const at = `${fieldName('', items.indexOf(it))}.RepoTags`;
    it.RepoTags = new Fields('manifest.json').optStrList(it.RepoTags, at) ?? [];
    const cfgPath = resolveName(it.Config);
    return { it, cfgPath, cfg: readConfig(store, cfgPath, `image config ${it.Config}`) };
  });
}

function fromDockerManifest(
  chosen: DockerChoice,
  candidates: Candidate[],
  resolveName: (n: string) => string,
): ResolvedImage {
  const { it, cfgPath, cfg } = chosen;
  const cfgDigest = digestFromPath(cfgPath);
  const oci = candidates.find((c) => c.manifest.config?.digest === cfgDigest);
  const layers: LayerRef[] = it.Layers.map((l, i) => {
    const location = resolveName(l);
    const desc = oci?.manifest.layers[i];
    return {
      location,
      blobDigest: desc?.digest ?? null,
      mediaType: desc?.mediaType ?? null,
      compressedBytes: null,
    };
  });
  return {
    config: cfg,
    configDigest: cfgDigest,
    repoTags: (it.RepoTags ?? []).map(familiarTag),
    repoDigests: [],
    layers,
    baseName: oci?.manifest.annotations?.['org.opencontainers.image.base.name'] ?? null,
    manifestDigest: oci?.digest ?? null,
  };
}
