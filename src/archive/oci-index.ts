/**
 * An image from an OCI index (`index.json` of a layout or an OCI archive): the index and any
 * nested indexes flattened to image manifests, then one chosen by tag and platform.
 */
import { familiarTag } from '../model/reference.js';
import { formatPlatform, platformMatches, type Platform } from '../model/platform.js';
import { Fields, fieldName } from './fields.js';
import { hostPlatform, INDEX_TYPES, isAttestationManifest, type OciDescriptor } from './oci.js';
import {
  blobPath,
  describeChoices,
  ImageSelectError,
  readConfig,
  readDoc,
  tagMatches,
  type DocStore,
} from './image-docs.js';
import type { LayerRef } from '../model/image.js';
import type { ResolvedImage, Selector } from './image-docs.js';

interface OciManifest {
  mediaType?: string;
  config: OciDescriptor;
  layers: OciDescriptor[];
  manifests?: OciDescriptor[];
  annotations?: Record<string, string>;
}

/** One image manifest the index leads to, with the names the index gives it. */
export interface Candidate {
  manifest: OciManifest;
  digest: string;
  platform?: Platform;
  tags: string[];
}

/** An OCI descriptor's fields by type (the digest's grammar is checked by blobPath where it is used). */
function checkDescriptor(d: unknown, f: Fields, at: string): OciDescriptor {
  const x = f.obj(d, at);
  f.str(x.digest, `${at}.digest`);
  f.optStr(x.mediaType, `${at}.mediaType`);
  f.optNum(x.size, `${at}.size`);
  f.optStrMap(x.annotations, `${at}.annotations`);
  const p = f.optObj(x.platform, `${at}.platform`);
  if (p) for (const k of ['os', 'architecture', 'variant']) f.optStr(p[k], `${at}.platform.${k}`);
  return x as unknown as OciDescriptor;
}

function refNames(d: OciDescriptor): string[] {
  const a = d?.annotations ?? {};
  return [a['io.containerd.image.name'], a['org.opencontainers.image.ref.name']].filter(
    (x): x is string => typeof x === 'string' && x.length > 0,
  );
}

/** Flatten index.json -> (nested indexes ->) image manifests; records blobs that are missing. */
export function ociCandidates(store: DocStore, missing: string[]): Candidate[] {
  const index = readDoc<{ manifests?: OciDescriptor[] }>(store.json('index.json'), 'index.json');
  const fi = new Fields('index.json');
  const top = (fi.optList(fi.doc(index).manifests, 'manifests') ?? []).map((d, i) =>
    checkDescriptor(d, fi, fieldName('manifests', i)),
  );
  const out: Candidate[] = [];
  const queue: { desc: OciDescriptor; tags: string[]; depth: number }[] = top.map((d) => ({
    desc: d,
    tags: refNames(d),
    depth: 0,
  }));
  while (queue.length > 0) {
    const { desc, tags, depth } = queue.shift()!;
    if (isAttestationManifest(desc)) continue;
    const path = blobPath(desc.digest);
    if (!store.has(path)) {
      missing.push(`${desc.digest} (${formatPlatform(desc.platform)})`);
      continue;
    }
    const what = `manifest ${desc.digest}`;
    const fm = new Fields(what);
    const doc = fm.doc(readDoc<OciManifest>(store.json(path), what), 'the manifest') as unknown as OciManifest;
    fm.optStr(doc.mediaType, 'mediaType');
    const isIndex =
      INDEX_TYPES.has(desc.mediaType ?? '') ||
      INDEX_TYPES.has(doc.mediaType ?? '') ||
      (Array.isArray(doc.manifests) && !doc.layers);
    if (isIndex) {
      if (depth > 8) throw new ImageSelectError(`index nesting deeper than 8 at ${desc.digest}`);
      const nested = (fm.optList(doc.manifests, 'manifests') ?? []).map((d, i) =>
        checkDescriptor(d, fm, fieldName('manifests', i)),
      );
      for (const d of nested) queue.push({ desc: d, tags: [...tags, ...refNames(d)], depth: depth + 1 });
      continue;
    }
    if (!doc.config || !Array.isArray(doc.layers)) {
      throw new ImageSelectError(`manifest ${desc.digest} has no config or layers`);
    }
    if (doc.layers.some((l) => !l || typeof l !== 'object'))
      throw new ImageSelectError(`manifest ${desc.digest} lists a layer that is not a descriptor`);
    checkDescriptor(doc.config, fm, 'config');
    for (const [i, l] of doc.layers.entries()) checkDescriptor(l, fm, fieldName('layers', i));
    fm.optStrMap(doc.annotations, 'annotations');
    if (desc.platform?.os === 'unknown') continue; // BuildKit attestation manifests
    out.push({ manifest: doc, digest: desc.digest, platform: desc.platform, tags });
  }
  return out;
}

function platformOfConfig(store: DocStore, c: Candidate): Platform | undefined {
  try {
    const cfg = readConfig(store, blobPath(c.manifest.config.digest), 'config');
    return { os: cfg.os ?? '', architecture: cfg.architecture ?? '', variant: cfg.variant };
  } catch {
    return undefined;
  }
}

/** The one candidate the selector names (by default the host's platform among several). */
export function fromOciCandidates(
  store: DocStore,
  candidates: Candidate[],
  missing: string[],
  selector: Selector,
): ResolvedImage {
  const platformOf = (c: Candidate) => c.platform ?? platformOfConfig(store, c);
  let chosen = candidates;
  if (selector.tag) chosen = chosen.filter((c) => tagMatches(selector.tag!, c.tags) || c.tags.includes(selector.tag!));
  if (selector.platform) chosen = chosen.filter((c) => platformMatches(selector.platform!, platformOf(c)));
  if (chosen.length > 1 && !selector.platform) {
    // Several platforms of one image: default to the host's, as a runtime would.
    const host = hostPlatform();
    const onHost = chosen.filter((c) => platformMatches(host, platformOf(c)));
    if (onHost.length === 1) chosen = onHost;
  }
  if (chosen.length !== 1) {
    const list = describeChoices(candidates.map((c) => ({ tags: c.tags, platform: formatPlatform(platformOf(c)) })));
    const missingNote = missing.length ? `; blobs missing for ${missing.join(', ')}` : '';
    if (candidates.length === 0)
      throw new ImageSelectError(`index.json names no image whose manifest is present${missingNote}`);
    const why =
      chosen.length === 0 ? 'no image matches' : 'the archive holds several images; pick one by tag or --platform';
    throw new ImageSelectError(`${why} (${list})${missingNote}`);
  }
  const c = chosen[0];
  const cfgPath = blobPath(c.manifest.config.digest);
  const cfg = readConfig(store, cfgPath, `image config ${c.manifest.config.digest}`);
  const layers: LayerRef[] = c.manifest.layers.map((d) => ({
    location: blobPath(d.digest),
    blobDigest: d.digest,
    mediaType: d.mediaType ?? null,
    compressedBytes: null,
  }));
  return {
    config: cfg,
    configDigest: c.manifest.config.digest,
    // OCI ref.name may be a bare tag ("1.0"); only full references are repository tags.
    repoTags: c.tags.filter((t) => t.includes(':') || t.includes('/')).map(familiarTag),
    repoDigests: [],
    layers,
    baseName: c.manifest.annotations?.['org.opencontainers.image.base.name'] ?? null,
    manifestDigest: c.digest,
  };
}
