/**
 * Which Docker daemon to talk to, decided the way the docker CLI decides it:
 *   1. DOCKER_HOST set: that host (the "default" context), TLS from DOCKER_TLS_VERIFY / DOCKER_TLS
 *      and DOCKER_CERT_PATH (default: the config directory);
 *   2. else DOCKER_CONTEXT, else `currentContext` in $DOCKER_CONFIG/config.json (~/.docker);
 *      a context other than "default" is read from the context store:
 *      contexts/meta/<sha256(name)>/meta.json (Endpoints.docker.Host, SkipTLSVerify) and
 *      contexts/tls/<sha256(name)>/docker/{ca,cert,key}.pem;
 *   3. else /var/run/docker.sock.
 * Hosts are unix://PATH, tcp://HOST:PORT (http, or https with TLS material) and ssh://[USER@]HOST[:PORT]
 * (through the ssh client, as the docker CLI does: see ssh-dial.ts).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { StrataError, EXIT_ENGINE } from '../../errors.js';

export const DEFAULT_SOCKET = '/var/run/docker.sock';

export interface TlsMaterial {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  /** Verify the daemon's certificate against `ca` (and its name). */
  verify: boolean;
}

export type DaemonEndpoint =
  | { kind: 'unix'; socketPath: string; describe: string }
  | { kind: 'tcp'; host: string; port: number; tls: TlsMaterial | null; describe: string }
  | { kind: 'ssh'; user?: string; host: string; port?: number; describe: string };

export function dockerConfigDir(): string {
  return process.env.DOCKER_CONFIG || path.join(os.homedir(), '.docker');
}

/** The context name the docker CLI would use, and why. */
export function contextName(): { name: string; from: string } {
  if (process.env.DOCKER_HOST) return { name: 'default', from: 'DOCKER_HOST' };
  if (process.env.DOCKER_CONTEXT) return { name: process.env.DOCKER_CONTEXT, from: 'DOCKER_CONTEXT' };
  const file = path.join(dockerConfigDir(), 'config.json');
  let text: string | undefined;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    // no config: the default context
  }
  if (text !== undefined) {
    let cfg: { currentContext?: unknown };
    try {
      cfg = JSON.parse(text) as { currentContext?: unknown };
    } catch (err) {
      throw new StrataError(
        `cannot read the Docker context from ${file}: not valid JSON (${(err as Error).message})`,
        EXIT_ENGINE,
      );
    }
    if (typeof cfg?.currentContext === 'string' && cfg.currentContext) return { name: cfg.currentContext, from: file };
  }
  return { name: 'default', from: 'default' };
}

function readPem(file: string, what: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    throw new StrataError(
      `cannot read the ${what} ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
      EXIT_ENGINE,
    );
  }
}

function readOptionalPem(file: string): Buffer | undefined {
  try {
    return fs.readFileSync(file);
  } catch {
    return undefined;
  }
}

/** Parse a daemon host URL as the docker CLI accepts it. */
export function parseHost(host: string, tls: TlsMaterial | null, describe: string): DaemonEndpoint {
  if (host.startsWith('unix://'))
    return { kind: 'unix', socketPath: host.slice('unix://'.length) || DEFAULT_SOCKET, describe };
  let url: URL;
  try {
    url = new URL(host.includes('://') ? host : `tcp://${host}`);
  } catch {
    throw new StrataError(
      `${describe}: "${host}" is not a daemon address (unix://PATH, tcp://HOST:PORT or ssh://[USER@]HOST)`,
      EXIT_ENGINE,
    );
  }
  const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!hostname) throw new StrataError(`${describe}: "${host}" names no host`, EXIT_ENGINE);
  if (url.protocol === 'tcp:' || url.protocol === 'http:' || url.protocol === 'https:') {
    const port = url.port ? Number(url.port) : tls ? 2376 : 2375;
    return {
      kind: 'tcp',
      host: hostname,
      port,
      tls: url.protocol === 'https:' && !tls ? { verify: true } : tls,
      describe,
    };
  }
  if (url.protocol === 'ssh:') {
    return {
      kind: 'ssh',
      host: hostname,
      user: url.username ? decodeURIComponent(url.username) : undefined,
      port: url.port ? Number(url.port) : undefined,
      describe,
    };
  }
  throw new StrataError(`${describe}: unsupported daemon address "${host}" (unix://, tcp:// or ssh://)`, EXIT_ENGINE);
}

/** TLS material from the environment, as the docker CLI reads it. */
function envTls(): TlsMaterial | null {
  const verify = !!process.env.DOCKER_TLS_VERIFY;
  if (!verify && !process.env.DOCKER_TLS) return null;
  const dir = process.env.DOCKER_CERT_PATH || dockerConfigDir();
  const ca = verify
    ? readPem(path.join(dir, 'ca.pem'), 'CA certificate (DOCKER_CERT_PATH)')
    : readOptionalPem(path.join(dir, 'ca.pem'));
  return {
    ca,
    cert: readOptionalPem(path.join(dir, 'cert.pem')),
    key: readOptionalPem(path.join(dir, 'key.pem')),
    verify,
  };
}

interface ContextMeta {
  Name?: string;
  Endpoints?: { docker?: { Host?: string; SkipTLSVerify?: boolean } };
}

/** The daemon the docker CLI would talk to. */
export function resolveDaemon(): DaemonEndpoint {
  const { name, from } = contextName();
  if (name === 'default') {
    const host = process.env.DOCKER_HOST;
    if (!host) return { kind: 'unix', socketPath: DEFAULT_SOCKET, describe: DEFAULT_SOCKET };
    return parseHost(host, host.startsWith('unix://') || host.startsWith('ssh://') ? null : envTls(), host);
  }
  const id = crypto.createHash('sha256').update(name).digest('hex');
  const store = path.join(dockerConfigDir(), 'contexts');
  const metaFile = path.join(store, 'meta', id, 'meta.json');
  let meta: ContextMeta;
  try {
    meta = JSON.parse(fs.readFileSync(metaFile, 'utf8')) as ContextMeta;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'not found' : code ? `unreadable (${code})` : `not valid JSON (${(err as Error).message})`;
    throw new StrataError(
      `Docker context "${name}" (from ${from}) ${why}: ${metaFile}; \`docker context ls\` lists the contexts`,
      EXIT_ENGINE,
    );
  }
  const ep = meta?.Endpoints?.docker;
  if (!ep || typeof ep.Host !== 'string' || !ep.Host)
    throw new StrataError(`Docker context "${name}" has no docker endpoint (${metaFile})`, EXIT_ENGINE);
  const tlsDir = path.join(store, 'tls', id, 'docker');
  const ca = readOptionalPem(path.join(tlsDir, 'ca.pem'));
  const cert = readOptionalPem(path.join(tlsDir, 'cert.pem'));
  const key = readOptionalPem(path.join(tlsDir, 'key.pem'));
  const tls = ca || cert || key || ep.SkipTLSVerify ? { ca, cert, key, verify: !ep.SkipTLSVerify } : null;
  return parseHost(ep.Host, tls, `${ep.Host} (context "${name}")`);
}
