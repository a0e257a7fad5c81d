/**
 * `registry://` sources against a real registry: Debian's docker-registry (distribution 2.8) on
 * 127.0.0.1:<free port>, started here and stopped after, with images pushed by skopeo.
 *
 * - strata-test/changes:1 pushed from the Engine (skopeo gzips the layers and keeps the Docker
 *   config byte for byte): its report equals the Engine's, apart from `source`, the per-layer blob
 *   fields (the registry stores gzip blobs: checked against the manifest instead) and the names:
 *   repoTags/repoDigests are what `docker pull` records for this reference (checked by hand against
 *   `docker pull` of the same registry): [HOST/REPO:TAG] and [HOST/REPO@<manifest digest>]; by
 *   digest, no tag.
 * - A two-platform OCI index (amd64: changes, arm64/v8: small with an arm64 config): --platform
 *   picks, the default is the host's, an unknown platform lists what the index has; its reports
 *   equal the ones of the OCI layout it was pushed from.
 * - Errors: unknown tag, repository or digest -> 2; registry down -> 3; a layer blob replaced by
 *   another valid blob, a flipped byte in a layer, a changed config -> 2 naming the digest.
 * - Plain HTTP only for loopback: the same registry through a non-loopback address fails over
 *   HTTPS (exit 3, hint --insecure) and works with --insecure.
 * - Auth: a token server + auth proxy (Bearer challenge -> /token with Basic credentials from a
 *   temp DOCKER_CONFIG/config.json -> Bearer), a Basic-only proxy, a credential helper on PATH,
 *   a missing credsStore helper (no crash), wrong and absent credentials -> 2.
 * - Cache: a second run downloads no layer blob.
 * - In process: progress events with the descriptor sizes, layers merged in order, origin.open.
 *
 * Locally the suite skips when the Engine, skopeo or docker-registry is missing; under CI it fails.
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  buildFixture,
  engineGate,
  runStrata,
  scratchDir,
  strataJson,
  type BuiltImage,
  type RunResult,
} from '../support/engine.js';
import {
  blobFile,
  buildMultiPlatformLayout,
  nonLoopbackAddress,
  sha256,
  skopeoCopy,
  startAuthProxy,
  startForwarder,
  startRegistry,
  freePort,
  type Registry,
} from '../support/registry.js';
import { hostPlatform } from '../../src/archive/oci.js';
import { parseChallenges, lookupCredentials } from '../../src/sources/registry/auth.js';
import { isLoopbackHost } from '../../src/sources/registry/hosts.js';
import { loadRegistryImage } from '../../src/sources/registry/image.js';
import type { LoadEvent } from '../../src/model/image.js';
import { looksLikeStackTrace } from '../support/cli.js';

const gate = engineGate({ commands: ['skopeo', 'docker-registry'] });

let configCounter = 0;
/** A fresh DOCKER_CONFIG dir holding `config` (or nothing): runs never see the user's own config. */
function dockerConfig(config?: unknown): string {
  const dir = join(scratchDir(), `docker-config-${++configCounter}`);
  mkdirSync(dir, { recursive: true });
  if (config !== undefined) writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
  return dir;
}

function freshCache(): string {
  return mkdtempSync(join(scratchDir(), 'xdg-'));
}

/** The CLI with no user config and a private cache unless the env says otherwise. */
function strata(args: string[], env: NodeJS.ProcessEnv = {}): Promise<RunResult> {
  return runStrata(args, { DOCKER_CONFIG: dockerConfig(), XDG_CACHE_HOME: freshCache(), ...env });
}

async function json(args: string[], env: NodeJS.ProcessEnv = {}): Promise<any> {
  return strataJson(args, { DOCKER_CONFIG: dockerConfig(), XDG_CACHE_HOME: freshCache(), ...env });
}

/** One clear line on stderr, the exit code, no stack trace; returns the line. */
function assertFails(r: RunResult, code: number, ...mustMention: (string | RegExp)[]): string {
  assert.equal(r.code, code, `exit code (stderr: ${r.stderr.trim()})`);
  assert.equal(r.stdout, '', 'nothing on stdout');
  assert.ok(!looksLikeStackTrace(r.stderr), `no stack trace: ${r.stderr}`);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `one line on stderr: ${r.stderr}`);
  for (const m of mustMention) {
    if (typeof m === 'string') assert.ok(lines[0].includes(m), `stderr mentions ${m}: ${lines[0]}`);
    else assert.match(lines[0], m);
  }
  return lines[0];
}

function withoutNamesAndBlobs(report: any): any {
  const c = structuredClone(report);
  delete c.source;
  delete c.image.repoTags;
  delete c.image.repoDigests;
  for (const l of c.layers) {
    delete l.blobDigest;
    delete l.mediaType;
    delete l.compressedBytes;
  }
  return c;
}

/** Piece by piece, so that a failure names the part that differs. */
function assertSame(got: any, want: any, what: string): void {
  assert.deepEqual(got.image, want.image, `${what}: image`);
  assert.deepEqual(got.history, want.history, `${what}: history`);
  assert.equal(got.layers.length, want.layers.length, `${what}: layer count`);
  for (let i = 0; i < want.layers.length; i++) assert.deepEqual(got.layers[i], want.layers[i], `${what}: layer ${i}`);
  assert.deepEqual(got.summary, want.summary, `${what}: summary`);
  assert.deepEqual(got.wasted, want.wasted, `${what}: wasted`);
  assert.deepEqual(got.warnings, want.warnings, `${what}: warnings`);
  assert.deepEqual(got, want, `${what}: whole report`);
}

async function manifestOf(host: string, repo: string, ref: string): Promise<any> {
  const r = await fetch(`http://${host}/v2/${repo}/manifests/${ref}`, {
    headers: {
      Accept: [
        'application/vnd.docker.distribution.manifest.v2+json',
        'application/vnd.oci.image.manifest.v1+json',
        'application/vnd.oci.image.index.v1+json',
      ].join(', '),
    },
  });
  assert.equal(r.status, 200, `manifest ${repo}:${ref}`);
  return r.json();
}

describe('registry:// sources against a real registry', { skip: gate.skip }, () => {
  let changes: BuiltImage;
  let reg: Registry;
  let changesDigest: string;
  let multiDigest: string;
  let multiLayout: string;
  let engineReport: any;
  let registryReport: any;

  before(async () => {
    gate.before();
    changes = buildFixture('changes');
    const small = buildFixture('small');
    reg = await startRegistry('main');
    changesDigest = skopeoCopy([`docker-daemon:${changes.tag}`, `docker://${reg.host}/strata/changes:1`]);
    multiLayout = buildMultiPlatformLayout(changes.tag, small.tag);
    multiDigest = skopeoCopy(['--all', `oci:${multiLayout}:multi`, `docker://${reg.host}/strata/multi:1`]);
    // The same two images as a Docker manifest list of Docker v2 schema 2 manifests.
    skopeoCopy(['--all', '--format', 'v2s2', `oci:${multiLayout}:multi`, `docker://${reg.host}/strata/dlist:1`]);
    engineReport = await json([changes.tag, '--json', '--files', '--no-cache']);
    registryReport = await json([`registry://${reg.host}/strata/changes:1`, '--json', '--files', '--no-cache']);
  });

  after(async () => {
    await reg?.stop();
  });

  it('gives the Engine report for a pushed image, apart from source, names and blob fields', async () => {
    assert.deepEqual(registryReport.source, { kind: 'registry', ref: `registry://${reg.host}/strata/changes:1` });
    assertSame(withoutNamesAndBlobs(registryReport), withoutNamesAndBlobs(engineReport), 'registry vs Engine');
    // The image id is the config digest: skopeo pushes the Engine's config bytes unchanged.
    assert.equal(registryReport.image.id, changes.id);
  });

  it('names the image as docker pull would: the tag pulled and NAME@manifest digest', () => {
    assert.deepEqual(registryReport.image.repoTags, [`${reg.host}/strata/changes:1`]);
    assert.deepEqual(registryReport.image.repoDigests, [`${reg.host}/strata/changes@${changesDigest}`]);
  });

  it("fills each layer's blob fields from the manifest (gzip blobs, their digests and sizes)", async () => {
    const m = await manifestOf(reg.host, 'strata/changes', '1');
    assert.equal(m.layers.length, registryReport.layers.length);
    m.layers.forEach((d: any, i: number) => {
      const l = registryReport.layers[i];
      assert.equal(l.blobDigest, d.digest, `layer ${i} blobDigest`);
      assert.equal(l.mediaType, d.mediaType, `layer ${i} mediaType`);
      assert.equal(l.compressedBytes, d.size, `layer ${i} compressedBytes`);
      assert.match(l.mediaType, /gzip$/);
      assert.equal(l.diffId, changes.diffIds[i], `layer ${i} diffId`);
    });
  });

  it('reads the same image by digest (no tag recorded)', async () => {
    const r = await json([`registry://${reg.host}/strata/changes@${changesDigest}`, '--json', '--files', '--no-cache']);
    assertSame(withoutNamesAndBlobs(r), withoutNamesAndBlobs(engineReport), 'by digest vs Engine');
    assert.deepEqual(r.image.repoTags, []);
    assert.deepEqual(r.image.repoDigests, [`${reg.host}/strata/changes@${changesDigest}`]);
    assert.deepEqual(
      r.layers.map((l: any) => l.blobDigest),
      registryReport.layers.map((l: any) => l.blobDigest),
    );
  });

  describe('a two-platform index', () => {
    let layoutArm: any;
    let layoutAmd: any;

    before(async () => {
      layoutArm = await json([
        `oci:${multiLayout}:multi`,
        '--platform',
        'linux/arm64',
        '--json',
        '--files',
        '--no-cache',
      ]);
      layoutAmd = await json([
        `oci:${multiLayout}:multi`,
        '--platform',
        'linux/amd64',
        '--json',
        '--files',
        '--no-cache',
      ]);
      assert.equal(layoutArm.image.architecture, 'arm64');
      assert.equal(layoutAmd.image.architecture, 'amd64');
    });

    /** Names differ (the layout's ref is the bare "multi", i.e. multi:latest, hence a floating-tag warning). */
    function comparable(r: any): any {
      const c = structuredClone(r);
      delete c.source;
      delete c.image.repoTags;
      delete c.image.repoDigests;
      c.warnings = c.warnings.filter((w: string) => !w.includes('floating tag'));
      return c;
    }

    it('--platform linux/arm64 picks the arm64 image, as the layout it came from reads', async () => {
      const r = await json([
        `registry://${reg.host}/strata/multi:1`,
        '--platform',
        'linux/arm64',
        '--json',
        '--files',
        '--no-cache',
      ]);
      assert.equal(r.image.architecture, 'arm64');
      assert.equal(r.image.variant, 'v8');
      assertSame(comparable(r), comparable(layoutArm), 'registry arm64 vs layout arm64');
      // The index digest is what the reference names, hence what docker pull records.
      assert.deepEqual(r.image.repoDigests, [`${reg.host}/strata/multi@${multiDigest}`]);
      assert.deepEqual(r.image.repoTags, [`${reg.host}/strata/multi:1`]);
    });

    it('--platform linux/arm64/v8 and linux/amd64 pick theirs', async () => {
      const arm = await json([
        `registry://${reg.host}/strata/multi:1`,
        '--platform',
        'linux/arm64/v8',
        '--json',
        '--no-cache',
      ]);
      assert.equal(arm.image.id, layoutArm.image.id);
      const amd = await json([
        `registry://${reg.host}/strata/multi:1`,
        '--platform',
        'linux/amd64',
        '--json',
        '--files',
        '--no-cache',
      ]);
      assertSame(comparable(amd), comparable(layoutAmd), 'registry amd64 vs layout amd64');
    });

    it("defaults to the host's platform", async () => {
      const host = hostPlatform();
      const r = await strata([`registry://${reg.host}/strata/multi:1`, '--json', '--no-cache']);
      if (host.os === 'linux' && (host.architecture === 'amd64' || host.architecture === 'arm64')) {
        assert.equal(r.code, 0, r.stderr);
        const want = host.architecture === 'amd64' ? layoutAmd : layoutArm;
        assert.equal(JSON.parse(r.stdout).image.id, want.image.id);
      } else {
        assertFails(r, 2, 'linux/amd64', 'linux/arm64/v8');
      }
    });

    it('reads the index by digest, and a platform manifest by its own digest', async () => {
      const r = await json([
        `registry://${reg.host}/strata/multi@${multiDigest}`,
        '--platform',
        'linux/arm64',
        '--json',
        '--no-cache',
      ]);
      assert.equal(r.image.id, layoutArm.image.id);
      const index = await manifestOf(reg.host, 'strata/multi', '1');
      const armDesc = index.manifests.find((m: any) => m.platform.architecture === 'arm64');
      const direct = await json([`registry://${reg.host}/strata/multi@${armDesc.digest}`, '--json', '--no-cache']);
      assert.equal(direct.image.id, layoutArm.image.id);
      assert.deepEqual(direct.image.repoDigests, [`${reg.host}/strata/multi@${armDesc.digest}`]);
    });

    it('reads a Docker manifest list the same way', async () => {
      const r = await fetch(`http://${reg.host}/v2/strata/dlist/manifests/1`, {
        headers: { Accept: 'application/vnd.docker.distribution.manifest.list.v2+json' },
      });
      assert.equal(r.headers.get('content-type'), 'application/vnd.docker.distribution.manifest.list.v2+json');
      const arm = await json([
        `registry://${reg.host}/strata/dlist:1`,
        '--platform',
        'linux/arm64',
        '--json',
        '--files',
        '--no-cache',
      ]);
      const want = comparable(layoutArm);
      const got = comparable(arm);
      // skopeo re-serialises the config when it converts OCI -> Docker: the id (config digest) differs.
      delete want.image.id;
      delete got.image.id;
      for (const l of [...want.layers, ...got.layers]) delete l.mediaType;
      assertSame(got, want, 'Docker list arm64 vs layout arm64');
      assert.match(arm.layers[0].mediaType, /^application\/vnd\.docker\.image\.rootfs\.diff\.tar\.gzip$/);
    });

    it('an unknown platform is an error listing the platforms in the index', async () => {
      const r = await strata([
        `registry://${reg.host}/strata/multi:1`,
        '--platform',
        'linux/s390x',
        '--json',
        '--no-cache',
      ]);
      assertFails(r, 2, 'linux/s390x', 'linux/amd64', 'linux/arm64/v8');
    });
  });

  describe('errors', () => {
    it('unknown tag, repository or digest -> exit 2', async () => {
      assertFails(
        await strata([`registry://${reg.host}/strata/changes:nope`, '--json']),
        2,
        'strata/changes:nope',
        'not found',
      );
      assertFails(
        await strata([`registry://${reg.host}/strata/nothing-here:1`, '--json']),
        2,
        'strata/nothing-here',
        'not found',
      );
      const bogus = `sha256:${'0'.repeat(64)}`;
      assertFails(await strata([`registry://${reg.host}/strata/changes@${bogus}`, '--json']), 2, bogus);
    });

    it('a malformed reference -> exit 2', async () => {
      assertFails(await strata([`registry://${reg.host}/Strata/UPPER:1`, '--json']), 2, 'invalid repository name');
    });

    it('--platform that a single-platform image does not have -> exit 2', async () => {
      assertFails(
        await strata([`registry://${reg.host}/strata/changes:1`, '--platform', 'linux/arm64', '--json']),
        2,
        'linux/arm64',
        'linux/amd64',
      );
    });

    it('registry down -> exit 3 naming it', async () => {
      const port = await freePort();
      assertFails(
        await strata([`registry://127.0.0.1:${port}/strata/changes:1`, '--json']),
        3,
        `127.0.0.1:${port}`,
        'unreachable',
      );
    });
  });

  describe('plain HTTP for loopback only', () => {
    it('recognises loopback hosts', () => {
      for (const h of ['localhost', 'localhost:5000', '127.0.0.1', '127.1.2.3:80', '[::1]:5000', '[::1]'])
        assert.ok(isLoopbackHost(h), h);
      for (const h of ['registry.example.com', '192.0.2.1:5000', '10.0.0.1', 'localhost.example.com', '128.0.0.1'])
        assert.ok(!isLoopbackHost(h), h);
    });

    it('a non-loopback address is tried over HTTPS (exit 3, hint --insecure); --insecure uses HTTP', async (t) => {
      const address = nonLoopbackAddress();
      if (!address) {
        if (process.env.CI) assert.fail('no non-loopback IPv4 address to test the HTTPS rule with');
        t.skip('no non-loopback IPv4 address');
        return;
      }
      const fwd = await startForwarder(address, reg);
      try {
        const ref = `registry://${fwd.host}/strata/changes:1`;
        assertFails(await strata([ref, '--json']), 3, `https://${fwd.host}`, '--insecure');
        const r = await json([ref, '--json', '--files', '--insecure', '--no-cache']);
        assertSame(withoutNamesAndBlobs(r), withoutNamesAndBlobs(registryReport), 'through --insecure');
      } finally {
        await fwd.close();
      }
    });
  });

  describe('auth', () => {
    const user = 'strata';
    const pass = 's3cret:with:colons';
    const auth = Buffer.from(`${user}:${pass}`).toString('base64');

    it('parses challenges', () => {
      assert.deepEqual(
        parseChallenges(
          'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",' +
            'scope="repository:library/busybox:pull"',
        ),
        [
          {
            scheme: 'bearer',
            params: {
              realm: 'https://auth.docker.io/token',
              service: 'registry.docker.io',
              scope: 'repository:library/busybox:pull',
            },
          },
        ],
      );
      assert.deepEqual(
        parseChallenges('Basic realm="x y", Bearer realm="https://a/t",scope="repository:a/b:pull,push"'),
        [
          { scheme: 'basic', params: { realm: 'x y' } },
          { scheme: 'bearer', params: { realm: 'https://a/t', scope: 'repository:a/b:pull,push' } },
        ],
      );
      assert.deepEqual(parseChallenges(null), []);
    });

    it('finds credentials in config.json (auths, Docker Hub key, username/password)', () => {
      const saved = process.env.DOCKER_CONFIG;
      try {
        process.env.DOCKER_CONFIG = dockerConfig({
          auths: {
            'https://index.docker.io/v1/': { auth: Buffer.from('hub:hubpw').toString('base64') },
            'http://127.0.0.1:5999/v2/': { auth: auth },
            'plain.example.com': { username: 'u', password: 'p' },
          },
        });
        assert.deepEqual(lookupCredentials('docker.io') && { ...lookupCredentials('docker.io')!, from: '' }, {
          username: 'hub',
          password: 'hubpw',
          from: '',
        });
        assert.equal(lookupCredentials('127.0.0.1:5999')?.password, pass);
        assert.equal(lookupCredentials('plain.example.com')?.username, 'u');
        assert.equal(lookupCredentials('other.example.com'), null);
        process.env.DOCKER_CONFIG = dockerConfig({
          credsStore: 'strata-no-such-helper',
          auths: { 'x.example.com': {} },
        });
        assert.equal(lookupCredentials('x.example.com'), null);
        process.env.DOCKER_CONFIG = dockerConfig();
        assert.equal(lookupCredentials('docker.io'), null);
      } finally {
        if (saved === undefined) delete process.env.DOCKER_CONFIG;
        else process.env.DOCKER_CONFIG = saved;
      }
    });

    describe('through a token server and auth proxy', () => {
      let proxy: Awaited<ReturnType<typeof startAuthProxy>>;
      before(async () => {
        proxy = await startAuthProxy(reg, user, pass, 'bearer');
      });
      after(async () => {
        await proxy?.close();
      });

      it('Bearer token flow with Basic credentials from config.json', async () => {
        proxy.log.length = 0;
        const cfg = dockerConfig({ auths: { [proxy.host]: { auth } } });
        const r = await json([`registry://${proxy.host}/strata/changes:1`, '--json', '--files', '--no-cache'], {
          DOCKER_CONFIG: cfg,
        });
        assertSame(withoutNamesAndBlobs(r), withoutNamesAndBlobs(registryReport), 'through the auth proxy');
        assert.deepEqual(r.image.repoTags, [`${proxy.host}/strata/changes:1`]);
        // Anonymous first, then a token fetched with Basic credentials for the right scope, then Bearer.
        assert.equal(proxy.log[0].auth, 'none');
        assert.equal(proxy.log[0].status, 401);
        const tokenReq = proxy.log.find((e) => e.url.startsWith('/token'));
        assert.ok(tokenReq, 'a token was requested');
        assert.equal(tokenReq!.auth, 'basic');
        assert.equal(tokenReq!.status, 200);
        const q = new URL(tokenReq!.url, 'http://x').searchParams;
        assert.equal(q.get('service'), 'strata-test');
        assert.equal(q.get('scope'), 'repository:strata/changes:pull');
        const after = proxy.log.slice(proxy.log.indexOf(tokenReq!) + 1);
        assert.ok(
          after.length >= 2 && after.every((e) => e.auth === 'bearer' && e.status === 200),
          JSON.stringify(after),
        );
        assert.equal(proxy.log.filter((e) => e.url.startsWith('/token')).length, 1, 'one token for the whole pull');
      });

      it('credentials from a credential helper (credHelpers)', async () => {
        const bin = mkdtempSync(join(scratchDir(), 'helper-bin-'));
        const seen = join(bin, 'seen');
        const helper = join(bin, 'docker-credential-strata-test');
        writeFileSync(
          helper,
          `#!/bin/sh\n[ "$1" = get ] || exit 1\nread server\nprintf '%s\\n' "$server" >> '${seen}'\n` +
            `if [ "$server" = '${proxy.host}' ]; then ` +
            `printf '{"ServerURL":"%s","Username":"${user}","Secret":"${pass}"}\\n' "$server"; exit 0; fi\n` +
            `echo 'credentials not found in native keychain'; exit 1\n`,
        );
        chmodSync(helper, 0o755);
        const cfg = dockerConfig({
          credHelpers: { [proxy.host]: 'strata-test' },
          auths: { [proxy.host]: { auth: Buffer.from('wrong:wrong').toString('base64') } },
        });
        const r = await json([`registry://${proxy.host}/strata/changes:1`, '--json', '--no-cache'], {
          DOCKER_CONFIG: cfg,
          PATH: `${bin}:${process.env.PATH}`,
        });
        assert.equal(r.image.id, registryReport.image.id);
        assert.deepEqual(readFileSync(seen, 'utf8').trim().split('\n'), [proxy.host]);
      });

      it('credsStore naming a helper that is not installed: no credentials, no crash -> exit 2', async () => {
        const cfg = dockerConfig({ credsStore: 'strata-no-such-helper', auths: { [proxy.host]: {} } });
        assertFails(
          await strata([`registry://${proxy.host}/strata/changes:1`, '--json'], { DOCKER_CONFIG: cfg }),
          2,
          'needs credentials',
          `docker login ${proxy.host}`,
        );
      });

      it('no credentials -> exit 2 saying so', async () => {
        assertFails(await strata([`registry://${proxy.host}/strata/changes:1`, '--json']), 2, 'needs credentials');
      });

      it('wrong credentials -> exit 2 naming the user and where they came from', async () => {
        const cfg = dockerConfig({ auths: { [proxy.host]: { auth: Buffer.from(`${user}:nope`).toString('base64') } } });
        assertFails(
          await strata([`registry://${proxy.host}/strata/changes:1`, '--json'], { DOCKER_CONFIG: cfg }),
          2,
          'rejected the credentials',
          user,
          'config.json',
        );
      });

      it('cached layers are not downloaded again', async () => {
        const cfg = dockerConfig({ auths: { [proxy.host]: { auth } } });
        const cache = freshCache();
        const env = { DOCKER_CONFIG: cfg, XDG_CACHE_HOME: cache };
        const blobGets = () =>
          proxy.log
            .filter((e) => e.method === 'GET' && e.url.includes('/blobs/') && e.status === 200)
            .map((e) => e.url.split('/blobs/')[1]);
        proxy.log.length = 0;
        const first = await strataJson([`registry://${proxy.host}/strata/changes:1`, '--json', '--files'], env);
        const layerBlobs = new Set(first.layers.map((l: any) => l.blobDigest));
        const firstGets = blobGets();
        assert.deepEqual(
          new Set(firstGets.filter((d) => layerBlobs.has(d))),
          layerBlobs,
          'first run fetches every layer blob',
        );
        assert.equal(
          firstGets.filter((d) => layerBlobs.has(d)).length,
          layerBlobs.size,
          'a blob listed twice is fetched once',
        );
        proxy.log.length = 0;
        const second = await strataJson([`registry://${proxy.host}/strata/changes:1`, '--json', '--files'], env);
        assert.deepEqual(blobGets(), [first.image.id], 'second run fetches the config only');
        assert.deepEqual(second, first);
      });
    });

    it('follows blob redirects to another origin without sending it the credentials', async () => {
      const proxy = await startAuthProxy(reg, user, pass, 'bearer', { redirectBlobs: true });
      try {
        const cfg = dockerConfig({ auths: { [proxy.host]: { auth } } });
        const r = await json([`registry://${proxy.host}/strata/changes:1`, '--json', '--files', '--no-cache'], {
          DOCKER_CONFIG: cfg,
        });
        assertSame(withoutNamesAndBlobs(r), withoutNamesAndBlobs(registryReport), 'through redirects');
        assert.ok(
          proxy.log.some((e) => e.status === 307),
          'blobs were redirected',
        );
        // The config and every distinct layer blob came from the store, none with Authorization.
        assert.equal(proxy.storeLog.length, new Set(r.layers.map((l: any) => l.blobDigest)).size + 1);
        assert.ok(
          proxy.storeLog.every((e) => !e.authorization),
          JSON.stringify(proxy.storeLog),
        );
      } finally {
        await proxy.close();
      }
    });

    it('a download cut off mid-blob -> exit 3 naming the blob', async () => {
      const proxy = await startAuthProxy(reg, user, pass, 'bearer', { cutBlobsLargerThan: 100_000 });
      try {
        const big = registryReport.layers[0];
        assert.ok(big.compressedBytes > 100_000, 'layer 0 is the large one');
        const cfg = dockerConfig({ auths: { [proxy.host]: { auth } } });
        assertFails(
          await strata([`registry://${proxy.host}/strata/changes:1`, '--json', '--no-cache'], { DOCKER_CONFIG: cfg }),
          3,
          big.blobDigest,
          'cut off',
        );
      } finally {
        await proxy.close();
      }
    });

    describe('through a Basic-auth proxy', () => {
      let proxy: Awaited<ReturnType<typeof startAuthProxy>>;
      before(async () => {
        proxy = await startAuthProxy(reg, user, pass, 'basic');
      });
      after(async () => {
        await proxy?.close();
      });

      it('sends Basic credentials on a Basic challenge', async () => {
        const cfg = dockerConfig({ auths: { [proxy.host]: { auth } } });
        const r = await json([`registry://${proxy.host}/strata/changes:1`, '--json', '--no-cache'], {
          DOCKER_CONFIG: cfg,
        });
        assert.equal(r.image.id, registryReport.image.id);
        assert.ok(proxy.log.some((e) => e.auth === 'basic' && e.status === 200));
      });

      it('without credentials -> exit 2', async () => {
        assertFails(
          await strata([`registry://${proxy.host}/strata/changes:1`, '--json']),
          2,
          'denied',
          `docker login ${proxy.host}`,
        );
      });
    });
  });

  describe('in process', () => {
    it('emits progress with the descriptor sizes, merges layers in order, and can reopen a blob', async () => {
      const m = await manifestOf(reg.host, 'strata/changes', '1');
      const events: LoadEvent[] = [];
      const img = await loadRegistryImage(
        `${reg.host}/strata/changes:1`,
        `registry://${reg.host}/strata/changes:1`,
        {},
        (e) => events.push(e),
      );
      assert.equal(img.complete, true);
      assert.equal(events[0].type, 'meta');
      assert.equal(events.at(-1)!.type, 'done');
      assert.deepEqual(
        events.filter((e) => e.type === 'layer').map((e) => (e as { index: number }).index),
        m.layers.map((_: unknown, i: number) => i),
      );
      const progressed = new Set(
        events.filter((e) => e.type === 'progress').map((e) => (e as { layer: number }).layer),
      );
      // Layers 5 and 6 are one blob: it is downloaded once.
      assert.deepEqual([...progressed].sort(), [0, 1, 2, 3, 4, 5]);
      img.layers.forEach((l, i) => {
        assert.equal(l.progress.expectedBytes, m.layers[i].size, `layer ${i} expectedBytes`);
        assert.equal(l.progress.blobBytes, m.layers[i].size, `layer ${i} blobBytes`);
        assert.equal(l.merged, true);
      });
      assert.equal(img.origin.kind, 'registry');
      if (img.origin.kind === 'registry') {
        const chunks: Buffer[] = [];
        for await (const c of await img.origin.open(2)) chunks.push(c);
        assert.equal(sha256(Buffer.concat(chunks)), m.layers[2].digest);
      }
    });
  });
});

describe('registry:// with corrupted storage', { skip: gate.skip }, () => {
  let reg: Registry;
  let manifest: any;

  before(async () => {
    gate.before();
    const changes = buildFixture('changes');
    reg = await startRegistry('corrupt');
    skopeoCopy([`docker-daemon:${changes.tag}`, `docker://${reg.host}/strata/changes:1`]);
    manifest = await manifestOf(reg.host, 'strata/changes', '1');
  });

  after(async () => {
    await reg?.stop();
  });

  it('a layer blob replaced by another valid blob -> exit 2 naming the digest', async () => {
    const [, victim, donor] = manifest.layers;
    const file = blobFile(reg, victim.digest);
    const original = readFileSync(file);
    writeFileSync(file, readFileSync(blobFile(reg, donor.digest)));
    try {
      assertFails(
        await strata([`registry://${reg.host}/strata/changes:1`, '--json', '--no-cache']),
        2,
        victim.digest,
        'does not match its digest',
      );
    } finally {
      writeFileSync(file, original);
    }
  });

  it('a flipped byte in a layer blob -> exit 2 naming the digest', async () => {
    const victim = manifest.layers[0];
    const file = blobFile(reg, victim.digest);
    const original = readFileSync(file);
    const bad = Buffer.from(original);
    bad[Math.floor(bad.length / 2)] ^= 0xff;
    writeFileSync(file, bad);
    try {
      assertFails(await strata([`registry://${reg.host}/strata/changes:1`, '--json', '--no-cache']), 2, victim.digest);
    } finally {
      writeFileSync(file, original);
    }
  });

  it('a changed config -> exit 2 naming its digest', async () => {
    const file = blobFile(reg, manifest.config.digest);
    const original = readFileSync(file);
    const cfg = JSON.parse(original.toString('utf8'));
    cfg.config.Env = [...(cfg.config.Env ?? []), 'X=1'];
    writeFileSync(file, JSON.stringify(cfg));
    try {
      assertFails(
        await strata([`registry://${reg.host}/strata/changes:1`, '--json', '--no-cache']),
        2,
        manifest.config.digest,
        'does not match its digest',
      );
    } finally {
      writeFileSync(file, original);
    }
  });

  it('restored, the image reads again', async () => {
    const r = await json([`registry://${reg.host}/strata/changes:1`, '--json', '--no-cache']);
    assert.equal(r.image.id, manifest.config.digest);
  });
});
