/**
 * Parse one layer blob (plain, gzip, zstd or eStargz tar) as it streams: decode, hash the
 * uncompressed bytes (the diff_id), hash each regular file's content, and feed a LayerBuilder.
 * Memory stays bounded by the entry metadata; contents are only ever hashed, never kept.
 */
import { createHash } from 'node:crypto';
import { Transform, Writable, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createXXHash128 } from 'hash-wasm';
import { decoderFor, peek, sniffCompression, ZstdUnavailableError, type Compression } from './decode.js';
import { TarError } from './tar-header.js';
import { TarScanner } from './tar-scan.js';
import { ZEROS } from './tar-sparse.js';
import { LayerBuilder, LayerFormatError, type EntryType, type LayerData } from '../model/layer-data.js';
import type { PathTable } from '../model/path-table.js';

export interface LayerProgress {
  /** Compressed (blob) bytes read so far. */
  blobBytes: number;
  /** Uncompressed tar bytes read so far. */
  tarBytes: number;
  entries: number;
}

export interface ParseOptions {
  table: PathTable;
  /** Names the layer in warnings and errors (an archive entry, a digest). */
  label: string;
  onProgress?: (p: LayerProgress) => void;
  /**
   * Refuse layers whose uncompressed size passes this many bytes (decompression bombs); default
   * 64 GiB. The CLI reads STRATA_MAX_LAYER_BYTES (maxTarBytesFromEnv) and the sources pass it.
   */
  maxTarBytes?: number;
  /**
   * Hash the blob and its tar (default true). A source that identifies its layers otherwise and is
   * trusted (the local Engine's own export) skips both: `diffId` and `blobDigest` come back empty.
   */
  digests?: boolean;
}

export interface ParsedLayer {
  data: LayerData;
  compression: Compression;
  /** Bytes of the blob as stored (compressed or not). */
  blobBytes: number;
  /** sha256 of the stored blob bytes. */
  blobDigest: string;
}

export type LayerReadKind = 'tar' | 'compression' | 'too-large' | 'read';

/**
 * Thrown when a layer is not a readable tar stream: `kind` says why ('tar': the tar itself, with
 * the reader's code in `tarCode`; 'compression': the gzip or zstd stream; 'too-large': past the
 * expansion limit; 'read': the source failed). Not `code`, which callers read as an errno.
 */
export class LayerReadError extends Error {
  constructor(
    message: string,
    readonly kind: LayerReadKind = 'read',
    readonly tarCode?: TarError['code'],
  ) {
    super(message);
  }
}

const TYPE_MAP: Record<string, EntryType | undefined> = {
  file: 'file',
  'contiguous-file': 'file',
  directory: 'dir',
  symlink: 'symlink',
  link: 'hardlink',
  'character-device': 'char',
  'block-device': 'block',
  fifo: 'fifo',
};

// eStargz appends its table of contents (and landmark files) as tar entries at the root; they
// are not part of the image's filesystem.
const ESTARGZ_NAMES = new Set(['stargz.index.json', '.prefetch.landmark', '.no.prefetch.landmark']);

/** The default expansion limit of one layer: 64 GiB of tar (and sparse holes). */
export const DEFAULT_MAX_TAR_BYTES = 64 * 1024 ** 3;

/** The expansion limit an environment sets (STRATA_MAX_LAYER_BYTES), else the default. */
export function maxTarBytesFromEnv(env: NodeJS.ProcessEnv): number {
  return Number(env.STRATA_MAX_LAYER_BYTES) || DEFAULT_MAX_TAR_BYTES;
}

export async function parseLayer(source: AsyncIterable<Buffer>, opts: ParseOptions): Promise<ParsedLayer> {
  const { head, stream: input } = await peek(source, 512);
  const compression = sniffCompression(head);
  const maxTar = opts.maxTarBytes ?? DEFAULT_MAX_TAR_BYTES;
  const builder = new LayerBuilder(opts.table, opts.label);
  const fileHash = await createXXHash128();
  const blobHash = createHash('sha256');
  const tarHash = createHash('sha256');
  const digests = opts.digests !== false;
  let blobBytes = 0;
  let tarBytes = 0;
  let lastReport = 0;
  const report = () => opts.onProgress?.({ blobBytes, tarBytes, entries: builder.entries });
  const bomb = () =>
    new LayerReadError(
      `${opts.label}: layer expands past ${maxTar} bytes (limit STRATA_MAX_LAYER_BYTES); ` +
        'refusing a possible decompression bomb',
      'too-large',
    );

  const countBlob = new Transform({
    transform(chunk: Buffer, _e, cb) {
      blobBytes += chunk.length;
      if (digests && compression !== 'none') blobHash.update(chunk);
      cb(null, chunk);
    },
  });
  const countTar = new Transform({
    transform(chunk: Buffer, _e, cb) {
      tarBytes += chunk.length;
      if (tarBytes + holeBytes > maxTar) {
        cb(bomb());
        return;
      }
      if (digests) tarHash.update(chunk);
      if (tarBytes - lastReport >= 4 * 1024 * 1024) {
        lastReport = tarBytes;
        report();
      }
      cb(null, chunk);
    },
  });

  // One entry at a time, synchronously: one hasher serves the whole layer. A sparse file's holes
  // are hashed as the zeros they read as, and count toward the expansion limit like tar bytes.
  let hashing = false;
  let holeBytes = 0;
  const scanWarnings: string[] = [];
  const scanner = new TarScanner({
    onEntry: (h) => {
      const type = TYPE_MAP[h.type];
      const name = h.name;
      if (type === undefined || (compression === 'gzip' && ESTARGZ_NAMES.has(name))) return;
      const raw = {
        name,
        type,
        mode: h.mode,
        uid: h.uid,
        gid: h.gid,
        size: type === 'file' ? h.size : 0,
        linkname: h.linkname,
        hash: undefined as Uint8Array | undefined,
      };
      if (type !== 'file') {
        builder.add(raw);
        return;
      }
      pendingFile = raw;
      fileHash.init();
      hashing = true;
    },
    onData: (chunk) => {
      if (hashing) fileHash.update(chunk);
    },
    onZeros: (n) => {
      holeBytes += n;
      if (tarBytes + holeBytes > maxTar) throw bomb();
      if (!hashing) return;
      while (n > 0) {
        const take = Math.min(n, ZEROS.length);
        fileHash.update(take === ZEROS.length ? ZEROS : ZEROS.subarray(0, take));
        n -= take;
      }
    },
    onEnd: () => {
      if (!pendingFile) return;
      pendingFile.hash = fileHash.digest('binary');
      hashing = false;
      const raw = pendingFile;
      pendingFile = null;
      builder.add(raw);
    },
    onWarning: (m) => {
      if (scanWarnings.length < 20) scanWarnings.push(`${opts.label}: ${m}`);
    },
  });
  let pendingFile: (Parameters<LayerBuilder['add']>[0] & { hash?: Uint8Array }) | null = null;
  const extract = new Writable({
    highWaterMark: 1 << 20,
    write(chunk: Buffer, _e, cb) {
      try {
        scanner.push(chunk);
        cb();
      } catch (err) {
        cb(err as Error);
      }
    },
    final(cb) {
      try {
        scanner.end();
        cb();
      } catch (err) {
        cb(err as Error);
      }
    },
  });

  let decoder: Transform | null;
  try {
    decoder = decoderFor(compression);
  } catch (err) {
    throw describe(err, opts.label, compression, false);
  }
  // Errors are told apart by their class or by the stage that raised them, never by their text
  // (a failing stage's error reaches every other stage too, so the source is asked first).
  let sourceError: unknown = null;
  let decoderError: unknown = null;
  input.on('error', (e) => {
    sourceError ??= e;
  });
  decoder?.on('error', (e) => {
    decoderError ??= e;
  });
  const stages: (NodeJS.ReadableStream | NodeJS.WritableStream)[] = [input, countBlob];
  if (decoder) stages.push(decoder);
  stages.push(countTar, extract);
  try {
    await (pipeline as (...s: unknown[]) => Promise<void>)(...stages);
  } catch (err) {
    throw describe(err, opts.label, compression, err !== sourceError && err === decoderError);
  }
  report();
  const finish = (diffId: string) => {
    const data = builder.finish(diffId, tarBytes);
    data.warnings.push(...scanWarnings);
    return data;
  };
  if (!digests) return { data: finish(''), compression, blobBytes, blobDigest: '' };
  const tarDigest = tarHash.digest('hex');
  const blobDigest = compression === 'none' ? tarDigest : blobHash.digest('hex');
  return {
    data: finish(`sha256:${tarDigest}`),
    compression,
    blobBytes,
    blobDigest: `sha256:${blobDigest}`,
  };
}

function describe(err: unknown, label: string, compression: Compression, decoderFailed: boolean): Error {
  if (err instanceof LayerReadError || err instanceof LayerFormatError) return err;
  if (err instanceof ZstdUnavailableError) return new LayerReadError(`${label}: ${err.message}`, 'compression');
  const msg = (err as Error)?.message ?? String(err);
  if (err instanceof TarError) return new LayerReadError(`${label}: not a valid tar layer (${msg})`, 'tar', err.code);
  if (decoderFailed) {
    return new LayerReadError(`${label}: corrupt or truncated ${compression} stream (${msg})`, 'compression');
  }
  return new LayerReadError(`${label}: ${msg}`, 'read');
}

/** Consume a stream to its end without keeping it. */
export function drain(stream: Readable): Promise<void> {
  return pipeline(stream, new Writable({ write: (_c, _e, cb) => cb() }));
}
