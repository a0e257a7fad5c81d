/**
 * Registry answers' bodies: streamed as Buffers under an idle limit, small ones read as text, and
 * error bodies boiled down to their first `errors[]` entry.
 */

/** A network failure while a body streams (as opposed to bad content): exit 3. */
export class TransferError extends Error {}

export function errorCode(err: unknown): string {
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
export async function bodyText(res: Response, idleMs: number, limit = 64 * 1024): Promise<string> {
  if (!res.body) return '';
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of nodeChunks(res.body, idleMs)) {
    chunks.push(c);
    n += c.length;
    if (n >= limit) break;
  }
  return Buffer.concat(chunks).subarray(0, limit).toString('utf8');
}

/** The first `errors[]` entry of a registry error body: "MANIFEST_UNKNOWN: manifest unknown". */
export async function registryError(res: Response, idleMs: number): Promise<string> {
  let text = '';
  try {
    text = (await bodyText(res, idleMs, 4096)).slice(0, 4096);
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

/**
 * A web stream as Buffers; a failure of the stream itself (socket closed, timeout) becomes a
 * TransferError, and so does a wait for the next chunk longer than the idle limit (only the wait on
 * the network counts, never the time the consumer spends on a chunk). The idle limit
 * (STRATA_REGISTRY_IDLE_TIMEOUT) is the Engine export's counterpart: a body that trickles or stops
 * short of its Content-Length ends in a transfer error (exit 3) instead of a wait without end.
 */
export async function* nodeChunks(body: ReadableStream<Uint8Array>, idleMs: number): AsyncGenerator<Buffer> {
  const reader = body.getReader();
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
