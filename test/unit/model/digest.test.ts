import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  isDigest,
  isImageIdPrefix,
  isReferenceDigest,
  isSha256Digest,
  isVerifiableDigest,
} from '../../../src/model/digest.js';

test('digest grammars', () => {
  const hex64 = 'a'.repeat(64);
  assert.equal(isDigest(`sha256:${hex64}`), true);
  assert.equal(isDigest('sha256:../../etc'), false);
  assert.equal(isDigest('multihash+base58:QmRZxt2b1FVZPNqd8hsiykDL3TdBDeTSPX9Kv46HmX4Gx8'), true);
  assert.equal(isDigest(5), false);
  assert.equal(isReferenceDigest('sha256:abc'), false);
  assert.equal(isReferenceDigest(`sha256:${'a'.repeat(32)}`), true);
  assert.equal(isVerifiableDigest(`sha512:${'b'.repeat(128)}`), true);
  assert.equal(isVerifiableDigest(`sha512:${hex64}`), false);
  assert.equal(isVerifiableDigest(`sha256:${hex64.toUpperCase()}`), false);
  assert.equal(isSha256Digest(`sha256:${hex64}`), true);
  assert.equal(isSha256Digest(hex64), false);
  assert.equal(isImageIdPrefix('0123456789ab'), true);
  assert.equal(isImageIdPrefix(`sha256:${hex64}`), true);
  assert.equal(isImageIdPrefix('0123456789a'), false);
  assert.equal(isImageIdPrefix('busybox'), false);
});
