/**
 * Digest grammars, written once: the OCI `algorithm:encoded` form, the digests Strata can verify,
 * diff_ids, and image ids as users type them.
 */

/** The OCI descriptor grammar: `algorithm:encoded`. */
const DIGEST = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;
/** A reference's digest: the OCI grammar with at least 32 encoded characters. */
const REFERENCE_ENCODED_MIN = 32;
/** What Strata hashes and checks: sha256 and sha512, lowercase hex of their full length. */
const VERIFIABLE = /^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;
const SHA256 = /^sha256:[a-f0-9]{64}$/;
/** An image id, full or short (12 hex digits or more), with or without `sha256:`. */
const IMAGE_ID = /^(sha256:)?[0-9a-f]{12,64}$/;

/** An OCI digest (`algorithm:encoded`), as a descriptor must hold it. */
export function isDigest(s: unknown): s is string {
  return typeof s === 'string' && DIGEST.test(s);
}

/** A digest as a reference may carry it (`NAME@algorithm:encoded`). */
export function isReferenceDigest(s: string): boolean {
  return DIGEST.test(s) && s.slice(s.indexOf(':') + 1).length >= REFERENCE_ENCODED_MIN;
}

/** A digest Strata can verify: `sha256:` + 64 or `sha512:` + 128 lowercase hex digits. */
export function isVerifiableDigest(s: unknown): s is string {
  return typeof s === 'string' && VERIFIABLE.test(s);
}

/** A `sha256:` digest of 64 lowercase hex digits (diff_ids, the cache's keys). */
export function isSha256Digest(s: unknown): s is string {
  return typeof s === 'string' && SHA256.test(s);
}

/** An image id as typed (`sha256:` optional, 12 to 64 hex digits). */
export function isImageIdPrefix(s: string): boolean {
  return IMAGE_ID.test(s);
}
