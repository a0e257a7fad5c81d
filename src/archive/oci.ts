/**
 * The OCI and Docker distribution vocabulary shared by image resolution (archives, layouts) and
 * the registry: media types, descriptors, JSON documents, blob paths and platform choice.
 */
import { StrataError, EXIT_INPUT } from '../errors.js';
import { formatPlatform, platformMatches, type Platform } from '../model/platform.js';

export const MEDIA_TYPES = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
} as const;

/** Media types of a list of manifests (one per platform) rather than of one image. */
export const INDEX_TYPES: ReadonlySet<string> = new Set([MEDIA_TYPES.ociIndex, MEDIA_TYPES.dockerList]);

export interface OciDescriptor {
  mediaType?: string;
  digest: string;
  size?: number;
  platform?: Platform & { 'os.version'?: string };
  annotations?: Record<string, string>;
}

/**
 * A JSON document of an image; `fail` makes the error of its reader. With `object`, anything but
 * a JSON object (an array, a string) is refused as not valid.
 */
export function parseJson<T>(bytes: Buffer, what: string, fail: (message: string) => Error, object = false): T {
  try {
    const v = JSON.parse(bytes.toString('utf8')) as unknown;
    if (object && (!v || typeof v !== 'object' || Array.isArray(v))) throw new Error('not a JSON object');
    return v as T;
  } catch (err) {
    throw fail(`${what} is not valid JSON (${(err as Error).message})`);
  }
}

/** BuildKit's attestation manifests sit in an index beside the images: they are not images. */
export function isAttestationManifest(d: OciDescriptor | undefined): boolean {
  return d?.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest';
}

/** An index entry that is an image: not an attestation, nor BuildKit's unknown/unknown platform. */
export function isImageEntry(d: OciDescriptor): boolean {
  return d.platform?.os !== 'unknown' && !isAttestationManifest(d);
}

/** The platform this process runs on, as images name it (Node's arch names mapped to Go's). */
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

/** The variant a runtime assumes when none is asked for (containerd's platform defaults). */
const DEFAULT_VARIANT: Record<string, string> = { arm64: 'v8', arm: 'v7' };

/**
 * Pick the platform's manifest from an index; without a variant asked for, the runtime's default
 * variant wins among several matches. `explicit`: the platform was asked for (else the host's).
 */
export function choosePlatform<D extends OciDescriptor>(
  manifests: D[],
  want: Platform,
  explicit: boolean,
  where: string,
): D {
  const images = manifests.filter(isImageEntry);
  let hits = images.filter((d) => platformMatches(want, d.platform));
  if (hits.length > 1 && want.variant === undefined) {
    const preferred = hits.filter(
      (d) => (d.platform?.variant ?? DEFAULT_VARIANT[want.architecture]) === DEFAULT_VARIANT[want.architecture],
    );
    if (preferred.length > 0) hits = preferred;
  }
  if (hits.length === 0) {
    const have = images.map((d) => formatPlatform(d.platform)).join(', ') || 'none';
    const why = explicit
      ? `no image for platform ${formatPlatform(want)}`
      : `no image for this host's platform ${formatPlatform(want)} (pick one with --platform)`;
    throw new StrataError(`${where}: ${why}; the index has: ${have}`, EXIT_INPUT);
  }
  return hits[0];
}

/** "blobs/sha256/<hex>" (an OCI layout's blob path) -> "sha256:<hex>"; null for any other path. */
export function blobDigestOfPath(path: string): string | null {
  const m = /^blobs\/(sha256|sha512)\/([0-9a-f]+)$/.exec(path);
  return m ? `${m[1]}:${m[2]}` : null;
}

/** "blobs/sha256/<hex>", "<hex>.json", "<hex>.tar", "<hex>.tar.gz", "sha256:<hex>" -> "sha256:<hex>". */
export function digestFromPath(path: string): string | null {
  const blob = blobDigestOfPath(path);
  if (blob) return blob;
  const m = /^(sha256:)?([0-9a-f]{64})(\.json|\.tar|\.tar\.gz)?$/.exec(path);
  return m ? `sha256:${m[2]}` : null;
}
