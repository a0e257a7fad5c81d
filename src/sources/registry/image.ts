/**
 * An image straight from a registry (`registry://HOST/REPO:TAG`, `registry://HOST/REPO@sha256:...`),
 * no Engine needed: manifest (or index -> the platform's manifest) -> config -> layer blobs.
 *
 * Every document and blob is verified: a manifest fetched by digest must hash to it, the config and
 * each layer blob must hash to their descriptor's digest, and each layer must unpack to the
 * config's diff_id. A mismatch is an error naming the blob (exit 2), never a warning: a registry
 * serving other bytes than it promised is not an image to report on.
 *
 * Layers stream straight from the socket into the layer parser (no temp files) and are merged as
 * each completes. They are fetched one after the other, in order: the analysis interns paths as
 * layers are parsed, and parsing in a fixed order keeps reports byte-for-byte reproducible.
 * Layers already in the per-diff_id cache are not downloaded at all.
 */
import { createHash } from 'node:crypto';
import { checkConfig, hostPlatform, platformString, type Platform } from '../../archive/resolve-image.js';
import { Fields } from '../../archive/fields.js';
import { LayerReadError, parseLayer } from '../../archive/layer-parser.js';
import { StrataError, EXIT_ENGINE, EXIT_INPUT } from '../../errors.js';
import type { LayerData } from '../../model/layer-data.js';
import type { ImageConfigDoc, LoadedImage, LoadListener } from '../../model/image.js';
import { withImage, applyHistory, metaFromConfig, newLayerInfo } from '../../model/image.js';
import { Assembler, newImage, type LoadOptions } from '../assemble.js';
import { decideBaseLayers } from '../engine/base-layers.js';
import { familiar, parseReference, ReferenceError, type ImageReference } from '../../model/reference.js';
import { RegistryClient, TransferError } from './client.js';

const MT = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
};
const ACCEPT = [MT.ociIndex, MT.dockerList, MT.ociManifest, MT.dockerManifest].join(', ');
const INDEX_TYPES = new Set([MT.ociIndex, MT.dockerList]);
/** Manifests are small; the distribution spec lets registries refuse them above 4 MiB. */
const MAX_MANIFEST = 4 * 1024 * 1024;
const MAX_CONFIG = 32 * 1024 * 1024;
const DIGEST_RE = /^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;

interface Descriptor {
  mediaType?: string;
  digest: string;
  size: number;
  platform?: Platform & { 'os.version'?: string };
  annotations?: Record<string, string>;
}

interface ManifestDoc {
  schemaVersion?: number;
  mediaType?: string;
  config?: Descriptor;
  layers?: Descriptor[];
  manifests?: Descriptor[];
  annotations?: Record<string, string>;
}

function digestOf(bytes: Buffer, algo: string): string {
  return `${algo}:${createHash(algo).update(bytes).digest('hex')}`;
}

function algoOf(digest: string): string {
  return digest.split(':')[0];
}

function checkDescriptor(d: unknown, what: string): Descriptor {
  const x = d as Descriptor;
  if (!x || typeof x !== 'object' || typeof x.digest !== 'string' || !DIGEST_RE.test(x.digest)) {
    throw new StrataError(
      `${what} has no valid digest (${JSON.stringify((x as { digest?: unknown })?.digest ?? null)})`,
      EXIT_INPUT,
    );
  }
  if (typeof x.size !== 'number' || !Number.isSafeInteger(x.size) || x.size < 0)
    throw new StrataError(`${what} (${x.digest}) has no valid size`, EXIT_INPUT);
  const f = new Fields(what, EXIT_INPUT);
  f.optStr(x.mediaType, 'mediaType');
  f.optStrMap(x.annotations, 'annotations');
  const p = f.optObj(x.platform, 'platform');
  if (p) for (const k of ['os', 'architecture', 'variant']) f.optStr(p[k], `platform.${k}`);
  return x;
}

function parseJson<T>(bytes: Buffer, what: string): T {
  try {
    const v = JSON.parse(bytes.toString('utf8')) as unknown;
    if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error('not a JSON object');
    return v as T;
  } catch (err) {
    throw new StrataError(`${what} is not valid JSON (${(err as Error).message})`, EXIT_INPUT);
  }
}

function platformMatches(want: Platform, have: Partial<Platform> | undefined): boolean {
  if (!have) return false;
  if (have.os !== want.os || have.architecture !== want.architecture) return false;
  return want.variant === undefined || want.variant === have.variant;
}

/** The variant a runtime assumes when none is asked for (containerd's platform defaults). */
const DEFAULT_VARIANT: Record<string, string> = { arm64: 'v8', arm: 'v7' };

/** Pick the platform's manifest from an index; BuildKit attestations (unknown/unknown) are not images. */
export function choosePlatform(manifests: Descriptor[], want: Platform, explicit: boolean, where: string): Descriptor {
  const images = manifests.filter(
    (d) => d.platform?.os !== 'unknown' && d.annotations?.['vnd.docker.reference.type'] !== 'attestation-manifest',
  );
  let hits = images.filter((d) => platformMatches(want, d.platform));
  if (hits.length > 1 && want.variant === undefined) {
    const preferred = hits.filter(
      (d) => (d.platform?.variant ?? DEFAULT_VARIANT[want.architecture]) === DEFAULT_VARIANT[want.architecture],
    );
    if (preferred.length > 0) hits = preferred;
  }
  if (hits.length === 0) {
    const have = images.map((d) => platformString(d.platform)).join(', ') || 'none';
    const why = explicit
      ? `no image for platform ${platformString(want)}`
      : `no image for this host's platform ${platformString(want)} (pick one with --platform)`;
    throw new StrataError(`${where}: ${why}; the index has: ${have}`, EXIT_INPUT);
  }
  return hits[0];
}

interface Resolved {
  /** Digest of what the reference names (the index for a multi-platform image). */
  topDigest: string;
  manifestDigest: string;
  manifest: ManifestDoc;
  fromIndex: boolean;
}

async function resolveManifest(
  client: RegistryClient,
  ref: ImageReference,
  want: Platform,
  explicit: boolean,
  label: string,
): Promise<Resolved> {
  const top = ref.digest ?? ref.tag ?? 'latest';
  let { bytes, mediaType } = await client.manifest(top, ACCEPT, MAX_MANIFEST);
  const topDigest = ref.digest ? digestOf(bytes, algoOf(ref.digest)) : digestOf(bytes, 'sha256');
  if (ref.digest && topDigest !== ref.digest) {
    throw new StrataError(
      `${label}: the registry sent a manifest hashing to ${topDigest}, not the requested ${ref.digest}`,
      EXIT_INPUT,
    );
  }
  let digest = topDigest;
  let fromIndex = false;
  for (let depth = 0; ; depth++) {
    const doc = parseJson<ManifestDoc>(bytes, `manifest ${digest}`);
    const fm = new Fields(`${label}: manifest ${digest}`, EXIT_INPUT);
    fm.optStr(doc.mediaType, 'mediaType');
    fm.optStrMap(doc.annotations, 'annotations');
    if (doc.manifests !== undefined) fm.list(doc.manifests, 'manifests');
    if (doc.layers !== undefined) fm.list(doc.layers, 'layers');
    const type = doc.mediaType || mediaType;
    if (doc.schemaVersion === 1 || /^application\/vnd\.docker\.distribution\.manifest\.v1\+/.test(type)) {
      throw new StrataError(
        `${label}: manifest ${digest} uses Docker schema 1, which strata does not read (re-push it with a current tool)`,
        EXIT_INPUT,
      );
    }
    const isIndex = INDEX_TYPES.has(type) || (Array.isArray(doc.manifests) && !Array.isArray(doc.layers));
    if (!isIndex) return { topDigest, manifestDigest: digest, manifest: doc, fromIndex };
    if (depth >= 4) throw new StrataError(`${label}: index nesting deeper than 4 at ${digest}`, EXIT_INPUT);
    const list = (doc.manifests ?? []).map((d, i) => checkDescriptor(d, `entry ${i} of index ${digest}`));
    const chosen = choosePlatform(list, want, explicit, `${label} (index ${digest})`);
    fromIndex = true;
    ({ bytes, mediaType } = await client.manifest(chosen.digest, ACCEPT, MAX_MANIFEST));
    digest = digestOf(bytes, algoOf(chosen.digest));
    if (digest !== chosen.digest) {
      throw new StrataError(
        `${label}: manifest ${chosen.digest} (${platformString(chosen.platform)}) does not match its digest: the registry sent content hashing to ${digest}`,
        EXIT_INPUT,
      );
    }
  }
}

/** Per-download bookkeeping: bytes so far, a hash for non-sha256 digests, and the first failure of the stream itself. */
interface Guard {
  bytes: number;
  hash: ReturnType<typeof createHash> | null;
  /** Set before it is thrown: the layer parser wraps whatever its input throws into its own errors. */
  error?: Error;
}

/** Wraps a blob stream: counts bytes, refuses more than the descriptor promised, hashes with a non-sha256 algorithm. */
async function* guarded(
  body: AsyncIterable<Buffer>,
  d: Descriptor,
  state: Guard,
  what: string,
): AsyncGenerator<Buffer> {
  try {
    for await (const c of body) {
      state.bytes += c.length;
      if (state.bytes > d.size)
        throw new StrataError(
          `${what} does not match its digest: the registry sent more than the descriptor's ${d.size} bytes`,
          EXIT_INPUT,
        );
      state.hash?.update(c);
      yield c;
    }
  } catch (err) {
    state.error ??= err as Error;
    throw err;
  }
}

function isCompressedType(mt: string | undefined): boolean {
  return !!mt && /(\.|\+)(gzip|zstd)$/.test(mt);
}

export async function loadRegistryImage(
  reference: string,
  ref: string,
  opts: LoadOptions,
  emit: LoadListener,
): Promise<LoadedImage> {
  let parsed: ImageReference;
  try {
    parsed = parseReference(reference);
  } catch (err) {
    if (err instanceof ReferenceError)
      throw new StrataError(`${ref}: ${err.message} (expected registry://HOST/REPOSITORY[:TAG][@DIGEST])`, EXIT_INPUT);
    throw err;
  }
  const client = new RegistryClient(parsed, { insecure: opts.insecure });
  const label = ref;
  const want = opts.platform ?? hostPlatform();
  const res = await resolveManifest(client, parsed, want, !!opts.platform, label);
  const m = res.manifest;
  const cfgDesc = checkDescriptor(m.config, `the config of manifest ${res.manifestDigest}`);
  if (cfgDesc.mediaType && cfgDesc.mediaType !== MT.ociConfig && cfgDesc.mediaType !== MT.dockerConfig) {
    throw new StrataError(
      `${label}: ${res.manifestDigest} is not a container image (config media type ${cfgDesc.mediaType})`,
      EXIT_INPUT,
    );
  }
  if (!Array.isArray(m.layers))
    throw new StrataError(`${label}: manifest ${res.manifestDigest} has no layers list`, EXIT_INPUT);
  const layerDescs = m.layers.map((d, i) => checkDescriptor(d, `layer ${i} of manifest ${res.manifestDigest}`));

  // The config: small, read whole, verified before anything trusts its diff_ids.
  const cfgBytes = await readBlob(client, cfgDesc, MAX_CONFIG, `config ${cfgDesc.digest}`);
  const config = checkConfig(
    parseJson<ImageConfigDoc>(cfgBytes, `${label}: config ${cfgDesc.digest}`),
    new Fields(`${label}: config ${cfgDesc.digest}`, EXIT_INPUT),
  );
  const diffIds = Array.isArray(config.rootfs?.diff_ids) ? config.rootfs!.diff_ids! : [];
  if (diffIds.length !== layerDescs.length) {
    throw new StrataError(
      `${label}: config ${cfgDesc.digest} lists ${diffIds.length} diff_ids but manifest ${res.manifestDigest} has ${layerDescs.length} layers`,
      EXIT_INPUT,
    );
  }
  // diff_ids key the layer cache: only well-formed digests get that far.
  const badDiff = diffIds.findIndex((x) => typeof x !== 'string' || !/^sha256:[a-f0-9]{64}$/.test(x));
  if (badDiff >= 0)
    throw new StrataError(
      `${label}: config ${cfgDesc.digest} has an invalid diff_id ${badDiff} (${JSON.stringify(diffIds[badDiff])})`,
      EXIT_INPUT,
    );
  if (
    opts.platform &&
    !res.fromIndex &&
    !platformMatches(opts.platform, { os: config.os, architecture: config.architecture, variant: config.variant })
  ) {
    throw new StrataError(
      `${label}: no image for platform ${platformString(opts.platform)}; this is a single-platform image for ${platformString({ os: config.os, architecture: config.architecture, variant: config.variant })}`,
      EXIT_INPUT,
    );
  }

  // What `docker pull` records: the tag pulled (none when pulled by digest) and NAME@<digest of what the reference names>.
  const repoTags = parsed.digest ? [] : [familiar({ ...parsed, digest: null })];
  const repoDigests = [familiar({ ...parsed, tag: null, digest: res.topDigest })];
  const img = newImage({ kind: 'registry', ref });
  emit = withImage(img, emit);
  // File view and extraction read a layer again: stream its blob (size-bounded, same auth).
  img.origin = {
    kind: 'registry',
    open: async (index) => reopen(client, layerDescs[index], `layer ${index} blob ${layerDescs[index]?.digest}`),
  };
  img.meta = metaFromConfig(config, cfgDesc.digest, repoTags, repoDigests);
  img.layers = layerDescs.map((d, i) =>
    newLayerInfo(i, diffIds[i], {
      location: d.digest,
      blobDigest: d.digest,
      mediaType: d.mediaType ?? null,
      compressedBytes: isCompressedType(d.mediaType) ? d.size : null,
    }),
  );
  applyHistory(img, config.history);
  img.baseLayers = await decideBaseLayers(
    img,
    m.annotations?.['org.opencontainers.image.base.name'] ?? null,
    opts,
    null,
  );
  emit({ type: 'meta' });

  const asm = new Assembler(img, emit);
  asm.setOrder(layerDescs.map((_, i) => String(i)));
  // The same blob twice in one image (identical layer tars) is fetched once.
  const done = new Map<string, { data: LayerData; index: number }>();
  for (const [i, d] of layerDescs.entries()) {
    const info = img.layers[i];
    const twin = done.get(d.digest);
    if (twin) {
      const first = img.layers[twin.index];
      info.progress = { ...first.progress };
      info.compressedBytes = first.compressedBytes;
      asm.provide(String(i), twin.data);
      continue;
    }
    const cached = opts.cache?.get(info.diffId, img.analysis.table);
    if (cached) {
      info.progress.expectedBytes = d.size;
      asm.provide(String(i), cached);
      continue;
    }
    const data = await fetchLayer(client, img, i, d, diffIds[i], label, emit);
    done.set(d.digest, { data, index: i });
    opts.cache?.put(data, img.analysis.table);
    asm.provide(String(i), data);
  }
  img.complete = true;
  emit({ type: 'done' });
  return img;
}

async function readBlob(client: RegistryClient, d: Descriptor, limit: number, what: string): Promise<Buffer> {
  if (d.size > limit)
    throw new StrataError(`${what} is ${d.size} bytes, more than the ${limit} strata reads`, EXIT_INPUT);
  const { body } = await client.blob(d.digest);
  const chunks: Buffer[] = [];
  const state: Guard = { bytes: 0, hash: null };
  try {
    for await (const c of guarded(body, d, state, what)) chunks.push(c);
  } catch (err) {
    throw transferFailure(err, client, what);
  }
  const bytes = Buffer.concat(chunks);
  const got = digestOf(bytes, algoOf(d.digest));
  if (got !== d.digest || bytes.length !== d.size) {
    throw new StrataError(
      `${what} from ${client.name} does not match its digest: the registry sent ${bytes.length} bytes hashing to ${got}`,
      EXIT_INPUT,
    );
  }
  return bytes;
}

async function reopen(client: RegistryClient, d: Descriptor | undefined, what: string): Promise<AsyncIterable<Buffer>> {
  if (!d) throw new StrataError(`no such layer (${what})`, EXIT_INPUT);
  const { body } = await client.blob(d.digest);
  return (async function* () {
    try {
      yield* guarded(body, d, { bytes: 0, hash: null }, what);
    } catch (err) {
      throw transferFailure(err, client, what);
    }
  })();
}

function transferFailure(err: unknown, client: RegistryClient, what: string): Error {
  if (err instanceof TransferError)
    return new StrataError(
      `registry ${client.host}: the download of ${what} was cut off (${err.message})`,
      EXIT_ENGINE,
    );
  return err as Error;
}

async function fetchLayer(
  client: RegistryClient,
  img: LoadedImage,
  i: number,
  d: Descriptor,
  diffId: string,
  label: string,
  emit: LoadListener,
): Promise<LayerData> {
  const what = `layer ${i} blob ${d.digest}`;
  const info = img.layers[i];
  const { body } = await client.blob(d.digest);
  const sha256 = algoOf(d.digest) === 'sha256';
  const state: Guard = { bytes: 0, hash: sha256 ? null : createHash(algoOf(d.digest)) };
  let parsed;
  try {
    parsed = await parseLayer(guarded(body, d, state, what), {
      table: img.analysis.table,
      label: `${label}: ${what}`,
      onProgress: (p) => {
        info.progress = { ...p, expectedBytes: d.size };
        emit({ type: 'progress', layer: i, name: d.digest });
      },
    });
  } catch (err) {
    // A failure of the download itself (cut off, more bytes than promised) wins over what the parser made of it.
    const e = transferFailure(state.error ?? err, client, what);
    if (e instanceof StrataError)
      throw e.exitCode === EXIT_INPUT && !e.message.startsWith(label)
        ? new StrataError(`${label}: ${e.message}`, EXIT_INPUT)
        : e;
    // The parser's messages start with its label (which names the blob).
    if (err instanceof LayerReadError) throw new StrataError(`${err.message} (not a readable layer)`, EXIT_INPUT);
    throw new StrataError(`${label}: ${what} could not be read: ${(err as Error).message}`, EXIT_INPUT);
  }
  const blobDigest = sha256 ? parsed.blobDigest : `${algoOf(d.digest)}:${state.hash!.digest('hex')}`;
  if (blobDigest !== d.digest || parsed.blobBytes !== d.size) {
    throw new StrataError(
      `${label}: ${what} does not match its digest: the registry sent ${parsed.blobBytes} bytes hashing to ${blobDigest}`,
      EXIT_INPUT,
    );
  }
  if (parsed.data.diffId !== diffId) {
    throw new StrataError(
      `${label}: ${what} unpacks to ${parsed.data.diffId}, but the config's diff_id ${i} is ${diffId}`,
      EXIT_INPUT,
    );
  }
  info.progress = {
    blobBytes: parsed.blobBytes,
    tarBytes: info.progress.tarBytes,
    entries: info.progress.entries,
    expectedBytes: d.size,
  };
  // The descriptor's media type may claim gzip for a plain tar: trust the bytes.
  info.compressedBytes = parsed.compression === 'none' ? null : parsed.blobBytes;
  return parsed.data;
}
