/**
 * The documents of one image archive or layout (manifest.json, index.json, OCI manifests and
 * configs), read through a `DocStore`, and the helpers both ways of resolving an image share.
 */
import { canonical, parseReference } from '../model/reference.js';
import { isDigest } from '../model/digest.js';
import { Fields } from './fields.js';
import { EXIT_INPUT } from '../errors.js';
import { parseJson } from './oci.js';
import { checkConfig } from './image-config.js';
import type { ImageConfigDoc, LayerRef } from '../model/image.js';
import type { Platform } from '../model/platform.js';

/** Access to the documents of one archive or layout. */
export interface DocStore {
  /** A small JSON document by archive path ("manifest.json", "blobs/sha256/..."); null when absent. */
  json(path: string): Buffer | null;
  /** True when a blob (or file) exists, for "missing blob" checks. */
  has(path: string): boolean;
  /** All the document paths (for "not an image" messages). */
  names(): string[];
}

/** The documents do not lead to one image (missing, malformed, several or none matching). */
export class ImageSelectError extends Error {}

export function blobPath(digest: unknown): string {
  // Documents come from the image: a digest may be missing, not a string, or climb out of blobs/.
  if (!isDigest(digest))
    throw new ImageSelectError(`invalid digest ${JSON.stringify(digest) ?? String(digest)} in the image's manifest`);
  const [algo, hex] = digest.split(':');
  return `blobs/${algo}/${hex}`;
}

/** A JSON document of the store; missing or not JSON, an ImageSelectError naming it. */
export function readDoc<T>(buf: Buffer | null, what: string): T {
  if (buf === null) throw new ImageSelectError(`${what} is missing`);
  return parseJson<T>(buf, what, (message) => new ImageSelectError(message));
}

export function readConfig(store: DocStore, path: string, what: string): ImageConfigDoc {
  const cfg = readDoc<ImageConfigDoc>(store.json(path), what);
  if (typeof cfg !== 'object' || cfg === null || Array.isArray(cfg))
    throw new ImageSelectError(`${what} is not an image config`);
  return checkConfig(cfg, new Fields(what, EXIT_INPUT));
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

export function tagMatches(want: string, have: string[]): boolean {
  const w = normaliseTag(want);
  return have.some((h) => normaliseTag(h) === w);
}

/** The images to choose from, for a message: "a:1, b:1 [linux/amd64]; <untagged> [linux/arm64]". */
export function describeChoices(items: { tags: string[]; platform?: string }[]): string {
  return items
    .map((i) => `${i.tags.length ? i.tags.join(', ') : '<untagged>'}${i.platform ? ` [${i.platform}]` : ''}`)
    .join('; ');
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
