/**
 * From the documents of an image archive or layout (manifest.json, index.json, OCI manifests and
 * configs) to one selected image: its config and its ordered layer references.
 * Covers every shape of spec section 1; pure apart from the `blobs` accessor it is given.
 */

import type { ImageConfigDoc, LayerRef } from '../model/image.js';
import { canonical, familiarTag, parseReference } from '../model/reference.js';
import { Fields, fieldName } from './fields.js';
import { EXIT_INPUT } from '../errors.js';

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

export interface ResolvedImage {
  config: ImageConfigDoc;
  configDigest: string | null;
  repoTags: string[];
  repoDigests: string[];
  layers: LayerRef[];
  /** `org.opencontainers.image.base.name` when the manifest carries it. */
  baseName: string | null;
  manifestDigest: string | null;
}

export interface Selector {
  tag?: string;
  platform?: Platform;
}

/** Access to the documents of one archive or layout. */
export interface DocStore {
  /** A small JSON document by archive path ("manifest.json", "blobs/sha256/..."); null when absent. */
  json(path: string): Buffer | null;
  /** True when a blob (or file) exists, for "missing blob" checks. */
  has(path: string): boolean;
  /** All the document paths (for "not an image" messages). */
  names(): string[];
}

export class ImageSelectError extends Error {}

const INDEX_TYPES = new Set([
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
]);

/** OCI digest grammar (image-spec descriptor.md): `algorithm:encoded`. */
const DIGEST_RE = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;

export function blobPath(digest: unknown): string {
  // Documents come from the image: a digest may be missing, not a string, or climb out of blobs/.
  if (typeof digest !== 'string' || !DIGEST_RE.test(digest))
    throw new ImageSelectError(`invalid digest ${JSON.stringify(digest) ?? String(digest)} in the image's manifest`);
  const [algo, hex] = digest.split(':');
  return `blobs/${algo}/${hex}`;
}

function parseJson<T>(buf: Buffer | null, what: string): T {
  if (buf === null) throw new ImageSelectError(`${what} is missing`);
  try {
    return JSON.parse(buf.toString('utf8')) as T;
  } catch (err) {
    throw new ImageSelectError(`${what} is not valid JSON (${(err as Error).message})`);
  }
}

export function platformString(p: Partial<Platform> | undefined): string {
  if (!p) return 'unknown';
  return [p.os ?? '?', p.architecture ?? '?', p.variant].filter(Boolean).join('/');
}

export function parsePlatform(s: string): Platform {
  const parts = s.split('/');
  if (parts.length < 2 || parts.length > 3 || parts.some((x) => x === ''))
    throw new ImageSelectError(`invalid platform "${s}" (expected OS/ARCH[/VARIANT])`);
  return { os: parts[0], architecture: parts[1], variant: parts[2] };
}

function platformMatches(want: Platform, have: Partial<Platform> | undefined): boolean {
  if (!have) return false;
  if (have.os !== want.os || have.architecture !== want.architecture) return false;
  return want.variant === undefined || want.variant === have.variant;
}

/** "busybox" and "docker.io/library/busybox:latest" name the same tag. */
export function normaliseTag(tag: string): string {
  try {
    const r = parseReference(tag);
    return canonical({ ...r, digest: null, tag: r.tag ?? 'latest' });
  } catch {
    return tag;
  }
}

function tagMatches(want: string, have: string[]): boolean {
  const w = normaliseTag(want);
  return have.some((h) => normaliseTag(h) === w);
}

interface DockerManifestItem {
  Config: string;
  RepoTags?: string[] | null;
  Layers: string[];
}

interface OciDescriptor {
  mediaType?: string;
  digest: string;
  size?: number;
  platform?: Platform;
  annotations?: Record<string, string>;
}

interface OciManifest {
  mediaType?: string;
  config: OciDescriptor;
  layers: OciDescriptor[];
  manifests?: OciDescriptor[];
  annotations?: Record<string, string>;
}

interface Candidate {
  manifest: OciManifest;
  digest: string;
  platform?: Platform;
  tags: string[];
}

/** Flatten index.json -> (nested indexes ->) image manifests; records blobs that are missing. */
function ociCandidates(store: DocStore, missing: string[]): Candidate[] {
  const index = parseJson<{ manifests?: OciDescriptor[] }>(store.json('index.json'), 'index.json');
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
    if (desc.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest') continue;
    const path = blobPath(desc.digest);
    if (!store.has(path)) {
      missing.push(`${desc.digest} (${platformString(desc.platform)})`);
      continue;
    }
    const what = `manifest ${desc.digest}`;
    const fm = new Fields(what);
    const doc = fm.doc(parseJson<OciManifest>(store.json(path), what), 'the manifest') as unknown as OciManifest;
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
    doc.layers.forEach((l, i) => checkDescriptor(l, fm, fieldName('layers', i)));
    fm.optStrMap(doc.annotations, 'annotations');
    if (desc.platform?.os === 'unknown') continue; // BuildKit attestation manifests
    out.push({ manifest: doc, digest: desc.digest, platform: desc.platform, tags });
  }
  return out;
}

function refNames(d: OciDescriptor): string[] {
  const a = d?.annotations ?? {};
  return [a['io.containerd.image.name'], a['org.opencontainers.image.ref.name']].filter(
    (x): x is string => typeof x === 'string' && x.length > 0,
  );
}

function describeChoices(items: { tags: string[]; platform?: string }[]): string {
  return items
    .map((i) => `${i.tags.length ? i.tags.join(', ') : '<untagged>'}${i.platform ? ` [${i.platform}]` : ''}`)
    .join('; ');
}

function readConfig(store: DocStore, path: string, what: string): ImageConfigDoc {
  const cfg = parseJson<ImageConfigDoc>(store.json(path), what);
  if (typeof cfg !== 'object' || cfg === null || Array.isArray(cfg))
    throw new ImageSelectError(`${what} is not an image config`);
  return checkConfig(cfg, new Fields(what, EXIT_INPUT));
}

/**
 * The config fields Strata reads, checked by type (a wrong type is one error line naming the
 * field). History keeps its positions (so commands never shift onto other layers): an entry that
 * is not an object (`null`, `5`) counts as a step without a command.
 */
export function checkConfig(cfg: ImageConfigDoc, f: Fields): ImageConfigDoc {
  const doc = f.doc(cfg, 'the image config') as Record<string, unknown>;
  for (const k of ['architecture', 'os', 'variant', 'created']) f.optStr(doc[k], k);
  const rootfs = f.optObj(doc.rootfs, 'rootfs');
  if (rootfs) {
    f.optStr(rootfs.type, 'rootfs.type');
    f.optStrList(rootfs.diff_ids, 'rootfs.diff_ids');
  }
  const history = f.optList(doc.history, 'history');
  if (history) {
    cfg.history = history.map((h, i) => {
      if (!h || typeof h !== 'object' || Array.isArray(h)) return {};
      const e = h as Record<string, unknown>;
      const at = fieldName('history', i);
      for (const k of ['created', 'created_by', 'comment']) f.optStr(e[k], `${at}.${k}`);
      f.optBool(e.empty_layer, `${at}.empty_layer`);
      return e;
    });
  } else delete cfg.history;
  const c = f.optObj(doc.config, 'config');
  if (c) checkContainerConfig(c, f, 'config');
  return cfg;
}

/** The container config (a config's `config`, an Engine's inspect `Config`), the fields shown. */
export function checkContainerConfig(c: Record<string, unknown>, f: Fields, at: string): void {
  for (const k of ['Env', 'Cmd', 'Entrypoint']) f.optStrList(c[k], `${at}.${k}`);
  for (const k of ['WorkingDir', 'User', 'Image']) f.optStr(c[k], `${at}.${k}`);
  for (const k of ['ExposedPorts', 'Volumes']) f.optObj(c[k], `${at}.${k}`);
  f.optStrMap(c.Labels, `${at}.Labels`);
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
    const items = parseJson<DockerManifestItem[]>(store.json('manifest.json'), 'manifest.json');
    if (!Array.isArray(items) || items.length === 0) throw new ImageSelectError('manifest.json lists no image');
    const withCfg = items.map((it) => {
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
        withCfg.map((c) => ({ tags: c.it.RepoTags ?? [], platform: platformString(c.cfg as Platform) })),
      );
      const why =
        chosen.length === 0 ? 'no image matches' : 'the archive holds several images; pick one by tag or --platform';
      const missingNote = missing.length ? `; blobs missing for ${missing.join(', ')}` : '';
      throw new ImageSelectError(`${why} (${list})${missingNote}`);
    }
    if (!ociOnly) return fromDockerManifest(store, chosen[0], candidates, resolveName);
  }
  return fromOciCandidates(store, candidates, missing, selector);
}

function fromDockerManifest(
  store: DocStore,
  chosen: { it: DockerManifestItem; cfgPath: string; cfg: ImageConfigDoc },
  candidates: Candidate[],
  resolveName: (n: string) => string,
): ResolvedImage {
  {
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
}

function fromOciCandidates(
  store: DocStore,
  candidates: Candidate[],
  missing: string[],
  selector: Selector,
): ResolvedImage {
  let chosen = candidates;
  if (selector.tag) chosen = chosen.filter((c) => tagMatches(selector.tag!, c.tags) || c.tags.includes(selector.tag!));
  if (selector.platform)
    chosen = chosen.filter((c) => platformMatches(selector.platform!, c.platform ?? platformOfConfig(store, c)));
  if (chosen.length > 1 && !selector.platform) {
    // Several platforms of one image: default to the host's, as a runtime would.
    const host = hostPlatform();
    const onHost = chosen.filter((c) => platformMatches(host, c.platform ?? platformOfConfig(store, c)));
    if (onHost.length === 1) chosen = onHost;
  }
  if (chosen.length !== 1) {
    const list = describeChoices(
      candidates.map((c) => ({ tags: c.tags, platform: platformString(c.platform ?? platformOfConfig(store, c)) })),
    );
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

function platformOfConfig(store: DocStore, c: Candidate): Platform | undefined {
  try {
    const cfg = readConfig(store, blobPath(c.manifest.config.digest), 'config');
    return { os: cfg.os ?? '', architecture: cfg.architecture ?? '', variant: cfg.variant };
  } catch {
    return undefined;
  }
}

export function hostPlatform(): Platform {
  const arch: Record<string, string> = {
    x64: 'amd64',
    arm64: 'arm64',
    arm: 'arm',
    ia32: '386',
    ppc64: 'ppc64le',
    s390x: 's390x',
    riscv64: 'riscv64',
  };
  return { os: 'linux', architecture: arch[process.arch] ?? process.arch };
}

/** "blobs/sha256/<hex>", "<hex>/layer.tar", "<hex>.tar.gz", "sha256:<hex>" -> "sha256:<hex>" when derivable. */
export function digestFromPath(path: string): string | null {
  let m = /^blobs\/(sha256|sha512)\/([0-9a-f]+)$/.exec(path);
  if (m) return `${m[1]}:${m[2]}`;
  m = /^(sha256:)?([0-9a-f]{64})(\.json|\.tar|\.tar\.gz)?$/.exec(path);
  if (m) return `sha256:${m[2]}`;
  return null;
}
