/**
 * Image resolution on small in-memory documents: docker save's manifest.json, an OCI index with
 * nested indexes and attestations, platform and tag choice, and the errors that name what is wrong.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { ImageSelectError, type DocStore } from '../../../src/archive/image-docs.js';
import { hostPlatform } from '../../../src/archive/oci.js';
import { resolveImage } from '../../../src/archive/resolve-image.js';

type Docs = Record<string, unknown>;

function store(docs: Docs): DocStore {
  return {
    json: (p) =>
      p in docs ? Buffer.from(typeof docs[p] === 'string' ? (docs[p] as string) : JSON.stringify(docs[p])) : null,
    has: (p) => p in docs,
    names: () => Object.keys(docs),
  };
}

const sha = (s: string) => `sha256:${createHash('sha256').update(s).digest('hex')}`;
const blob = (digest: string) => `blobs/sha256/${digest.slice(7)}`;

function config(arch: string, variant?: string) {
  return {
    architecture: arch,
    os: 'linux',
    ...(variant ? { variant } : {}),
    rootfs: { type: 'layers', diff_ids: [sha(`diff-${arch}`)] },
    history: [{ created_by: 'ADD rootfs' }],
  };
}

/** An OCI layout: one image manifest per platform behind index.json (optionally nested). */
function ociLayout(platforms: { arch: string; variant?: string }[], refName?: string): Docs {
  const docs: Docs = {};
  const entries = platforms.map(({ arch, variant }) => {
    const cfg = config(arch, variant);
    const cfgDigest = sha(JSON.stringify(cfg));
    docs[blob(cfgDigest)] = cfg;
    const layer = sha(`layer-${arch}`);
    const manifest = {
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: cfgDigest, size: 1 },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: layer, size: 1 }],
    };
    const md = sha(JSON.stringify(manifest));
    docs[blob(md)] = manifest;
    return {
      mediaType: manifest.mediaType,
      digest: md,
      size: 1,
      platform: { os: 'linux', architecture: arch, variant },
    };
  });
  const annotations = refName ? { 'org.opencontainers.image.ref.name': refName } : undefined;
  docs['index.json'] = { schemaVersion: 2, manifests: entries.map((e) => ({ ...e, annotations })) };
  return docs;
}

test('docker save: manifest.json, the config by its path, layers in order, tags familiar', () => {
  const cfg = config('amd64');
  const cfgHex = sha(JSON.stringify(cfg)).slice(7);
  const docs = {
    'manifest.json': [
      { Config: `${cfgHex}.json`, RepoTags: ['docker.io/library/app:1'], Layers: ['aaa/layer.tar', 'bbb/layer.tar'] },
    ],
    [`${cfgHex}.json`]: cfg,
  };
  const r = resolveImage(store(docs), {});
  assert.equal(r.configDigest, `sha256:${cfgHex}`);
  assert.deepEqual(r.repoTags, ['app:1']);
  assert.deepEqual(
    r.layers.map((l) => l.location),
    ['aaa/layer.tar', 'bbb/layer.tar'],
  );
  assert.equal(r.layers[0].blobDigest, null);
  assert.equal(r.baseName, null);
  assert.equal(r.manifestDigest, null);
});

test('docker save with several images: chosen by tag, else an error listing them', () => {
  const a = config('amd64');
  const b = config('arm64');
  const [ha, hb] = [a, b].map((c) => sha(JSON.stringify(c)).slice(7));
  const docs = {
    'manifest.json': [
      { Config: `${ha}.json`, RepoTags: ['a:1'], Layers: ['x/layer.tar'] },
      { Config: `${hb}.json`, RepoTags: ['b:1'], Layers: ['y/layer.tar'] },
    ],
    [`${ha}.json`]: a,
    [`${hb}.json`]: b,
  };
  assert.deepEqual(resolveImage(store(docs), { tag: 'docker.io/library/b:1' }).repoTags, ['b:1']);
  assert.equal(
    resolveImage(store(docs), { platform: { os: 'linux', architecture: 'arm64' } }).configDigest,
    `sha256:${hb}`,
  );
  assert.throws(
    () => resolveImage(store(docs), {}),
    (err: Error) =>
      err instanceof ImageSelectError &&
      err.message ===
        'the archive holds several images; pick one by tag or --platform (a:1 [linux/amd64]; b:1 [linux/arm64])',
  );
  assert.throws(() => resolveImage(store(docs), { tag: 'c:1' }), /^Error: no image matches/);
});

test('OCI index: the platform asked for; the manifest digest and blob paths of its layers', () => {
  const docs = ociLayout([{ arch: 'amd64' }, { arch: 'arm64', variant: 'v8' }]);
  const r = resolveImage(store(docs), { platform: { os: 'linux', architecture: 'arm64' } });
  assert.equal(r.config.architecture, 'arm64');
  assert.equal(r.layers.length, 1);
  assert.equal(r.layers[0].blobDigest, sha('layer-arm64'));
  assert.equal(r.layers[0].location, blob(sha('layer-arm64')));
  assert.equal(r.layers[0].mediaType, 'application/vnd.oci.image.layer.v1.tar+gzip');
  assert.ok(r.manifestDigest?.startsWith('sha256:'));
});

test("OCI index with several platforms and none asked for: the host's", () => {
  const host = hostPlatform();
  const other = host.architecture === 'amd64' ? 'arm64' : 'amd64';
  const docs = ociLayout([{ arch: other }, { arch: host.architecture }]);
  assert.equal(resolveImage(store(docs), {}).config.architecture, host.architecture);
});

test('OCI index: nested indexes are followed, attestations and unknown/unknown skipped', () => {
  const docs = ociLayout([{ arch: 'amd64' }]);
  const top = docs['index.json'] as { manifests: Record<string, unknown>[] };
  const nested = { schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: top.manifests };
  const nd = sha(JSON.stringify(nested));
  docs[blob(nd)] = nested;
  const attestation = {
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    digest: sha('attestation'),
    size: 1,
    annotations: { 'vnd.docker.reference.type': 'attestation-manifest' },
  };
  docs['index.json'] = {
    schemaVersion: 2,
    manifests: [
      { mediaType: nested.mediaType, digest: nd, size: 1, annotations: { 'io.containerd.image.name': 'x.io/app:2' } },
      attestation,
    ],
  };
  const r = resolveImage(store(docs), {});
  assert.equal(r.config.architecture, 'amd64');
  assert.deepEqual(r.repoTags, ['x.io/app:2']);
});

test('OCI ref.name: a bare tag selects but is no repository tag', () => {
  const docs = ociLayout([{ arch: 'amd64' }], '1.0');
  const r = resolveImage(store(docs), { tag: '1.0' });
  assert.deepEqual(r.repoTags, []);
});

test('errors name the document: not an image, missing blobs, bad digests, bad JSON', () => {
  assert.throws(
    () => resolveImage(store({ 'a.txt': 'x' }), {}),
    /^Error: not an image archive: no manifest.json or index.json \(contains: a.txt\)$/,
  );
  const docs = ociLayout([{ arch: 'amd64' }]);
  const only = (docs['index.json'] as { manifests: { digest: string }[] }).manifests[0].digest;
  delete docs[blob(only)];
  assert.throws(
    () => resolveImage(store(docs), {}),
    new RegExp(`index.json names no image whose manifest is present; blobs missing for ${only} \\(linux/amd64\\)`),
  );
  assert.throws(
    () => resolveImage(store({ 'index.json': { manifests: [{ digest: 'sha256:../../x', size: 1 }] } }), {}),
    /invalid digest "sha256:..\/..\/x" in the image's manifest/,
  );
  assert.throws(() => resolveImage(store({ 'manifest.json': '{' }), {}), /^Error: manifest.json is not valid JSON/);
  assert.throws(() => resolveImage(store({ 'manifest.json': [] }), {}), /manifest.json lists no image/);
});
