/**
 * A registry image's manifest: what the reference names (a manifest, or an index whose entry for
 * the platform is fetched next), each document verified against the digest it was asked by.
 */
import { createHash } from 'node:crypto';
import { Fields } from '../../archive/fields.js';
import { choosePlatform, INDEX_TYPES, MEDIA_TYPES, parseJson, type OciDescriptor } from '../../archive/oci.js';
import { StrataError, EXIT_INPUT } from '../../errors.js';
import { isVerifiableDigest } from '../../model/digest.js';
import { formatPlatform, type Platform } from '../../model/platform.js';
import type { ImageReference } from '../../model/reference.js';
import type { RegistryClient } from './client.js';

const MT = MEDIA_TYPES;
const ACCEPT = [MT.ociIndex, MT.dockerList, MT.ociManifest, MT.dockerManifest].join(', ');
/** Manifests are small; the distribution spec lets registries refuse them above 4 MiB. */
const MAX_MANIFEST = 4 * 1024 * 1024;

/** A descriptor as the registry's documents must hold it: a verifiable digest and a size. */
export interface Descriptor extends OciDescriptor {
  size: number;
}

export interface ManifestDoc {
  schemaVersion?: number;
  mediaType?: string;
  config?: Descriptor;
  layers?: Descriptor[];
  manifests?: Descriptor[];
  annotations?: Record<string, string>;
}

export function digestOf(bytes: Buffer, algo: string): string {
  return `${algo}:${createHash(algo).update(bytes).digest('hex')}`;
}

export function algoOf(digest: string): string {
  return digest.split(':')[0];
}

/** A document from the registry that must be a JSON object; anything else is the input's fault (exit 2). */
export function parseDoc<T>(bytes: Buffer, what: string): T {
  return parseJson<T>(bytes, what, (message) => new StrataError(message, EXIT_INPUT), true);
}

export function checkDescriptor(d: unknown, what: string): Descriptor {
  const x = d as Descriptor;
  if (!x || typeof x !== 'object' || !isVerifiableDigest(x.digest)) {
    const digest = JSON.stringify((x as { digest?: unknown })?.digest ?? null);
    throw new StrataError(`${what} has no valid digest (${digest})`, EXIT_INPUT);
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

export interface ResolvedManifest {
  /** Digest of what the reference names (the index for a multi-platform image). */
  topDigest: string;
  manifestDigest: string;
  manifest: ManifestDoc;
  fromIndex: boolean;
}

export async function resolveManifest(
  client: RegistryClient,
  ref: ImageReference,
  want: Platform,
  explicit: boolean,
  label: string,
): Promise<ResolvedManifest> {
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
    const doc = parseDoc<ManifestDoc>(bytes, `manifest ${digest}`);
    const fm = new Fields(`${label}: manifest ${digest}`, EXIT_INPUT);
    fm.optStr(doc.mediaType, 'mediaType');
    fm.optStrMap(doc.annotations, 'annotations');
    if (doc.manifests !== undefined) fm.list(doc.manifests, 'manifests');
    if (doc.layers !== undefined) fm.list(doc.layers, 'layers');
    const type = doc.mediaType || mediaType;
    if (doc.schemaVersion === 1 || /^application\/vnd\.docker\.distribution\.manifest\.v1\+/.test(type)) {
      const why = 'uses Docker schema 1, which strata does not read (re-push it with a current tool)';
      throw new StrataError(`${label}: manifest ${digest} ${why}`, EXIT_INPUT);
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
      const what = `${label}: manifest ${chosen.digest} (${formatPlatform(chosen.platform)})`;
      throw new StrataError(
        `${what} does not match its digest: the registry sent content hashing to ${digest}`,
        EXIT_INPUT,
      );
    }
  }
}
