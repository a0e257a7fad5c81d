/**
 * dive's own test images (test/fixtures/dive, see ORIGIN.md) must produce every figure of
 * EXPECTED.md exactly, through the real CLI.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../support/cli.js';
import { fixture } from '../support/paths.js';

interface Report {
  schemaVersion: number;
  source: { kind: string; ref: string };
  image: { repoTags: string[]; os: string; architecture: string };
  layers: {
    index: number;
    diffId: string;
    command: string;
    sizeBytes: number;
    added: { count: number; bytes: number };
    modified: { count: number; bytes: number };
    removed: { count: number; bytes: number };
    files?: { path: string; change: string; type: string; size: number; mode: number }[];
  }[];
  history: { emptyLayer: boolean; layerIndex: number | null }[];
  summary: {
    layerBytes: number;
    unionBytes: number;
    unionFiles: number;
    wastedBytes: number;
    efficiency: number;
    baseLayers: number;
    userWastedBytes: number;
    dive: {
      efficiency: number;
      wastedBytes: number;
      userSizeBytes: number;
      userWastedPercent: number | null;
      inefficientFiles: { path: string; count: number; bytes: number }[];
    };
  };
  wasted: {
    path: string;
    bytes: number;
    versions: { layer: number; change: string; size: number }[];
    hiddenBy: { layer: number; change: string };
  }[];
  warnings: string[];
}

async function report(name: string, ...extra: string[]): Promise<Report> {
  const r = await runCli([fixture(name), '--json', '--no-cache', ...extra]);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as Report;
}

test('test-docker-image.tar: dive figures exactly as dive asserts them', async () => {
  const r = await report('test-docker-image.tar');
  assert.equal(r.schemaVersion, 1);
  assert.equal(r.layers.length, 14);
  assert.deepEqual(r.image.repoTags, ['dive-test:latest']);
  assert.deepEqual(
    r.layers.map((l) => l.sizeBytes),
    [1154361, 6405, 0, 6405, 6405, 6405, 6405, 6405, 6405, 0, 2187, 6405, 6405, 6405],
  );
  const d = r.summary.dive;
  assert.equal(r.summary.layerBytes, 1220598);
  assert.equal(d.userSizeBytes, 66237);
  assert.equal(d.efficiency, 0.9844212134184309);
  assert.equal(d.wastedBytes, 32025);
  assert.equal(d.userWastedPercent, 0.4834911001404049);
  assert.deepEqual(d.inefficientFiles, [
    { path: '/root/saved.txt', count: 2, bytes: 12810 },
    { path: '/root/example/somefile1.txt', count: 2, bytes: 12810 },
    { path: '/root/example/somefile3.txt', count: 2, bytes: 6405 },
  ]);
});

test('test-docker-image.tar: our exact figures and waste provenance', async () => {
  const r = await report('test-docker-image.tar');
  const s = r.summary;
  assert.equal(s.unionBytes, 1188573);
  assert.equal(s.wastedBytes, 32025);
  assert.equal(s.unionFiles, 405);
  assert.equal(s.efficiency, 1188573 / 1220598);
  assert.equal(s.baseLayers, 1);
  assert.equal(s.userWastedBytes, 32025);
  assert.deepEqual(r.wasted, [
    {
      path: '/root/example/somefile1.txt',
      bytes: 12810,
      versions: [
        { layer: 3, change: 'added', size: 6405 },
        { layer: 4, change: 'modified', size: 6405 },
      ],
      hiddenBy: { layer: 9, change: 'removed' },
    },
    {
      path: '/root/example/somefile2.txt',
      bytes: 6405,
      versions: [{ layer: 5, change: 'added', size: 6405 }],
      hiddenBy: { layer: 9, change: 'removed' },
    },
    {
      path: '/root/example/somefile3.txt',
      bytes: 6405,
      versions: [{ layer: 6, change: 'added', size: 6405 }],
      hiddenBy: { layer: 7, change: 'removed' },
    },
    {
      path: '/root/saved.txt',
      bytes: 6405,
      versions: [{ layer: 7, change: 'added', size: 6405 }],
      hiddenBy: { layer: 13, change: 'modified' },
    },
  ]);
  // The archive's only tag is dive-test:latest: a floating reference is worth a warning.
  assert.deepEqual(r.warnings, [
    'dive-test:latest is used through the floating tag "latest": pin a version tag or a digest',
  ]);
});

test('test-docker-image.tar: per-layer changes by path', async () => {
  const r = await report('test-docker-image.tar', '--files');
  const changes = (i: number) => (r.layers[i].files ?? []).map((f) => `${f.change[0].toUpperCase()} ${f.path}`);
  assert.equal(r.layers[0].files!.length, r.layers[0].added.count);
  assert.deepEqual(changes(1), ['A /somefile.txt']);
  assert.deepEqual(changes(2), ['A /root/example', 'A /root/example/really', 'A /root/example/really/nested']);
  assert.deepEqual(changes(3), ['A /root/example/somefile1.txt']);
  assert.deepEqual(changes(4), ['M /root/example/somefile1.txt']);
  const m4 = r.layers[4].files![0];
  assert.equal(m4.mode, 0o444);
  assert.deepEqual(changes(5), ['A /root/example/somefile2.txt']);
  assert.deepEqual(changes(6), ['A /root/example/somefile3.txt']);
  assert.deepEqual(changes(7), ['R /root/example/somefile3.txt', 'A /root/saved.txt']);
  assert.deepEqual(changes(8), ['A /root/.saved.txt']);
  assert.deepEqual(changes(9), [
    'R /root/example',
    'R /root/example/really',
    'R /root/example/really/nested',
    'R /root/example/somefile1.txt',
    'R /root/example/somefile2.txt',
  ]);
  assert.deepEqual(r.layers[9].removed, { count: 5, bytes: 12810 });
  assert.deepEqual(changes(10), ['A /root/.data', 'A /root/.data/tag.sh', 'A /root/.data/test.sh']);
  assert.deepEqual(changes(11), ['A /tmp/saved.again1.txt']);
  assert.deepEqual(changes(12), ['A /root/.data/saved.again2.txt']);
  assert.deepEqual(changes(13), ['M /root/saved.txt']);
  assert.equal(r.layers[13].files![0].mode, 0o755);
  // Every history step maps in order; the commands are the raw created_by.
  assert.match(r.layers[13].command, /chmod \+x \/root\/saved.txt/);
  assert.equal(r.history.filter((h) => h.layerIndex !== null).length, 14);
});

test('test-kaniko-image.tar: kaniko layout, one empty history entry', async () => {
  const r = await report('test-kaniko-image.tar');
  assert.equal(r.layers.length, 14);
  assert.equal(r.history.length, 15);
  assert.equal(r.history.filter((h) => h.emptyLayer).length, 1);
  assert.equal(r.summary.layerBytes, 1326410);
  assert.equal(r.summary.dive.userSizeBytes, 94677);
  assert.equal(r.summary.dive.efficiency, 0.9793688490216431);
  assert.equal(r.summary.dive.wastedBytes, 46245);
  assert.equal(r.summary.unionBytes, 1280165);
  assert.equal(r.summary.wastedBytes, 46245);
  assert.equal(r.summary.unionFiles, 411);
  assert.deepEqual(r.warnings, []); // tagged dive-test:kaniko-latest, a pinned tag
});

for (const [name, diffPrefix] of [
  ['test-oci-uncompressed-image.tar', 'sha256:356d5e7f'],
  ['test-oci-gzip-image.tar', 'sha256:356d5e7f'],
  ['test-oci-zstd-image.tar', 'sha256:356d5e7f'],
  ['test-oci-estargz-image.tar', 'sha256:2b3dbfdf'],
] as const) {
  test(`${name}: one layer holding /README.md`, async () => {
    const r = await report(name, '--files');
    assert.equal(r.layers.length, 1);
    assert.ok(r.layers[0].diffId.startsWith(diffPrefix), r.layers[0].diffId);
    assert.equal(r.layers[0].command, 'COPY README.md /README.md # buildkit');
    assert.deepEqual(r.layers[0].files, [
      { path: '/README.md', change: 'added', type: 'file', size: 11189, mode: 0o644, uid: 0, gid: 0 },
    ]);
    assert.equal(r.summary.layerBytes, 11189);
    assert.equal(r.summary.unionBytes, 11189);
    assert.equal(r.summary.wastedBytes, 0);
    assert.equal(r.summary.efficiency, 1);
    assert.equal(r.summary.dive.userWastedPercent, null);
    assert.equal(r.image.architecture, 'arm64');
  });
}

test('not-an-image-rootfs.tar is refused with exit 2 and one clear line', async () => {
  const r = await runCli([fixture('not-an-image-rootfs.tar'), '--json']);
  assert.equal(r.code, 2);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /^strata: not an image archive: no manifest\.json or index\.json \(contains: README\.md\)\n$/);
});

test('the same fixtures through the transport prefixes', async () => {
  const a = await runCli([`docker-archive:${fixture('test-docker-image.tar')}`, '--json', '--no-cache']);
  const b = await runCli([`oci-archive:${fixture('test-oci-gzip-image.tar')}`, '--json', '--no-cache']);
  assert.equal(a.code, 0, a.stderr);
  assert.equal(b.code, 0, b.stderr);
  assert.equal(JSON.parse(a.stdout).summary.wastedBytes, 32025);
  assert.equal(JSON.parse(b.stdout).summary.unionBytes, 11189);
});
