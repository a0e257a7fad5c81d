/**
 * A small client for the distribution API v2 (pull only), on Node's fetch.
 *
 * - Scheme: plain HTTP for loopback hosts (localhost, 127.0.0.0/8, [::1]) and with `--insecure`;
 *   HTTPS with certificate checks everywhere else. A loopback registry that turns out to speak TLS
 *   (Go answers "Client sent an HTTP request to an HTTPS server") is retried over HTTPS.
 * - Auth: anonymous first; a 401 with a Bearer challenge fetches a token from the realm (with Basic
 *   credentials from config.json when there are any) and retries; a Basic challenge sends the
 *   credentials. Tokens are refreshed once per request when they expire mid-pull.
 * - Redirects (blob storage on S3 or a CDN) are followed by hand so that the Authorization header
 *   never leaves the registry's origin.
 * - Exit codes: the registry unreachable, answering 5xx or cutting a download off -> 3 (like an
 *   Engine); unknown repository, tag or blob, denied access, bad credentials -> 2.
 */
import { StrataError, EXIT_ENGINE, EXIT_INPUT } from '../../errors.js';
import type { ImageReference } from '../../model/reference.js';
import { basicHeader, lookupCredentials, parseChallenges, type Credentials } from './auth.js';

/** How long to wait for a response's headers, in ms (STRATA_REGISTRY_TIMEOUT, default 30 s). */
const HEADER_TIMEOUT = Number(process.env.STRATA_REGISTRY_TIMEOUT) || 30_000;
const MAX_REDIRECTS = 5;

/**
 * How long a response body may send nothing, in seconds (STRATA_REGISTRY_IDLE_TIMEOUT, default 60),
 * like the Engine export's idle limit: a body that trickles or stops short of its Content-Length
 * ends in a transfer error (exit 3) instead of a wait without end. Read at each use, so a test can
 * set a small one.
 */
export function registryIdleMs(): number {
  const v = Number(process.env.STRATA_REGISTRY_IDLE_TIMEOUT);
  return (Number.isFinite(v) && v > 0 ? v : 60) * 1000;
}

export function isLoopbackHost(host: string): boolean {
  const h = host
    .replace(/:\d+$/, '')
    .replace(/^\[(.*)\]$/, '$1')
    .toLowerCase();
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

/** The host the API lives on: Docker Hub's API is not at docker.io. */
export function apiHost(registry: string): string {
  return registry === 'docker.io' ? 'registry-1.docker.io' : registry;
}

export interface BlobStream {
  body: AsyncIterable<Buffer>;
  /** Content-Length when the registry sent one. */
  length: number | null;
}

/** A network failure while a body streams (as opposed to bad content): exit 3. */
export class TransferError extends Error {}

function errorCode(err: unknown): string {
  const e = err as {
    code?: string;
    cause?: { code?: string; message?: string; errors?: { code?: string }[] };
    message?: string;
    name?: string;
  };
  if (e?.name === 'AbortError' || e?.name === 'TimeoutError') return 'timeout';
  const c = e?.cause;
  return c?.code ?? c?.errors?.[0]?.code ?? e?.code ?? c?.message ?? e?.message ?? String(err);
}

/** A small body as text, read under the idle limit and cut at `limit` bytes (the rest is dropped). */
async function bodyText(res: Response, limit = 64 * 1024): Promise<string> {
  if (!res.body) return '';
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of nodeChunks(res.body)) {
    chunks.push(c);
    n += c.length;
    if (n >= limit) break;
  }
  return Buffer.concat(chunks).subarray(0, limit).toString('utf8');
}

/** The first `errors[]` entry of a registry error body: "MANIFEST_UNKNOWN: manifest unknown". */
async function registryError(res: Response): Promise<string> {
  let text = '';
  try {
    text = (await bodyText(res, 4096)).slice(0, 4096);
  } catch {
    return '';
  }
  try {
    const doc = JSON.parse(text) as { errors?: { code?: string; message?: string }[] };
    const e = doc.errors?.[0];
    if (e) return [e.code, e.message].filter(Boolean).join(': ');
  } catch {
    // not JSON
  }
  return text.trim().split('\n')[0].slice(0, 200);
}

export class RegistryClient {
  readonly host: string;
  private scheme: 'http' | 'https';
  private authHeader: string | null = null;
  private credentials: Credentials | null | undefined;
  private triedHttpsFallback = false;

  constructor(
    readonly ref: ImageReference,
    private readonly opts: { insecure?: boolean } = {},
  ) {
    this.host = apiHost(ref.registry);
    this.scheme = opts.insecure || isLoopbackHost(this.host) ? 'http' : 'https';
  }

  /** "registry://127.0.0.1:5000/strata/changes" for messages. */
  get name(): string {
    return `${this.ref.registry}/${this.ref.repository}`;
  }

  private base(): string {
    return `${this.scheme}://${this.host}`;
  }

  private creds(): Credentials | null {
    if (this.credentials === undefined) this.credentials = lookupCredentials(this.ref.registry);
    return this.credentials;
  }

  /** One fetch with a bounded wait for the headers; network failures become exit-3 errors. */
  private async send(url: string, headers: Record<string, string>): Promise<Response> {
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(), HEADER_TIMEOUT);
    try {
      return await fetch(url, { headers, redirect: 'manual', signal: ac.signal });
    } catch (err) {
      const code = errorCode(err);
      const host = new URL(url).host;
      const tls = /SSL|TLS|EPROTO|CERT|certificate|self.signed/i.test(code);
      const hint = tls && url.startsWith('https:') ? ' (a plain-HTTP registry? use --insecure)' : '';
      const what = code === 'timeout' ? `did not answer within ${HEADER_TIMEOUT / 1000} s` : `is unreachable (${code})`;
      throw new StrataError(`registry ${host} ${what} at ${url}${hint}`, EXIT_ENGINE);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * GET a registry path, handling auth challenges and redirects. Returns the final response
   * (any status but 401 and 3xx); the caller maps statuses to messages.
   */
  async get(pathname: string, accept?: string): Promise<Response> {
    let refreshed = 0;
    for (;;) {
      let url = this.base() + pathname;
      const headers: Record<string, string> = { 'User-Agent': 'strata' };
      if (accept) headers.Accept = accept;
      if (this.authHeader) headers.Authorization = this.authHeader;
      let res = await this.send(url, headers);
      // Loopback over plain HTTP, but the server speaks TLS: switch once.
      if (res.status === 400 && this.scheme === 'http' && !this.opts.insecure && !this.triedHttpsFallback) {
        const body = await bodyText(res).catch(() => '');
        this.triedHttpsFallback = true;
        if (/HTTPS server/i.test(body)) {
          this.scheme = 'https';
          continue;
        }
        return new Response(body, { status: 400, statusText: res.statusText, headers: res.headers });
      }
      for (let hops = 0; res.status >= 300 && res.status < 400 && res.headers.get('location'); hops++) {
        if (hops >= MAX_REDIRECTS)
          throw new StrataError(`registry ${this.host}: too many redirects for ${pathname}`, EXIT_ENGINE);
        const next = new URL(res.headers.get('location')!, url);
        await res.body?.cancel().catch(() => {});
        const h: Record<string, string> = { 'User-Agent': 'strata' };
        if (accept) h.Accept = accept;
        // Credentials stay with the registry's own origin (blob stores use signed URLs).
        if (this.authHeader && next.origin === new URL(this.base()).origin) h.Authorization = this.authHeader;
        url = next.toString();
        res = await this.send(url, h);
      }
      if (res.status !== 401) return res;
      const challenge = res.headers.get('www-authenticate');
      const detail = await registryError(res);
      if (refreshed >= 2) throw this.denied(pathname, detail);
      refreshed++;
      await this.authenticate(challenge, pathname, detail);
    }
  }

  private denied(pathname: string, detail: string): StrataError {
    const c = this.creds();
    const who = c
      ? `with the credentials of ${c.username || '(no user)'} from ${c.from}`
      : `anonymously (no credentials for ${this.ref.registry}; docker login ${this.ref.registry})`;
    return new StrataError(
      `registry ${this.host} denied access to ${this.ref.repository} ${who}: ${detail || '401 Unauthorized'} (GET ${pathname}; the repository may not exist)`,
      EXIT_INPUT,
    );
  }

  private async authenticate(header: string | null, pathname: string, detail: string): Promise<void> {
    const challenges = parseChallenges(header);
    const bearer = challenges.find((c) => c.scheme === 'bearer');
    const basic = challenges.find((c) => c.scheme === 'basic');
    const creds = this.creds();
    if (bearer?.params.realm) {
      this.authHeader = `Bearer ${await this.fetchToken(bearer.params)}`;
      return;
    }
    if (basic) {
      if (!creds || this.authHeader?.startsWith('Basic ')) throw this.denied(pathname, detail);
      this.authHeader = basicHeader(creds);
      return;
    }
    throw new StrataError(
      `registry ${this.host} asks for an authentication scheme strata does not speak (${header ?? 'no WWW-Authenticate header'})`,
      EXIT_INPUT,
    );
  }

  /** The token flow of the distribution spec: GET realm?service=...&scope=... (Basic auth when we have credentials). */
  private async fetchToken(params: Record<string, string>): Promise<string> {
    let realm: URL;
    try {
      realm = new URL(params.realm);
    } catch {
      throw new StrataError(`registry ${this.host} sent an invalid token realm "${params.realm}"`, EXIT_ENGINE);
    }
    if (realm.protocol !== 'https:' && realm.protocol !== 'http:')
      throw new StrataError(
        `registry ${this.host} sent a token realm that is not HTTP(S): ${params.realm}`,
        EXIT_ENGINE,
      );
    if (params.service) realm.searchParams.set('service', params.service);
    realm.searchParams.set('scope', params.scope || `repository:${this.ref.repository}:pull`);
    const headers: Record<string, string> = { 'User-Agent': 'strata' };
    const creds = this.creds();
    // Never send a password in clear text to a remote host.
    const clearOk = realm.protocol === 'https:' || isLoopbackHost(realm.host) || this.opts.insecure;
    if (creds && clearOk) headers.Authorization = basicHeader(creds);
    const res = await this.send(realm.toString(), headers);
    if (res.status === 401 || res.status === 403) {
      const detail = await registryError(res);
      if (creds && clearOk)
        throw new StrataError(
          `the token service ${realm.host} of registry ${this.host} rejected the credentials of ${creds.username || '(no user)'} from ${creds.from}${detail ? `: ${detail}` : ''}`,
          EXIT_INPUT,
        );
      throw new StrataError(
        `registry ${this.host} needs credentials for ${this.ref.repository} (token service ${realm.host} refused an anonymous token; docker login ${this.ref.registry})`,
        EXIT_INPUT,
      );
    }
    if (!res.ok)
      throw new StrataError(
        `the token service ${realm.host} of registry ${this.host} answered ${res.status} ${res.statusText}${await registryError(res).then((d) => (d ? `: ${d}` : ''))}`,
        EXIT_ENGINE,
      );
    let doc: { token?: unknown; access_token?: unknown };
    try {
      doc = JSON.parse(await bodyText(res, 1 << 20)) as typeof doc;
    } catch (err) {
      if (err instanceof TransferError) {
        const msg = `the token service ${realm.host} of registry ${this.host}: the answer was cut off (${err.message})`;
        throw new StrataError(msg, EXIT_ENGINE);
      }
      throw new StrataError(
        `the token service ${realm.host} of registry ${this.host} did not answer with JSON`,
        EXIT_ENGINE,
      );
    }
    const token =
      typeof doc.token === 'string' && doc.token
        ? doc.token
        : typeof doc.access_token === 'string'
          ? doc.access_token
          : '';
    if (!token)
      throw new StrataError(`the token service ${realm.host} of registry ${this.host} sent no token`, EXIT_ENGINE);
    return token;
  }

  /** Map a non-2xx answer to an error: 404 and 4xx are input errors (2), the rest the registry's failure (3). */
  async failure(res: Response, what: string): Promise<StrataError> {
    const detail = await registryError(res);
    const tail = detail ? ` (${detail})` : '';
    if (res.status === 404) return new StrataError(`${what} not found in registry ${this.host}${tail}`, EXIT_INPUT);
    if (res.status === 403) return new StrataError(`registry ${this.host} denied access to ${what}${tail}`, EXIT_INPUT);
    if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) {
      return new StrataError(
        `registry ${this.host} refused ${what}: ${res.status} ${res.statusText}${tail}`,
        EXIT_INPUT,
      );
    }
    return new StrataError(
      `registry ${this.host} failed on ${what}: ${res.status} ${res.statusText}${tail}`,
      EXIT_ENGINE,
    );
  }

  /** A manifest or index by tag or digest: its bytes and media type (at most `limit` bytes). */
  async manifest(reference: string, accept: string, limit: number): Promise<{ bytes: Buffer; mediaType: string }> {
    const what = `manifest ${this.name}${reference.includes(':') ? '@' : ':'}${reference}`;
    const res = await this.get(`/v2/${this.ref.repository}/manifests/${reference}`, accept);
    if (!res.ok) throw await this.failure(res, what);
    const bytes = await this.readAll(res, limit, what);
    return { bytes, mediaType: (res.headers.get('content-type') ?? '').split(';')[0].trim() };
  }

  /** A blob's body as a stream; errors of the transfer itself surface as TransferError. */
  async blob(digest: string): Promise<BlobStream> {
    const what = `blob ${digest} of ${this.name}`;
    const res = await this.get(`/v2/${this.ref.repository}/blobs/${digest}`);
    if (!res.ok) throw await this.failure(res, what);
    if (!res.body) throw new StrataError(`registry ${this.host} sent no content for ${what}`, EXIT_ENGINE);
    const len = Number(res.headers.get('content-length'));
    return {
      body: nodeChunks(res.body),
      length: Number.isFinite(len) && res.headers.has('content-length') ? len : null,
    };
  }

  private async readAll(res: Response, limit: number, what: string): Promise<Buffer> {
    const chunks: Buffer[] = [];
    let n = 0;
    try {
      for await (const c of nodeChunks(res.body!)) {
        n += c.length;
        if (n > limit) throw new StrataError(`${what} is larger than ${limit} bytes`, EXIT_INPUT);
        chunks.push(c);
      }
    } catch (err) {
      if (err instanceof TransferError)
        throw new StrataError(
          `registry ${this.host}: the download of ${what} was cut off (${err.message})`,
          EXIT_ENGINE,
        );
      throw err;
    }
    return Buffer.concat(chunks);
  }
}

/**
 * A web stream as Buffers; a failure of the stream itself (socket closed, timeout) becomes a
 * TransferError, and so does a wait for the next chunk longer than the idle limit (only the wait on
 * the network counts, never the time the consumer spends on a chunk).
 */
async function* nodeChunks(body: ReadableStream<Uint8Array>): AsyncGenerator<Buffer> {
  const reader = body.getReader();
  const idleMs = registryIdleMs();
  try {
    for (;;) {
      let r: Awaited<ReturnType<typeof reader.read>>;
      let timer: NodeJS.Timeout | undefined;
      try {
        const idle = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new TransferError(`no data for ${idleMs / 1000} s`)), idleMs);
        });
        const read = reader.read();
        read.catch(() => {}); // settled by cancel() after an idle timeout; nobody waits for it then
        r = await Promise.race([read, idle]);
      } catch (err) {
        if (err instanceof TransferError) throw err;
        throw new TransferError(errorCode(err));
      } finally {
        clearTimeout(timer);
      }
      if (r.done) return;
      yield Buffer.from(r.value.buffer, r.value.byteOffset, r.value.byteLength);
    }
  } finally {
    reader.cancel().catch(() => {});
  }
}
