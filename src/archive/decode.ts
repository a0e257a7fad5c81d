/**
 * Sniff a blob's compression by its magic bytes (never by name) and decode it as a stream.
 */
import { createGunzip } from 'node:zlib';
import { Readable, Transform } from 'node:stream';
import { createRequire } from 'node:module';
import type * as ZstdBinding from 'zstd-napi/binding.js';
import { isTarHeader } from './tar-header.js';

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

/**
 * zstd as a Node Transform, on libzstd (zstd-napi's Node-API binding, built from its bundled
 * libzstd sources at install time) driven through ZSTD_decompressStream.
 *
 * Bounds: the window is capped at 2^27 bytes (128 MiB, zstd's own CLI default for `--memory`), so
 * a frame header that declares a larger window is refused at once instead of allocated; output is
 * produced one block buffer (ZSTD_DStreamOutSize, 128 KiB) at a time and stops whenever the reader
 * is full, so a small, highly compressed input cannot expand into memory faster than it is consumed.
 * Chosen on measurement against the pure-JS fzstd and the npm WebAssembly builds (bench/README.md,
 * "zstd decoder", a 208 MB tar): about 0.5 CPU s at zstd levels 3 and 19, against 0.77 for zlib's
 * gunzip of the same tar (gzip -6), 1.05 for the WebAssembly build (one-shot, ~600 MB RSS: no
 * streaming API nor window limit) and 2.3 to 3.7 for fzstd (which allocated any declared window).
 */
export const ZSTD_WINDOW_LOG_MAX = 27;

/** Thrown, on the first zstd layer, when zstd-napi's native module cannot be loaded. */
export class ZstdUnavailableError extends Error {}

const ZSTD_BINDING = 'zstd-napi/binding.js';
let binding: typeof ZstdBinding | ZstdUnavailableError | null = null;

/**
 * Load a zstd binding module by its specifier. The binding is a CommonJS module whose exports come
 * from a native addon that zstd-napi's install script fetches or builds; an install that skipped
 * the script (--ignore-scripts) has no addon, and only zstd layers may suffer from that.
 */
export function loadZstdBinding(id: string): typeof ZstdBinding {
  try {
    return createRequire(import.meta.url)(id) as typeof ZstdBinding;
  } catch (err) {
    const e = new ZstdUnavailableError(
      "zstd layers need zstd-napi's native module, which is not built here: run `npm rebuild -g zstd-napi` " +
        '(no -g in a local install), or install with `npm i -g --allow-scripts=zstd-napi strata-layers`',
    );
    e.cause = err;
    throw e;
  }
}

/** The binding, loaded on first use (and the failure, if it failed, remembered). */
function zstdBinding(): typeof ZstdBinding {
  if (binding === null) {
    try {
      binding = loadZstdBinding(ZSTD_BINDING);
    } catch (err) {
      binding = err as ZstdUnavailableError;
    }
  }
  if (binding instanceof ZstdUnavailableError) throw binding;
  return binding;
}

export class ZstdDecode extends Transform {
  private readonly zstd = zstdBinding();
  private readonly dctx = new this.zstd.DCtx();
  private readonly outSize = this.zstd.dStreamOutSize();
  private inFrame = false;
  private pending: { src: Buffer; cb: (err?: Error | null) => void } | null = null;

  constructor() {
    super();
    this.dctx.setParameter(this.zstd.DParameter.windowLogMax, ZSTD_WINDOW_LOG_MAX);
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.run(chunk, cb);
  }

  /** Decode `src` until it is used up (then `cb`), or until the reader is full (then wait in _read). */
  private run(src: Buffer, cb: (err?: Error | null) => void): void {
    try {
      for (;;) {
        const out = Buffer.allocUnsafe(this.outSize);
        const [ret, produced, consumed] = this.dctx.decompressStream(out, src);
        if (consumed === 0 && produced === 0 && src.length > 0) throw new Error('the decoder made no progress');
        src = src.subarray(consumed);
        const more = produced === out.length;
        // 0: a frame just ended. A call that moved nothing says nothing about the frame (after a
        // frame's end it hints at the next frame header's size), so it leaves the state alone.
        if (consumed > 0 || produced > 0) this.inFrame = ret !== 0;
        const room = produced > 0 ? this.push(out.subarray(0, produced)) : true;
        if (src.length === 0 && !more) break;
        if (!room) {
          this.pending = { src, cb };
          return;
        }
      }
    } catch (err) {
      cb(zstdError(err));
      return;
    }
    cb();
  }

  override _read(size: number): void {
    const p = this.pending;
    if (p) {
      this.pending = null;
      this.run(p.src, p.cb);
      // Finished without filling the reader: let the writable side go on (Transform parks its
      // callback until the next _read, which would never come while this read pushed nothing).
      if (this.pending) return;
    }
    super._read(size);
  }

  override _flush(cb: (err?: Error | null) => void): void {
    cb(this.inFrame ? new Error('corrupt zstd stream: it ends inside a frame') : null);
  }
}

function zstdError(err: unknown): Error {
  const msg = (err as Error)?.message ?? String(err);
  if (/too much memory|window/i.test(msg)) {
    return new Error(`zstd frame needs a window over the ${(1 << ZSTD_WINDOW_LOG_MAX) >> 20} MiB limit (${msg})`);
  }
  return new Error(`corrupt zstd stream: ${msg}`);
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
