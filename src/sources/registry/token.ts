/**
 * The token flow of the distribution spec: GET realm?service=...&scope=... (with Basic auth when
 * there are credentials and the realm may see them), answered by `{token}` or `{access_token}`.
 */
import { StrataError, EXIT_ENGINE, EXIT_INPUT } from '../../errors.js';
import type { ImageReference } from '../../model/reference.js';
import { basicHeader, type Credentials } from './auth.js';
import { isLoopbackHost } from './hosts.js';
import { bodyText, registryError, TransferError } from './transfer.js';

/** What the token request needs from the registry client. */
export interface TokenRequest {
  /** The registry's API host, for messages. */
  host: string;
  ref: ImageReference;
  /** `--insecure`: credentials may go to a plain-HTTP realm. */
  insecure: boolean;
  creds: Credentials | null;
  /** The body idle limit, in ms. */
  idleMs: number;
  send(url: string, headers: Record<string, string>): Promise<Response>;
}

export async function fetchToken(params: Record<string, string>, r: TokenRequest): Promise<string> {
  let realm: URL;
  try {
    realm = new URL(params.realm);
  } catch {
    throw new StrataError(`registry ${r.host} sent an invalid token realm "${params.realm}"`, EXIT_ENGINE);
  }
  if (realm.protocol !== 'https:' && realm.protocol !== 'http:')
    throw new StrataError(`registry ${r.host} sent a token realm that is not HTTP(S): ${params.realm}`, EXIT_ENGINE);
  if (params.service) realm.searchParams.set('service', params.service);
  realm.searchParams.set('scope', params.scope || `repository:${r.ref.repository}:pull`);
  const headers: Record<string, string> = { 'User-Agent': 'strata' };
  const creds = r.creds;
  // Never send a password in clear text to a remote host.
  const clearOk = realm.protocol === 'https:' || isLoopbackHost(realm.host) || r.insecure;
  if (creds && clearOk) headers.Authorization = basicHeader(creds);
  const res = await r.send(realm.toString(), headers);
  const service = `the token service ${realm.host} of registry ${r.host}`;
  if (res.status === 401 || res.status === 403) {
    const detail = await registryError(res, r.idleMs);
    if (creds && clearOk) {
      const whose = `the credentials of ${creds.username || '(no user)'} from ${creds.from}`;
      throw new StrataError(`${service} rejected ${whose}${detail ? `: ${detail}` : ''}`, EXIT_INPUT);
    }
    const why = `token service ${realm.host} refused an anonymous token; docker login ${r.ref.registry}`;
    throw new StrataError(`registry ${r.host} needs credentials for ${r.ref.repository} (${why})`, EXIT_INPUT);
  }
  if (!res.ok) {
    const detail = await registryError(res, r.idleMs);
    const answered = `answered ${res.status} ${res.statusText}${detail ? `: ${detail}` : ''}`;
    throw new StrataError(`${service} ${answered}`, EXIT_ENGINE);
  }
  let doc: { token?: unknown; access_token?: unknown };
  try {
    doc = JSON.parse(await bodyText(res, r.idleMs, 1 << 20)) as typeof doc;
  } catch (err) {
    if (err instanceof TransferError) {
      throw new StrataError(`${service}: the answer was cut off (${err.message})`, EXIT_ENGINE);
    }
    throw new StrataError(`${service} did not answer with JSON`, EXIT_ENGINE);
  }
  const token =
    typeof doc.token === 'string' && doc.token
      ? doc.token
      : typeof doc.access_token === 'string'
        ? doc.access_token
        : '';
  if (!token) throw new StrataError(`${service} sent no token`, EXIT_ENGINE);
  return token;
}
