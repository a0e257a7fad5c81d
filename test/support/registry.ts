/**
 * Test helpers for the registry source: Debian's `docker-registry` (distribution 2.8) started on
 * 127.0.0.1:<free port> with its storage in a temp dir, images pushed with skopeo, a multi-platform
 * OCI index built by hand, a token server + auth proxy in front of the registry, and a TCP forwarder
 * that makes the registry reachable on a non-loopback address (to check the HTTPS-only rule).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { scratchDir } from './engine.js';

export const REGISTRY_BIN = 'docker-registry';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

async function waitFor(url: string, timeoutMs: number, proc: ChildProcess, log: () => string): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (proc.exitCode !== null) throw new Error(`docker-registry exited with ${proc.exitCode}: ${log()}`);
    try {
      const r = await fetch(url);
      if (r.status === 200) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`docker-registry did not answer on ${url} within ${timeoutMs} ms: ${log()}`);
}

export interface Registry {
  host: string;
  port: number;
  /** The storage root (docker/registry/v2/... below it). */
  storage: string;
  stop(): Promise<void>;
}

/** Starts a registry (no auth, filesystem storage in a temp dir) and waits until /v2/ answers. */
export async function startRegistry(name: string): Promise<Registry> {
  const dir = mkdtempSync(join(scratchDir(), `registry-${name}-`));
  const storage = join(dir, 'storage');
  mkdirSync(storage);
  const port = await freePort();
  const config = join(dir, 'config.yml');
  writeFileSync(
    config,
    [
      'version: 0.1',
      'log:',
      '  level: warn',
      '  accesslog:',
      '    disabled: true',
      'storage:',
      '  filesystem:',
      `    rootdirectory: ${storage}`,
      '  delete:',
      '    enabled: true',
      'http:',
      `  addr: 127.0.0.1:${port}`,
      '',
    ].join('\n'),
  );
  let out = '';
  const proc = spawn(REGISTRY_BIN, ['serve', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  proc.stdout!.on('data', (d) => (out = (out + d).slice(-4000)));
  proc.stderr!.on('data', (d) => (out = (out + d).slice(-4000)));
  const host = `127.0.0.1:${port}`;
  try {
    await waitFor(`http://${host}/v2/`, 15_000, proc, () => out);
  } catch (err) {
    proc.kill('SIGKILL');
    throw err;
  }
  const stop = () =>
    new Promise<void>((resolve) => {
      if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
      proc.once('exit', () => resolve());
      proc.kill('SIGTERM');
      setTimeout(() => proc.exitCode === null && proc.kill('SIGKILL'), 3000).unref();
    });
  process.on('exit', () => {
    if (proc.exitCode === null) proc.kill('SIGKILL');
  });
  return { host, port, storage, stop };
}

export function blobFile(reg: Registry, digest: string): string {
  const hex = digest.split(':')[1];
  return join(reg.storage, 'docker', 'registry', 'v2', 'blobs', 'sha256', hex.slice(0, 2), hex, 'data');
}

/** `skopeo copy` (quiet, plain HTTP to the test registry); returns the manifest digest skopeo wrote. */
export function skopeoCopy(args: string[]): string {
  const digestFile = join(mkdtempSync(join(scratchDir(), 'digest-')), 'digest');
  try {
    execFileSync('skopeo', ['copy', '-q', '--dest-tls-verify=false', '--digestfile', digestFile, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (err) {
    const e = err as { stderr?: Buffer; message: string };
    throw new Error(`skopeo copy ${args.join(' ')} failed: ${e.stderr?.toString().trim() || e.message}`);
  }
  return readFileSync(digestFile, 'utf8').trim();
}

export function sha256(buf: Buffer | string): string {
  return `sha256:${createHash('sha256').update(buf).digest('hex')}`;
}

function writeBlob(dir: string, bytes: Buffer): string {
  const d = sha256(bytes);
  writeFileSync(join(dir, 'blobs', 'sha256', d.slice(7)), bytes);
  return d;
}

function readBlob(dir: string, digest: string): Buffer {
  return readFileSync(join(dir, 'blobs', 'sha256', digest.slice(7)));
}

/**
 * An OCI layout holding one two-platform index under the ref "multi":
 *   linux/amd64    -> `amdImage` as skopeo converts it (its own config and gzip layers);
 *   linux/arm64/v8 -> `armImage`'s layers with its config's architecture rewritten to arm64/v8.
 * (The arm64 "image" never runs; only its metadata and layers matter here.)
 */
export function buildMultiPlatformLayout(amdImage: string, armImage: string): string {
  const dir = mkdtempSync(join(scratchDir(), 'multi-layout-'));
  execFileSync('skopeo', ['copy', '-q', `docker-daemon:${amdImage}`, `oci:${dir}:amd`], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  execFileSync('skopeo', ['copy', '-q', `docker-daemon:${armImage}`, `oci:${dir}:arm`], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8'));
  const byRef = (ref: string) =>
    index.manifests.find((m: any) => m.annotations?.['org.opencontainers.image.ref.name'] === ref);
  const amd = byRef('amd');
  const arm = byRef('arm');
  const armManifest = JSON.parse(readBlob(dir, arm.digest).toString('utf8'));
  const armConfig = JSON.parse(readBlob(dir, armManifest.config.digest).toString('utf8'));
  armConfig.architecture = 'arm64';
  armConfig.variant = 'v8';
  const cfgBytes = Buffer.from(JSON.stringify(armConfig));
  armManifest.config = { ...armManifest.config, digest: writeBlob(dir, cfgBytes), size: cfgBytes.length };
  const manBytes = Buffer.from(JSON.stringify(armManifest));
  const armDesc = {
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    digest: writeBlob(dir, manBytes),
    size: manBytes.length,
    platform: { architecture: 'arm64', os: 'linux', variant: 'v8' },
  };
  const amdDesc = {
    mediaType: amd.mediaType,
    digest: amd.digest,
    size: amd.size,
    platform: { architecture: 'amd64', os: 'linux' },
  };
  const idx = { schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [amdDesc, armDesc] };
  const idxBytes = Buffer.from(JSON.stringify(idx));
  const idxDigest = writeBlob(dir, idxBytes);
  index.manifests = [
    {
      mediaType: 'application/vnd.oci.image.index.v1+json',
      digest: idxDigest,
      size: idxBytes.length,
      annotations: { 'org.opencontainers.image.ref.name': 'multi' },
    },
  ];
  writeFileSync(join(dir, 'index.json'), JSON.stringify(index));
  return dir;
}

// ---------------------------------------------------------------------------------------------
// Token server + auth proxy

export interface AuthProxy {
  host: string;
  port: number;
  /** With `redirectBlobs`: the requests the "blob store" saw, and whether they carried Authorization. */
  storeLog: { url: string; authorization: boolean }[];
  /** Every request the proxy saw: method, path (with query), whether it carried Basic or Bearer auth. */
  log: { method: string; url: string; auth: 'none' | 'basic' | 'bearer' | 'other'; status: number }[];
  close(): Promise<void>;
}

/**
 * An HTTP server in front of `upstream` that demands auth like Docker Hub does:
 *  - mode "bearer": /v2/* without a valid token -> 401 + `WWW-Authenticate: Bearer realm=<self>/token,
 *    service=strata-test,scope=repository:<repo>:pull`; /token issues a token for the right Basic
 *    credentials (and refuses anonymous or wrong ones with 401);
 *  - mode "basic": /v2/* needs `Authorization: Basic` with the right credentials.
 * Authorised requests are forwarded to the registry unchanged (apart from Authorization).
 */
export async function startAuthProxy(
  upstream: Registry,
  user: string,
  pass: string,
  mode: 'bearer' | 'basic',
  opts: { redirectBlobs?: boolean; cutBlobsLargerThan?: number } = {},
): Promise<AuthProxy> {
  const port = await freePort();
  // A separate origin standing in for a CDN / S3: authorised blob GETs are redirected to it with a
  // "signed" URL, as registries on cloud storage do. It must never receive the registry's credentials.
  const storeLog: AuthProxy['storeLog'] = [];
  const store = http.createServer((req, res) => {
    storeLog.push({ url: req.url ?? '', authorization: req.headers.authorization !== undefined });
    const u = new URL(req.url ?? '/', 'http://store');
    if (u.searchParams.get('sig') !== 'ok') {
      res.writeHead(403).end();
      return;
    }
    const up = http.get({ host: '127.0.0.1', port: upstream.port, path: u.pathname }, (ur) => {
      res.writeHead(ur.statusCode ?? 502, ur.headers);
      ur.pipe(res);
    });
    up.on('error', () => res.writeHead(502).end());
  });
  await new Promise<void>((r) => store.listen(0, '127.0.0.1', () => r()));
  const storePort = (store.address() as net.AddressInfo).port;
  const host = `127.0.0.1:${port}`;
  const token = `tok-${createHash('sha256').update(String(Math.random())).digest('hex').slice(0, 16)}`;
  const basic = `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
  const log: AuthProxy['log'] = [];
  const server = http.createServer((req, res) => {
    const a = req.headers.authorization ?? '';
    const auth = !a ? 'none' : a.startsWith('Basic ') ? 'basic' : a.startsWith('Bearer ') ? 'bearer' : 'other';
    const entry = {
      method: req.method ?? '',
      url: req.url ?? '',
      auth: auth as AuthProxy['log'][number]['auth'],
      status: 0,
    };
    log.push(entry);
    const reply = (status: number, headers: Record<string, string>, body: string) => {
      entry.status = status;
      res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
      res.end(body);
    };
    const url = new URL(req.url ?? '/', `http://${host}`);
    if (url.pathname === '/token') {
      if (a !== basic) return reply(401, {}, JSON.stringify({ details: 'bad credentials' }));
      if (url.searchParams.get('service') !== 'strata-test')
        return reply(400, {}, JSON.stringify({ details: 'wrong service' }));
      return reply(200, {}, JSON.stringify({ token, expires_in: 300 }));
    }
    const ok = mode === 'bearer' ? a === `Bearer ${token}` : a === basic;
    if (!ok) {
      const m = /^\/v2\/(.+)\/(manifests|blobs|tags)\//.exec(url.pathname);
      const challenge =
        mode === 'bearer'
          ? `Bearer realm="http://${host}/token",service="strata-test"${m ? `,scope="repository:${m[1]}:pull"` : ''}`
          : 'Basic realm="strata-test"';
      return reply(
        401,
        { 'WWW-Authenticate': challenge },
        JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] }),
      );
    }
    if (opts.redirectBlobs && req.method === 'GET' && url.pathname.includes('/blobs/')) {
      return reply(307, { Location: `http://127.0.0.1:${storePort}${url.pathname}?sig=ok` }, '');
    }
    const headers = { ...req.headers, host: upstream.host };
    delete headers.authorization;
    const up = http.request(
      { host: '127.0.0.1', port: upstream.port, method: req.method, path: req.url, headers },
      (ur) => {
        entry.status = ur.statusCode ?? 0;
        res.writeHead(ur.statusCode ?? 502, ur.headers);
        const len = Number(ur.headers['content-length'] ?? 0);
        if (
          opts.cutBlobsLargerThan !== undefined &&
          url.pathname.includes('/blobs/') &&
          len > opts.cutBlobsLargerThan
        ) {
          // Send a third of the blob, then drop the connection: a download cut off mid-way.
          let sent = 0;
          ur.on('data', (c: Buffer) => {
            if (sent >= len / 3) return;
            sent += c.length;
            res.write(c, () => {
              if (sent >= len / 3) res.socket?.destroy();
            });
          });
          return;
        }
        ur.pipe(res);
      },
    );
    up.on('error', () => reply(502, {}, '{}'));
    req.pipe(up);
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
  return {
    host,
    port,
    log,
    storeLog,
    close: async () => {
      for (const srv of [server, store]) {
        srv.closeAllConnections();
        await new Promise<void>((r) => srv.close(() => r()));
      }
    },
  };
}

/** The first non-loopback IPv4 address of this machine, or null. */
export function nonLoopbackAddress(): string | null {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return null;
}

/** Forwards TCP from ADDRESS:<free port> to the registry on loopback. */
export async function startForwarder(address: string, to: Registry): Promise<{ host: string; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((c) => {
    const u = net.connect(to.port, '127.0.0.1');
    sockets.add(c);
    sockets.add(u);
    c.pipe(u).pipe(c);
    const end = () => {
      c.destroy();
      u.destroy();
    };
    c.on('error', end);
    u.on('error', end);
    c.on('close', end);
    u.on('close', end);
  });
  await new Promise<void>((r) => server.listen(0, address, () => r()));
  const port = (server.address() as net.AddressInfo).port;
  return {
    host: `${address}:${port}`,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
