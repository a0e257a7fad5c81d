/**
 * Sniff a blob's compression by its magic bytes (never by name) and decode it as a stream.
 */
import { createGunzip } from 'node:zlib';
import { Readable, Transform } from 'node:stream';
import { Decompress } from 'fzstd';
import { isTarHeader } from './tar-scan.js';

export type Compression = 'gzip' | 'zstd' | 'none';

const GZIP = [0x1f, 0x8b];
const ZSTD = [0x28, 0xb5, 0x2f, 0xfd];

export function sniffCompression(head: Uint8Array): Compression {
  if (head.length >= 2 && head[0] === GZIP[0] && head[1] === GZIP[1]) return 'gzip';
  if (head.length >= 4 && ZSTD.every((b, i) => head[i] === b)) return 'zstd';
  return 'none';
}

/**
 * True when the first 512 bytes are a tar header of any dialect (its checksum holds), so a v7
 * tar without the ustar magic is a tar too.
 */
export function looksLikeTar(head: Uint8Array): boolean {
  return isTarHeader(head);
}

/** True when the bytes look like the start of a JSON document. */
export function looksLikeJson(head: Uint8Array): boolean {
  for (const b of head) {
    if (b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09) continue;
    return b === 0x7b || b === 0x5b; // { or [
  }
  return false;
}

/** zstd as a Node Transform (Node 20's zlib has no zstd; fzstd is a pure-JS decoder). */
export class ZstdDecode extends Transform {
  private readonly dec: Decompress;
  constructor() {
    super();
    this.dec = new Decompress((chunk) => {
      this.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    });
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    try {
      this.dec.push(chunk);
      cb();
    } catch (err) {
      cb(new Error(`corrupt zstd stream: ${(err as Error).message}`));
    }
  }
  override _flush(cb: (err?: Error | null) => void): void {
    try {
      this.dec.push(new Uint8Array(0), true);
      cb();
    } catch (err) {
      cb(new Error(`corrupt zstd stream: ${(err as Error).message}`));
    }
  }
}

export function decoderFor(kind: Compression): Transform | null {
  if (kind === 'gzip') return createGunzip({ chunkSize: 256 * 1024 });
  if (kind === 'zstd') return new ZstdDecode();
  return null;
}

/**
 * Read at least `n` bytes (fewer at the end) from a stream to sniff them, and hand back a stream
 * that yields those bytes and then the rest, so the whole blob can be consumed from its start.
 */
export async function peek(src: AsyncIterable<Buffer>, n: number): Promise<{ head: Buffer; stream: Readable }> {
  const it = src[Symbol.asyncIterator]();
  const chunks: Buffer[] = [];
  let have = 0;
  let done = false;
  while (have < n) {
    const r = await it.next();
    if (r.done) {
      done = true;
      break;
    }
    chunks.push(r.value);
    have += r.value.length;
  }
  const head = Buffer.concat(chunks);
  async function* all(): AsyncGenerator<Buffer> {
    if (head.length > 0) yield head;
    if (done) return;
    for (;;) {
      const r = await it.next();
      if (r.done) return;
      yield r.value;
    }
  }
  return { head, stream: Readable.from(all(), { objectMode: false }) };
}
