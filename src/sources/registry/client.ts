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
 * - Waits: 30 s for an answer's headers (STRATA_REGISTRY_TIMEOUT, ms), an idle limit on bodies
 *   (transfer.ts); both come with the settings.
 * - Exit codes: the registry unreachable, answering 5xx or cutting a download off -> 3 (like an
 *   Engine); unknown repository, tag or blob, denied access, bad credentials -> 2.
 */
import { StrataError, EXIT_ENGINE, EXIT_INPUT } from '../../errors.js';
import type { ImageReference } from '../../model/reference.js';
import { basicHeader, lookupCredentials, parseChallenges, type Credentials } from './auth.js';
import { apiHost, isLoopbackHost } from './hosts.js';
import { fetchToken } from './token.js';
import { DEFAULT_SOURCE_SETTINGS, type SourceSettings } from '../settings.js';
import { bodyText, errorCode, nodeChunks, registryError, TransferError } from './transfer.js';

const MAX_REDIRECTS = 5;

export interface BlobStream {
  body: AsyncIterable<Buffer>;
  /** Content-Length when the registry sent one. */
  length: number | null;
}

export class RegistryClient {
  readonly host: string;
  private scheme: 'http' | 'https';
  private authHeader: string | null = null;
  private credentials: Credentials | null | undefined;
  private triedHttpsFallback = false;

  private readonly settings: SourceSettings;
  /** How long a response body may send nothing, in ms (STRATA_REGISTRY_IDLE_TIMEOUT). */
  private readonly idleMs: number;

  constructor(
    readonly ref: ImageReference,
    private readonly opts: { insecure?: boolean; settings?: SourceSettings } = {},
  ) {
    this.host = apiHost(ref.registry);
    this.scheme = opts.insecure || isLoopbackHost(this.host) ? 'http' : 'https';
    this.settings = opts.settings ?? DEFAULT_SOURCE_SETTINGS;
    this.idleMs = this.settings.registryIdleMs;
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
    const timer = setTimeout(() => ac.abort(), this.settings.registryHeaderMs);
    try {
      return await fetch(url, { headers, redirect: 'manual', signal: ac.signal });
    } catch (err) {
      const code = errorCode(err);
      const host = new URL(url).host;
      const tls = /SSL|TLS|EPROTO|CERT|certificate|self.signed/i.test(code);
      const hint = tls && url.startsWith('https:') ? ' (a plain-HTTP registry? use --insecure)' : '';
      const waited = `did not answer within ${this.settings.registryHeaderMs / 1000} s`;
      const what = code === 'timeout' ? waited : `is unreachable (${code})`;
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
        const body = await bodyText(res, this.idleMs).catch(() => '');
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
      const detail = await registryError(res, this.idleMs);
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
    const why = `${detail || '401 Unauthorized'} (GET ${pathname}; the repository may not exist)`;
    return new StrataError(`registry ${this.host} denied access to ${this.ref.repository} ${who}: ${why}`, EXIT_INPUT);
  }

  private async authenticate(header: string | null, pathname: string, detail: string): Promise<void> {
    const challenges = parseChallenges(header);
    const bearer = challenges.find((c) => c.scheme === 'bearer');
    const basic = challenges.find((c) => c.scheme === 'basic');
    const creds = this.creds();
    if (bearer?.params.realm) {
      const { host, ref, idleMs } = this;
      const send = (url: string, headers: Record<string, string>) => this.send(url, headers);
      const token = await fetchToken(bearer.params, { host, ref, insecure: !!this.opts.insecure, creds, idleMs, send });
      this.authHeader = `Bearer ${token}`;
      return;
    }
    if (basic) {
      if (!creds || this.authHeader?.startsWith('Basic ')) throw this.denied(pathname, detail);
      this.authHeader = basicHeader(creds);
      return;
    }
    const asked = header ?? 'no WWW-Authenticate header';
    throw new StrataError(
      `registry ${this.host} asks for an authentication scheme strata does not speak (${asked})`,
      EXIT_INPUT,
    );
  }

  /** Map a non-2xx answer to an error: 404 and 4xx are input errors (2), the rest the registry's failure (3). */
  async failure(res: Response, what: string): Promise<StrataError> {
    const detail = await registryError(res, this.idleMs);
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
      body: nodeChunks(res.body, this.idleMs),
      length: Number.isFinite(len) && res.headers.has('content-length') ? len : null,
    };
  }

  private async readAll(res: Response, limit: number, what: string): Promise<Buffer> {
    const chunks: Buffer[] = [];
    let n = 0;
    try {
      for await (const c of nodeChunks(res.body!, this.idleMs)) {
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
