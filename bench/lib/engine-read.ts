// Reads the Engine's export (`GET /images/{name}/get`) in this process and discards it, timing the
// first byte and the end. Not a target: it shows where (a) and (b) spend their time. Docker 20.10's
// save writes the whole export to a temporary directory before it sends a byte, so most of (a) is
// the wait for the first byte, during which a streaming analyser has nothing to read.
import http from 'node:http';

export interface ExportRead {
  firstByteMs: number;
  totalMs: number;
  bytes: number;
}

function socketPath(): string {
  const host = process.env.DOCKER_HOST;
  if (host?.startsWith('unix://')) return host.slice('unix://'.length);
  if (host) throw new Error(`DOCKER_HOST=${host}: the in-process export read supports unix sockets only`);
  return '/var/run/docker.sock';
}

export function readExport(image: string): Promise<ExportRead> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    let first = 0n;
    let bytes = 0;
    // Unversioned path: the Engine answers with its own API version (no version pinned).
    const req = http.get({ socketPath: socketPath(), path: `/images/${encodeURIComponent(image)}/get` }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        reject(new Error(`GET /images/${image}/get: HTTP ${res.statusCode}`));
        return;
      }
      res.on('data', (c: Buffer) => {
        if (first === 0n) first = process.hrtime.bigint();
        bytes += c.length;
      });
      res.on('end', () => {
        const end = process.hrtime.bigint();
        resolve({ firstByteMs: Number(first - start) / 1e6, totalMs: Number(end - start) / 1e6, bytes });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}
