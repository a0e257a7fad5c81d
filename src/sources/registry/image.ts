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
import { checkConfig } from '../../archive/image-config.js';
import { Fields } from '../../archive/fields.js';
import { hostPlatform, MEDIA_TYPES } from '../../archive/oci.js';
import { StrataError, EXIT_INPUT } from '../../errors.js';
import { isSha256Digest } from '../../model/digest.js';
import type { LayerData } from '../../model/layer-data.js';
import type { ImageConfigDoc, LoadedImage, LoadListener } from '../../model/image.js';
import { applyHistory, metaFromConfig, newLayerInfo } from '../../model/image.js';
import { formatPlatform, platformMatches } from '../../model/platform.js';
import { familiar, parseReference, InvalidReferenceError, type ImageReference } from '../../model/reference.js';
import type { LoadOptions } from '../assemble.js';
import { runLoader } from '../loader.js';
import { DEFAULT_SOURCE_SETTINGS } from '../settings.js';
import { fetchLayer, readBlob, reopen } from './blobs.js';
import { RegistryClient } from './client.js';
import { checkDescriptor, parseDoc, resolveManifest, type Descriptor, type ResolvedManifest } from './manifest.js';

const MAX_CONFIG = 32 * 1024 * 1024;

function isCompressedType(mt: string | undefined): boolean {
  return !!mt && /(\.|\+)(gzip|zstd)$/.test(mt);
}

/** What the load learns before the layers: the client, the layer descriptors and diff_ids. */
interface RegistryState {
  client: RegistryClient;
  layerDescs: Descriptor[];
  diffIds: string[];
}

function parseRegistryReference(reference: string, ref: string): ImageReference {
  try {
    return parseReference(reference);
  } catch (err) {
    if (err instanceof InvalidReferenceError)
      throw new StrataError(`${ref}: ${err.message} (expected registry://HOST/REPOSITORY[:TAG][@DIGEST])`, EXIT_INPUT);
    throw err;
  }
}

export function loadRegistryImage(
  reference: string,
  ref: string,
  opts: LoadOptions,
  emit: LoadListener,
): Promise<LoadedImage> {
  const label = ref;
  return runLoader<RegistryState>(
    {
      source: { kind: 'registry', ref },
      describe: async (img) => {
        const parsed = parseRegistryReference(reference, ref);
        const settings = opts.settings ?? DEFAULT_SOURCE_SETTINGS;
        const client = new RegistryClient(parsed, { insecure: opts.insecure, settings });
        const want = opts.platform ?? hostPlatform();
        const res = await resolveManifest(client, parsed, want, !!opts.platform, label);
        const m = res.manifest;
        const { cfgDesc, config, layerDescs, diffIds } = await readImageConfig(client, res, label, opts);
        // What `docker pull` records: the tag pulled (none when pulled by digest) and
        // NAME@<digest of what the reference names>.
        const repoTags = parsed.digest ? [] : [familiar({ ...parsed, digest: null })];
        const repoDigests = [familiar({ ...parsed, tag: null, digest: res.topDigest })];
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
        const baseName = m.annotations?.['org.opencontainers.image.base.name'] ?? null;
        return { baseName, state: { client, layerDescs, diffIds } };
      },
      fill: async (img, asm, { client, layerDescs, diffIds }, emit) => {
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
      },
    },
    opts,
    emit,
  );
}

/** The manifest's config, read and verified before anything trusts its diff_ids, and the layers. */
async function readImageConfig(
  client: RegistryClient,
  res: ResolvedManifest,
  label: string,
  opts: LoadOptions,
): Promise<{ cfgDesc: Descriptor; config: ImageConfigDoc; layerDescs: Descriptor[]; diffIds: string[] }> {
  const m = res.manifest;
  const cfgDesc = checkDescriptor(m.config, `the config of manifest ${res.manifestDigest}`);
  const MT = MEDIA_TYPES;
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
  const what = `${label}: config ${cfgDesc.digest}`;
  const config = checkConfig(parseDoc<ImageConfigDoc>(cfgBytes, what), new Fields(what, EXIT_INPUT));
  const diffIds = Array.isArray(config.rootfs?.diff_ids) ? config.rootfs!.diff_ids! : [];
  if (diffIds.length !== layerDescs.length) {
    const manifest = `manifest ${res.manifestDigest} has ${layerDescs.length} layers`;
    throw new StrataError(
      `${label}: config ${cfgDesc.digest} lists ${diffIds.length} diff_ids but ${manifest}`,
      EXIT_INPUT,
    );
  }
  // diff_ids key the layer cache: only well-formed digests get that far.
  const badDiff = diffIds.findIndex((x) => !isSha256Digest(x));
  if (badDiff >= 0)
    throw new StrataError(
      `${label}: config ${cfgDesc.digest} has an invalid diff_id ${badDiff} (${JSON.stringify(diffIds[badDiff])})`,
      EXIT_INPUT,
    );
  const have = { os: config.os, architecture: config.architecture, variant: config.variant };
  if (opts.platform && !res.fromIndex && !platformMatches(opts.platform, have)) {
    const single = `this is a single-platform image for ${formatPlatform(have)}`;
    throw new StrataError(`${label}: no image for platform ${formatPlatform(opts.platform)}; ${single}`, EXIT_INPUT);
  }
  return { cfgDesc, config, layerDescs, diffIds };
}
