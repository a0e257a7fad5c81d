/**
 * `registry://` against a hostile HTTP server this test runs on 127.0.0.1: response bodies that
 * trickle (a byte every 10 s) or stop short of their Content-Length must end in one clean error
 * line with exit 3 within the idle limit (STRATA_REGISTRY_IDLE_TIMEOUT, 1 s here), for a manifest,
 * a config blob, a layer blob and an error body, never a wait without end.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { layerTar } from '../../support/hostile/build.js';
import { runCliMeasured, looksLikeStackTrace } from '../../support/cli.js';

const sha = (b: Buffer | string) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const IDLE_S = 1;

type Misbehaviour = 'trickle' | 'short';

let server: http.Server;
let port = 0;
const timers = new Set<NodeJS.Timeout>();
const sockets = new Set<import('node:net').Socket>();

/** Repositories: `<what>-<how>`, what in manifest|config|layer|error, how in trickle|short. */
async function image(): Promise<{ manifest: string; config: string; layer: Buffer }> {
  const tar = await layerTar([{ name: 'etc/hello.txt', data: 'hello from a slow registry\n'.repeat(2000) }]);
  const layer = gzipSync(tar);
  const config = JSON.stringify({
    architecture: 'amd64',
    os: 'linux',
    rootfs: { type: 'layers', diff_ids: [sha(tar)] },
    history: [{ created_by: 'ADD hello' }],
  });
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha(config), size: config.length },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: sha(layer), size: layer.length }],
  });
  return { manifest, config, layer };
}

function misbehave(res: http.ServerResponse, body: Buffer, how: Misbehaviour, type: string, status = 200): void {
  // Content-Length is the whole body; what is sent is the first 100 bytes, then nothing
  // (short) or one more byte every 10 s (trickle). The connection stays open either way.
  res.writeHead(status, {
    'Content-Type': type,
    'Content-Length': String(body.length),
    'Docker-Content-Digest': sha(body),
  });
  res.write(body.subarray(0, 100));
  if (how === 'trickle') {
    let at = 100;
    const t = setInterval(() => {
      if (at < body.length - 1) res.write(body.subarray(at, ++at));
    }, 10_000);
    timers.add(t);
    res.on('close', () => clearInterval(t));
  }
}

before(async () => {
  const img = await image();
  server = http.createServer((req, res) => {
    const url = req.url ?? '';
    if (url === '/v2/' || url === '/v2') {
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
      return;
    }
    const m = /^\/v2\/(manifest|config|layer|error)-(trickle|short)\/(manifests|blobs)\/(.+)$/.exec(url);
    if (!m) {
      res.writeHead(404).end();
      return;
    }
    const [, what, how, kind, ref] = m as unknown as [string, string, Misbehaviour, string, string];
    if (what === 'error') {
      const body = Buffer.from(JSON.stringify({ errors: [{ code: 'MANIFEST_UNKNOWN', message: 'x'.repeat(4000) }] }));
      misbehave(res, body, how, 'application/json', 404);
      return;
    }
    if (kind === 'manifests') {
      if (what === 'manifest')
        misbehave(res, Buffer.from(img.manifest), how, 'application/vnd.oci.image.manifest.v1+json');
      else res.writeHead(200, { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json' }).end(img.manifest);
      return;
    }
    const blob = ref === sha(img.config) ? Buffer.from(img.config) : ref === sha(img.layer) ? img.layer : null;
    if (!blob) {
      res.writeHead(404).end();
      return;
    }
    if ((what === 'config' && blob !== img.layer) || (what === 'layer' && blob === img.layer))
      misbehave(res, blob, how, 'application/octet-stream');
    else
      res
        .writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': String(blob.length) })
        .end(blob);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});

after(() => {
  for (const t of timers) clearInterval(t);
  for (const s of sockets) s.destroy();
  server.close();
});

describe('registry:// bodies under the idle limit', () => {
  for (const what of ['manifest', 'config', 'layer', 'error'] as const) {
    for (const how of ['trickle', 'short'] as const) {
      const does = how === 'trickle' ? 'trickles a byte every 10 s' : 'stops short of its Content-Length';
      it(`a ${what} body that ${does}: exit 3, one line, within seconds`, async (t) => {
        const r = await runCliMeasured([`registry://127.0.0.1:${port}/${what}-${how}:1`, '--json', '--no-cache'], {
          env: { STRATA_REGISTRY_IDLE_TIMEOUT: String(IDLE_S) },
          timeoutMs: 60_000,
        });
        const rss = r.maxRssKb && Math.round(r.maxRssKb / 1024);
        const took = `exit ${r.code} after ${Math.round(r.ms)} ms, peak RSS ${rss} MB`;
        t.diagnostic(`${what}/${how}: ${took}: ${r.stderr.trim()}`);
        assert.ok(!r.timedOut, 'it ended by itself');
        // An error body that never ends is dropped: the 404 is still an input error (exit 2).
        const code = what === 'error' ? 2 : 3;
        assert.equal(r.code, code, `exit ${code}: ${r.stderr}`);
        assert.equal(r.stdout, '');
        const lines = r.stderr.split('\n');
        assert.equal(lines.length, 2, `one line: ${JSON.stringify(r.stderr)}`);
        assert.match(lines[0], /^strata: /);
        assert.ok(!looksLikeStackTrace(r.stderr));
        if (what !== 'error') assert.match(lines[0], new RegExp(`cut off \\(no data for ${IDLE_S} s\\)`));
        assert.ok(r.ms < 15_000, `${Math.round(r.ms)} ms`);
        assert.ok(r.maxRssKb === null || r.maxRssKb < 600 * 1024);
      });
    }
  }
});
