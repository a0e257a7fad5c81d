import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  canonical,
  familiar,
  familiarTag,
  InvalidReferenceError,
  isFloating,
  isOfficial,
  isOfficialOnEvidence,
  parseReference,
} from '../../../src/model/reference.js';

const DIGEST = `sha256:${'a'.repeat(64)}`;

test('Docker defaults: docker.io, library/, latest', () => {
  assert.deepEqual(parseReference('busybox'), {
    registry: 'docker.io',
    repository: 'library/busybox',
    tag: 'latest',
    digest: null,
    implicitTag: true,
  });
  assert.deepEqual(parseReference('bitnami/nginx:1.25'), {
    registry: 'docker.io',
    repository: 'bitnami/nginx',
    tag: '1.25',
    digest: null,
    implicitTag: false,
  });
});

test('registries: a dot, a port or localhost in the first component; Docker Hub aliases fold', () => {
  assert.equal(parseReference('ghcr.io/o/r:t').registry, 'ghcr.io');
  assert.equal(parseReference('localhost:5000/app').registry, 'localhost:5000');
  assert.equal(parseReference('localhost/app').registry, 'localhost');
  assert.equal(parseReference('[::1]:5000/app').registry, '[::1]:5000');
  assert.equal(parseReference('index.docker.io/library/busybox').registry, 'docker.io');
  assert.equal(parseReference('registry-1.docker.io/x/y').repository, 'x/y');
  // No dot, colon or localhost: a namespace, not a registry.
  assert.deepEqual(
    [parseReference('myhost/app').registry, parseReference('myhost/app').repository],
    ['docker.io', 'myhost/app'],
  );
});

test('digests: no implied tag; a tag and a digest together keep both', () => {
  const r = parseReference(`busybox@${DIGEST}`);
  assert.equal(r.tag, null);
  assert.equal(r.digest, DIGEST);
  assert.equal(r.implicitTag, false);
  const both = parseReference(`busybox:1.36@${DIGEST}`);
  assert.equal(both.tag, '1.36');
  assert.equal(both.digest, DIGEST);
});

test('invalid references name the part that is wrong', () => {
  assert.throws(() => parseReference('busybox@sha256:abc'), /invalid digest in "busybox@sha256:abc"/);
  assert.throws(() => parseReference('busybox:bad/tag:x'), InvalidReferenceError);
  assert.throws(() => parseReference('busybox:-x'), /invalid tag "-x"/);
  assert.throws(() => parseReference('Upper/Case'), /invalid repository name/);
  assert.throws(() => parseReference('bad_host.io:x:1/app'), InvalidReferenceError);
  assert.throws(() => parseReference(''), /invalid repository name/);
});

test('familiar and canonical forms', () => {
  const r = parseReference('busybox');
  assert.equal(familiar(r), 'busybox:latest');
  assert.equal(canonical(r), 'docker.io/library/busybox:latest');
  assert.equal(familiar(parseReference('ghcr.io/o/r:t')), 'ghcr.io/o/r:t');
  assert.equal(familiar(parseReference(`bitnami/nginx@${DIGEST}`)), `bitnami/nginx@${DIGEST}`);
  assert.equal(familiarTag('docker.io/library/alpine:3'), 'alpine:3');
  assert.equal(familiarTag('not a tag'), 'not a tag');
});

test('official images need a repo digest of the same library repository', () => {
  const r = parseReference('busybox:1');
  assert.equal(isOfficial(r), true);
  assert.equal(isOfficialOnEvidence(r, []), false);
  assert.equal(isOfficialOnEvidence(r, [`busybox@${DIGEST}`]), true);
  assert.equal(isOfficialOnEvidence(r, [`other@${DIGEST}`]), false);
  assert.equal(isOfficialOnEvidence(parseReference('bitnami/nginx'), [`bitnami/nginx@${DIGEST}`]), false);
});

test('floating: latest, written or implied, without a digest', () => {
  assert.equal(isFloating(parseReference('busybox')), true);
  assert.equal(isFloating(parseReference('busybox:latest')), true);
  assert.equal(isFloating(parseReference('busybox:1.36')), false);
  assert.equal(isFloating(parseReference(`busybox@${DIGEST}`)), false);
});

test('a reference whose registry part is not a host name is refused (its characters are checked)', () => {
  assert.equal(parseReference('localhost:5000/a/b:1').registry, 'localhost:5000');
  assert.equal(parseReference('[::1]:5000/a:1').registry, '[::1]:5000');
  assert.throws(() => parseReference('reg\u001b]0;t\u0007istry.io/evil/img:latest'), InvalidReferenceError);
  assert.throws(() => parseReference('ev\u202eil.io/a:1'), InvalidReferenceError);
});
