/** An Engine's failures as one error line each (exit 3), with a hint where one helps. */
import { StrataError, EXIT_ENGINE } from '../../errors.js';

export function describeEngineError(err: unknown, endpoint: string): StrataError {
  if (err instanceof StrataError) return err;
  const e = err as NodeJS.ErrnoException & { statusCode?: number; json?: { message?: string } };
  const code = e?.code;
  if (code === 'ENOENT')
    return new StrataError(
      `cannot reach the Engine: no socket at ${endpoint} (is the daemon running? set DOCKER_HOST or DOCKER_CONTEXT)`,
      EXIT_ENGINE,
    );
  if (code === 'EACCES' || code === 'EPERM')
    return new StrataError(
      `cannot reach the Engine: permission denied on ${endpoint} ` +
        '(join the docker group or run with access to the socket)',
      EXIT_ENGINE,
    );
  if (code === 'ECONNREFUSED')
    return new StrataError(`cannot reach the Engine: connection refused at ${endpoint}`, EXIT_ENGINE);
  if (code === 'ECONNRESET' || code === 'EPIPE')
    return new StrataError(
      `the Engine at ${endpoint} closed the connection (${code}); the daemon may have stopped`,
      EXIT_ENGINE,
    );
  if (code === 'ETIMEDOUT') return new StrataError(`the Engine at ${endpoint} timed out`, EXIT_ENGINE);
  if (code === 'ESSH') {
    return new StrataError(`cannot reach the Engine at ${endpoint}: ${oneLine(e.message)}`, EXIT_ENGINE);
  }
  if (typeof code === 'string' && TLS_CODES.test(code)) {
    const hint = "check DOCKER_CERT_PATH or the context's certificates";
    return new StrataError(`cannot reach the Engine at ${endpoint}: TLS: ${oneLine(e.message)} (${hint})`, EXIT_ENGINE);
  }
  if (/HTTP request to an HTTPS server/i.test(e?.json?.message ?? e?.message ?? '')) {
    const hint = 'set DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH, or use a context with its certificates';
    return new StrataError(`the Engine at ${endpoint} speaks TLS: ${hint}`, EXIT_ENGINE);
  }
  const msg = e?.json?.message ?? e?.message ?? String(err);
  return new StrataError(`Engine at ${endpoint}: ${oneLine(msg)}`, EXIT_ENGINE);
}

/** Node's codes for a TLS handshake that failed (certificate not trusted, wrong name, expired...). */
const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO_(VERIFY|GET)|ERR_TLS|ERR_SSL|EPROTO|ALTNAME/;

export function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

export function withTimeout<T>(p: Promise<T>, ms: number, message: string, onTimeout?: () => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => {
      reject(new StrataError(message, EXIT_ENGINE));
      onTimeout?.();
    }, ms);
    t.unref();
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e) => {
        clearTimeout(t);
        reject(e);
      },
    );
  });
}
