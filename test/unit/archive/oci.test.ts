import assert from 'node:assert/strict';
import { test } from 'node:test';
import { choosePlatform, digestFromPath, parseJson, type OciDescriptor } from '../../../src/archive/oci.js';

const d = (arch: string, variant?: string, extra: Partial<OciDescriptor> = {}): OciDescriptor => ({
  digest: `sha256:${arch}${variant ?? ''}`,
  platform: { os: 'linux', architecture: arch, variant },
  ...extra,
});

test('choosePlatform: the match; the default variant among several; attestations never', () => {
  const list = [d('amd64'), d('arm64', 'v8'), d('arm', 'v6'), d('arm', 'v7')];
  assert.equal(choosePlatform(list, { os: 'linux', architecture: 'amd64' }, true, 'x').digest, 'sha256:amd64');
  assert.equal(choosePlatform(list, { os: 'linux', architecture: 'arm' }, true, 'x').digest, 'sha256:armv7');
  assert.equal(
    choosePlatform(list, { os: 'linux', architecture: 'arm', variant: 'v6' }, true, 'x').digest,
    'sha256:armv6',
  );
  const attested = [d('s390x', undefined, { annotations: { 'vnd.docker.reference.type': 'attestation-manifest' } })];
  assert.throws(
    () => choosePlatform(attested, { os: 'linux', architecture: 's390x' }, true, 'reg/x'),
    /^Error: reg\/x: no image for platform linux\/s390x; the index has: none$/,
  );
  assert.throws(
    () => choosePlatform(list, { os: 'linux', architecture: 'riscv64' }, false, 'reg/x'),
    /no image for this host's platform linux\/riscv64 \(pick one with --platform\); the index has: linux\/amd64, /,
  );
});

test('digestFromPath and parseJson', () => {
  const hex = '0'.repeat(64);
  assert.equal(digestFromPath(`blobs/sha256/${hex}`), `sha256:${hex}`);
  assert.equal(digestFromPath(`${hex}.json`), `sha256:${hex}`);
  assert.equal(digestFromPath(`${hex}/layer.tar`), null);
  const fail = (m: string) => new Error(m);
  assert.deepEqual(parseJson(Buffer.from('[1]'), 'doc', fail), [1]);
  assert.throws(
    () => parseJson(Buffer.from('[1]'), 'doc', fail, true),
    /^Error: doc is not valid JSON \(not a JSON object\)$/,
  );
});
