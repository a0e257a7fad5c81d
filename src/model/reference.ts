/**
 * Image references: [REGISTRY/][NAMESPACE/]REPOSITORY[:TAG][@DIGEST], with Docker's defaults
 * (registry docker.io, namespace library, tag latest when neither tag nor digest is given).
 */
import { isReferenceDigest } from './digest.js';

export interface ImageReference {
  /** "docker.io", "ghcr.io", "localhost:5000". */
  registry: string;
  /** Path inside the registry, e.g. "library/busybox", "bitnami/nginx". */
  repository: string;
  tag: string | null;
  digest: string | null;
  /** The tag was not written and defaults to latest. */
  implicitTag: boolean;
}

const TAG_RE = /^[\w][\w.-]{0,127}$/;
const COMPONENT_RE = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
/** The registry part: a host name (dot-separated labels) or a bracketed IPv6 address, and a port. */
const HOST_LABEL = '[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?';
const REGISTRY_RE = new RegExp(`^(?:${HOST_LABEL}(?:\\.${HOST_LABEL})*|\\[[0-9a-fA-F:.]+\\])(?::[0-9]+)?$`);

export class InvalidReferenceError extends Error {}

export function parseReference(input: string): ImageReference {
  let rest = input.trim();
  let digest: string | null = null;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!isReferenceDigest(digest)) throw new InvalidReferenceError(`invalid digest in "${input}"`);
  }
  let tag: string | null = null;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG_RE.test(tag)) throw new InvalidReferenceError(`invalid tag "${tag}" in "${input}"`);
  }
  const parts = rest.split('/');
  let registry = 'docker.io';
  if (parts.length > 1 && (parts[0].includes('.') || parts[0].includes(':') || parts[0] === 'localhost')) {
    registry = parts.shift()!;
    if (!REGISTRY_RE.test(registry)) throw new InvalidReferenceError(`invalid registry host in "${input}"`);
  }
  if (registry === 'index.docker.io' || registry === 'registry-1.docker.io') registry = 'docker.io';
  if (parts.length === 0 || parts.some((p) => !COMPONENT_RE.test(p)))
    throw new InvalidReferenceError(`invalid repository name in "${input}"`);
  if (registry === 'docker.io' && parts.length === 1) parts.unshift('library');
  const implicitTag = tag === null && digest === null;
  return { registry, repository: parts.join('/'), tag: tag ?? (digest ? null : 'latest'), digest, implicitTag };
}

/** Docker's short form: "busybox:latest", "bitnami/nginx:1.25", "ghcr.io/o/r:t". */
export function familiar(ref: ImageReference): string {
  let name =
    ref.registry === 'docker.io' ? ref.repository.replace(/^library\//, '') : `${ref.registry}/${ref.repository}`;
  if (ref.tag) name += `:${ref.tag}`;
  if (ref.digest) name += `@${ref.digest}`;
  return name;
}

/** The canonical long form: "docker.io/library/busybox:latest". */
export function canonical(ref: ImageReference): string {
  return `${ref.registry}/${ref.repository}${ref.tag ? `:${ref.tag}` : ''}${ref.digest ? `@${ref.digest}` : ''}`;
}

/** Official images are Docker Hub's library namespace: no slash in the short name. */
export function isOfficial(ref: ImageReference): boolean {
  return ref.registry === 'docker.io' && ref.repository.startsWith('library/');
}

/**
 * An official image on evidence, not on the name's shape alone: the reference is in Docker Hub's
 * library namespace AND one of the image's repo digests (`busybox@sha256:…`, what the Engine
 * records when an image is pulled from or pushed to a registry) names that same library repository.
 * A locally built `bbtest:1` parses as docker.io/library/bbtest but has no such digest: not
 * official. See docs/semantics.md, "Official images".
 */
export function isOfficialOnEvidence(ref: ImageReference, repoDigests: readonly string[]): boolean {
  if (!isOfficial(ref)) return false;
  return repoDigests.some((d) => {
    try {
      const r = parseReference(d);
      return r.registry === ref.registry && r.repository === ref.repository && r.digest !== null;
    } catch {
      return false;
    }
  });
}

/** A reference that can move under you: `latest` (written or implied) and no digest. */
export function isFloating(ref: ImageReference): boolean {
  return ref.digest === null && (ref.tag === null || ref.tag === 'latest');
}

/** Familiar form of a tag string, or the string itself when it does not parse. */
export function familiarTag(tag: string): string {
  try {
    return familiar(parseReference(tag));
  } catch {
    return tag;
  }
}
