/**
 * Parse one layer blob (plain, gzip, zstd or eStargz tar) as it streams: decode, hash the
 * uncompressed bytes (the diff_id), hash each regular file's content, and feed a LayerBuilder.
 * Memory stays bounded by the entry metadata; contents are only ever hashed, never kept.
 */
import { createHash } from 'node:crypto';
import { Transform, Writable, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createXXHash128 } from 'hash-wasm';
import {
  decodeTarName,
  decoderFor,
  peek,
  sniffCompression,
  ZstdUnavailableError,
  type Compression,
} from './decode.js';
import { TarScanner } from './tar-scan.js';
import { LayerBuilder, type EntryType, type LayerData } from '../model/layer-data.js';
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
  /** Refuse layers whose uncompressed size passes this many bytes (decompression bombs). */
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

/** Thrown when a layer is not a readable tar stream. */
export class LayerReadError extends Error {}

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

const DEFAULT_MAX_TAR_BYTES = Number(process.env.STRATA_MAX_LAYER_BYTES) || 64 * 1024 ** 3;


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
      if (tarBytes > maxTar) {
        cb(new LayerReadError(`${opts.label}: layer expands past ${maxTar} bytes (limit STRATA_MAX_LAYER_BYTES); refusing a possible decompression bomb`));
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

  // One entry at a time, synchronously: one hasher serves the whole layer.
  let hashing = false;
  const scanner = new TarScanner({
    onEntry: (h) => {
      const type = TYPE_MAP[h.type];
      const name = decodeTarName(h.name);
      if (type === undefined || (compression === 'gzip' && ESTARGZ_NAMES.has(name))) return;
      const raw = {
        name,
        type,
        mode: h.mode,
        uid: h.uid,
        gid: h.gid,
        size: type === 'file' ? h.size : 0,
        linkname: h.linkname ? decodeTarName(h.linkname) : null,
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
    onEnd: () => {
      if (!pendingFile) return;
      pendingFile.hash = fileHash.digest('binary');
      hashing = false;
      const raw = pendingFile;
      pendingFile = null;
      builder.add(raw);
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
    throw describe(err, opts.label, compression);
  }
  const stages: (NodeJS.ReadableStream | NodeJS.WritableStream)[] = [input, countBlob];
  if (decoder) stages.push(decoder);
  stages.push(countTar, extract);
  try {
    await (pipeline as (...s: unknown[]) => Promise<void>)(...stages);
  } catch (err) {
    throw describe(err, opts.label, compression);
  }
  report();
  if (!digests) return { data: builder.finish('', tarBytes), compression, blobBytes, blobDigest: '' };
  const tarDigest = tarHash.digest('hex');
  const blobDigest = compression === 'none' ? tarDigest : blobHash.digest('hex');
  return {
    data: builder.finish(`sha256:${tarDigest}`, tarBytes),
    compression,
    blobBytes,
    blobDigest: `sha256:${blobDigest}`,
  };
}

function describe(err: unknown, label: string, compression: Compression): Error {
  if (err instanceof LayerReadError) return err;
  if (err instanceof ZstdUnavailableError) return new LayerReadError(`${label}: ${err.message}`);
  const e = err as NodeJS.ErrnoException;
  const msg = e?.message ?? String(err);
  if (e?.code === 'Z_DATA_ERROR' || e?.code === 'Z_BUF_ERROR' || /unexpected end of file/i.test(msg)) {
    return new LayerReadError(`${label}: corrupt or truncated ${compression} stream (${msg})`);
  }
  if (/zstd/i.test(msg)) return new LayerReadError(`${label}: ${msg}`);
  if (/Unexpected end of data|Invalid tar header|Header exceeds|Invalid header/i.test(msg)) {
    return new LayerReadError(`${label}: not a valid tar layer (${msg})`);
  }
  if (e instanceof Error && e.constructor.name === 'LayerFormatError') return e;
  return new LayerReadError(`${label}: ${msg}`);
}

/** Consume a stream to its end without keeping it. */
export function drain(stream: Readable): Promise<void> {
  return pipeline(stream, new Writable({ write: (_c, _e, cb) => cb() }));
}
