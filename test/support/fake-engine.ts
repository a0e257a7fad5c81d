/**
 * A small fake Docker Engine on a unix socket, for the failures a real Docker 20.10 cannot be made
 * to show on demand: API versions outside what Strata speaks, an image removed while its export
 * streams, a connection cut in the middle of an export.
 */
import http from 'node:http';
import fs from 'node:fs';
import type { Socket } from 'node:net';

export interface FakeImage {
  name: string;
  /** Image id = config digest. */
  id: string;
  diffIds: string[];
  /** The `docker save`-style export. */
  archive: Buffer;
}

export interface FakeEngineOptions {
  /** The body of GET /version. */
  version?: Record<string, unknown>;
  image?: FakeImage;
  /**
   * What GET /images/{name}/get does: send it all, 404, half of it and then cut the connection, or
   * half of it and then nothing (the connection stays open).
   */
  get?: 'ok' | 'removed' | 'cut' | 'stall';
  /** Rewrite an answer before it is sent (fields of the wrong type ...): inspect (json) and history. */
  edit?: { json?: (answer: Record<string, unknown>) => unknown; history?: (answer: unknown[]) => unknown };
}

export interface FakeEngine {
  socket: string;
  /** Every request path seen, in order. */
  requests: string[];
  close(): Promise<void>;
}

export async function startFakeEngine(socket: string, opts: FakeEngineOptions): Promise<FakeEngine> {
  fs.rmSync(socket, { force: true });
  const requests: string[] = [];
  const sockets = new Set<Socket>();
  const send = (res: http.ServerResponse, status: number, body: unknown) => {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'Content-Type': 'application/json',
      'Content-Length': Buffer.byteLength(text),
      'Api-Version': '1.41',
    });
    res.end(text);
  };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://engine');
    const p = url.pathname.replace(/^\/v\d+\.\d+/, '');
    requests.push(p);
    const img = opts.image;
    if (p === '/_ping') {
      res.writeHead(200, { 'Api-Version': String(opts.version?.ApiVersion ?? '1.41') });
      res.end('OK');
      return;
    }
    if (p === '/version') {
      send(
        res,
        200,
        opts.version ?? { Version: '20.10.24', ApiVersion: '1.41', MinAPIVersion: '1.12', Os: 'linux', Arch: 'amd64' },
      );
      return;
    }
    const m = /^\/images\/(.+)\/(json|history|get)$/.exec(p);
    if (!m || !img || (decodeURIComponent(m[1]) !== img.name && decodeURIComponent(m[1]) !== img.id)) {
      send(res, 404, { message: `No such image: ${m ? decodeURIComponent(m[1]) : p}` });
      return;
    }
    if (m[2] === 'json') {
      const answer: Record<string, unknown> = {
        Id: img.id,
        RepoTags: [img.name],
        RepoDigests: [],
        Os: 'linux',
        Architecture: 'amd64',
        Created: '2024-01-01T00:00:00Z',
        Config: { Env: ['PATH=/bin'], Cmd: ['/bin/sh'], Labels: null },
        RootFS: { Type: 'layers', Layers: img.diffIds },
      };
      send(res, 200, opts.edit?.json ? opts.edit.json(answer) : answer);
      return;
    }
    if (m[2] === 'history') {
      const answer = img.diffIds
        .map((_, i) => ({
          Id: '<missing>',
          Created: 1704067200,
          CreatedBy: `/bin/sh -c step ${i}`,
          Size: 1,
          Comment: '',
          Tags: null,
        }))
        .reverse();
      send(res, 200, opts.edit?.history ? opts.edit.history(answer) : answer);
      return;
    }
    // GET /images/{name}/get
    const mode = opts.get ?? 'ok';
    if (mode === 'removed') {
      send(res, 404, { message: `reference does not exist` });
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/x-tar' });
    if (mode === 'ok') {
      res.end(img.archive);
      return;
    }
    if (mode === 'stall') {
      // Half the export, then silence: the daemon is alive but stuck.
      res.write(img.archive.subarray(0, Math.floor(img.archive.length / 2)));
      return;
    }
    // Half the export, then the connection drops (as when the daemon dies).
    res.write(img.archive.subarray(0, Math.floor(img.archive.length / 2)), () => {
      setTimeout(() => req.socket.destroy(), 50);
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socket, () => resolve());
  });
  return {
    socket,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
        fs.rmSync(socket, { force: true });
      }),
  };
}
