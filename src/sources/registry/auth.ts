/**
 * Registry authentication pieces that need no network: `WWW-Authenticate` challenges, and the
 * credentials Docker's CLI would use for a host, from `$DOCKER_CONFIG/config.json` (default
 * `~/.docker/config.json`): `credHelpers[host]`, then `credsStore`, then `auths[host]`.
 * Credential helpers are run as `docker-credential-<name> get` with the server address on stdin;
 * a helper that is missing, fails or knows nothing about the host means "no credentials", never a crash.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';

export interface Challenge {
  /** Lower-cased: "bearer", "basic". */
  scheme: string;
  params: Record<string, string>;
}

/**
 * RFC 7235 challenges: `Bearer realm="https://auth",service="reg",scope="repository:a/b:pull"`.
 * Several challenges may share one header (`Basic realm="x", Bearer realm="y"`).
 */
export function parseChallenges(header: string | null | undefined): Challenge[] {
  const out: Challenge[] = [];
  if (!header) return out;
  const s = header;
  let i = 0;
  const skipWs = () => {
    while (i < s.length && /[\s,]/.test(s[i])) i++;
  };
  const token = (): string => {
    const start = i;
    while (i < s.length && /[!#$%&'*+\-.^_`|~0-9A-Za-z]/.test(s[i])) i++;
    return s.slice(start, i);
  };
  let cur: Challenge | null = null;
  while (i < s.length) {
    skipWs();
    const start = i;
    const name = token();
    if (!name) {
      i++; // stray character: skip it
      continue;
    }
    let j = i;
    while (j < s.length && s[j] === ' ') j++;
    if (s[j] === '=' && cur) {
      // auth-param of the current challenge
      i = j + 1;
      while (i < s.length && s[i] === ' ') i++;
      let value = '';
      if (s[i] === '"') {
        i++;
        while (i < s.length && s[i] !== '"') {
          if (s[i] === '\\' && i + 1 < s.length) i++;
          value += s[i++];
        }
        i++; // closing quote
      } else {
        const vs = i;
        while (i < s.length && s[i] !== ',') i++;
        value = s.slice(vs, i).trim();
      }
      cur.params[name.toLowerCase()] = value;
    } else if (s[j] === '=' && !cur) {
      i = j + 1; // a parameter before any scheme: malformed, ignore it
      while (i < s.length && s[i] !== ',') i++;
    } else {
      cur = { scheme: s.slice(start, i).toLowerCase(), params: {} };
      out.push(cur);
    }
  }
  return out;
}

export interface Credentials {
  username: string;
  password: string;
  /** Where they came from, for messages ("config.json auths", "docker-credential-pass"). */
  from: string;
}

/** The Docker Hub key of config.json; Docker's CLI stores Hub logins under it. */
export const DOCKER_HUB_INDEX = 'https://index.docker.io/v1/';

export function dockerConfigDir(): string {
  return process.env.DOCKER_CONFIG || path.join(os.homedir(), '.docker');
}

interface DockerConfigFile {
  auths?: Record<string, { auth?: string; username?: string; password?: string; identitytoken?: string }>;
  credHelpers?: Record<string, string>;
  credsStore?: string;
}

function isHub(host: string): boolean {
  return host === 'docker.io' || host === 'index.docker.io' || host === 'registry-1.docker.io';
}

/** "https://host:5000/v1/" -> "host:5000" (what Docker compares config.json keys by). */
export function normaliseServerKey(key: string): string {
  return key
    .replace(/^[a-z]+:\/\//i, '')
    .split('/')[0]
    .toLowerCase();
}

function keyMatches(key: string, host: string): boolean {
  const k = normaliseServerKey(key);
  return isHub(host) ? isHub(k) : k === host.toLowerCase();
}

/** The server address a helper is asked about, as `docker login` stored it. */
export function serverAddress(host: string): string {
  return isHub(host) ? DOCKER_HUB_INDEX : host;
}

function readConfig(): DockerConfigFile | null {
  const file = path.join(dockerConfigDir(), 'config.json');
  try {
    const doc = JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
    return doc && typeof doc === 'object' ? (doc as DockerConfigFile) : null;
  } catch {
    return null;
  }
}

/** `docker-credential-<name> get`; null when the helper is missing, fails, or has nothing for the host. */
export function runCredentialHelper(name: string, server: string): Credentials | null {
  if (!/^[A-Za-z0-9._-]+$/.test(name)) return null;
  const r = spawnSync(`docker-credential-${name}`, ['get'], {
    input: server,
    encoding: 'utf8',
    timeout: 15_000,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  if (r.error || r.status !== 0) return null;
  try {
    const doc = JSON.parse(r.stdout) as { Username?: unknown; Secret?: unknown };
    if (typeof doc.Secret !== 'string' || doc.Secret === '') return null;
    // "<token>" marks an identity (refresh) token, which needs an OAuth exchange we do not do.
    if (doc.Username === '<token>') return null;
    return {
      username: typeof doc.Username === 'string' ? doc.Username : '',
      password: doc.Secret,
      from: `docker-credential-${name}`,
    };
  } catch {
    return null;
  }
}

function fromAuths(cfg: DockerConfigFile, host: string): Credentials | null {
  const auths = cfg.auths && typeof cfg.auths === 'object' ? cfg.auths : {};
  // An exact key first ("127.0.0.1:5000", the Hub's index URL), then any key naming the same host.
  const keys = Object.keys(auths);
  const exact = keys.filter((k) => k === serverAddress(host) || k === host);
  for (const k of [...exact, ...keys.filter((k) => !exact.includes(k) && keyMatches(k, host))]) {
    const e = auths[k];
    if (!e || typeof e !== 'object') continue;
    if (typeof e.auth === 'string' && e.auth) {
      const plain = Buffer.from(e.auth, 'base64').toString('utf8');
      const colon = plain.indexOf(':');
      if (colon > 0)
        return {
          username: plain.slice(0, colon),
          password: plain.slice(colon + 1),
          from: `${path.join(dockerConfigDir(), 'config.json')} auths["${k}"]`,
        };
    }
    if (typeof e.username === 'string' && typeof e.password === 'string' && e.username) {
      return {
        username: e.username,
        password: e.password,
        from: `${path.join(dockerConfigDir(), 'config.json')} auths["${k}"]`,
      };
    }
  }
  return null;
}

/** Credentials for a registry host ("docker.io", "ghcr.io", "127.0.0.1:5000"), or null. */
export function lookupCredentials(host: string): Credentials | null {
  const cfg = readConfig();
  if (!cfg) return null;
  const helpers = cfg.credHelpers && typeof cfg.credHelpers === 'object' ? cfg.credHelpers : {};
  const helperKey = Object.keys(helpers).find((k) => keyMatches(k, host));
  if (helperKey && typeof helpers[helperKey] === 'string') {
    // A host-specific helper is authoritative, as in Docker's CLI.
    return runCredentialHelper(helpers[helperKey], serverAddress(host));
  }
  if (typeof cfg.credsStore === 'string' && cfg.credsStore) {
    const c = runCredentialHelper(cfg.credsStore, serverAddress(host));
    if (c) return c;
  }
  return fromAuths(cfg, host);
}

export function basicHeader(c: Credentials): string {
  return `Basic ${Buffer.from(`${c.username}:${c.password}`, 'utf8').toString('base64')}`;
}
