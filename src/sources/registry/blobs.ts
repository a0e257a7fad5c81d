/**
 * Registry blobs, read under the descriptor's promise: never more bytes than its size, hashed to
 * its digest (sha256 by the layer parser, other algorithms here), a cut-off transfer told apart
 * from bad content (exit 3 against exit 2).
 */
import { settingsOf } from '../loader.js';
import { createHash } from 'node:crypto';
import { LayerReadError, parseLayer, type ParsedLayer } from '../../archive/layer-parser.js';
import { StrataError, EXIT_ENGINE, EXIT_INPUT } from '../../errors.js';
import type { LayerData } from '../../model/layer-data.js';
import type { LoadedImage, LoadListener } from '../../model/image.js';
import type { RegistryClient } from './client.js';
import { TransferError } from './transfer.js';
import { algoOf, digestOf, type Descriptor } from './manifest.js';

/**
 * Per-download bookkeeping: bytes so far, a hash for non-sha256 digests, and the first failure of
 * the stream itself.
 */
interface Guard {
  bytes: number;
  hash: ReturnType<typeof createHash> | null;
  /** Set before it is thrown: the layer parser wraps whatever its input throws into its own errors. */
  error?: Error;
}

/**
 * Wraps a blob stream: counts bytes, refuses more than the descriptor promised, hashes with a
 * non-sha256 algorithm.
 */
async function* guarded(
  body: AsyncIterable<Buffer>,
  d: Descriptor,
  state: Guard,
  what: string,
): AsyncGenerator<Buffer> {
  try {
    for await (const c of body) {
      state.bytes += c.length;
      if (state.bytes > d.size)
        throw new StrataError(
          `${what} does not match its digest: the registry sent more than the descriptor's ${d.size} bytes`,
          EXIT_INPUT,
        );
      state.hash?.update(c);
      yield c;
    }
  } catch (err) {
    state.error ??= err as Error;
    throw err;
  }
}

/** A small blob (a config) read whole and verified. */
export async function readBlob(client: RegistryClient, d: Descriptor, limit: number, what: string): Promise<Buffer> {
  if (d.size > limit)
    throw new StrataError(`${what} is ${d.size} bytes, more than the ${limit} strata reads`, EXIT_INPUT);
  const { body } = await client.blob(d.digest);
  const chunks: Buffer[] = [];
  const state: Guard = { bytes: 0, hash: null };
  try {
    for await (const c of guarded(body, d, state, what)) chunks.push(c);
  } catch (err) {
    throw transferFailure(err, client, what);
  }
  const bytes = Buffer.concat(chunks);
  const got = digestOf(bytes, algoOf(d.digest));
  if (got !== d.digest || bytes.length !== d.size) {
    const sent = `the registry sent ${bytes.length} bytes hashing to ${got}`;
    throw new StrataError(`${what} from ${client.name} does not match its digest: ${sent}`, EXIT_INPUT);
  }
  return bytes;
}

/** A layer blob streamed again (file view, extraction), size-bounded, with the same auth. */
export async function reopen(
  client: RegistryClient,
  d: Descriptor | undefined,
  what: string,
): Promise<AsyncIterable<Buffer>> {
  if (!d) throw new StrataError(`no such layer (${what})`, EXIT_INPUT);
  const { body } = await client.blob(d.digest);
  return (async function* () {
    try {
      yield* guarded(body, d, { bytes: 0, hash: null }, what);
    } catch (err) {
      throw transferFailure(err, client, what);
    }
  })();
}

function transferFailure(err: unknown, client: RegistryClient, what: string): Error {
  if (err instanceof TransferError)
    return new StrataError(
      `registry ${client.host}: the download of ${what} was cut off (${err.message})`,
      EXIT_ENGINE,
    );
  return err as Error;
}

/** Layer `i`, streamed from the socket into the layer parser and verified against the descriptor and diff_id. */
export async function fetchLayer(
  client: RegistryClient,
  img: LoadedImage,
  i: number,
  d: Descriptor,
  diffId: string,
  label: string,
  emit: LoadListener,
): Promise<LayerData> {
  const what = `layer ${i} blob ${d.digest}`;
  const info = img.layers[i];
  const { body } = await client.blob(d.digest);
  const sha256 = algoOf(d.digest) === 'sha256';
  const state: Guard = { bytes: 0, hash: sha256 ? null : createHash(algoOf(d.digest)) };
  let parsed: ParsedLayer;
  try {
    parsed = await parseLayer(guarded(body, d, state, what), {
      table: img.analysis.table,
      label: `${label}: ${what}`,
      maxTarBytes: settingsOf(img).maxLayerBytes,
      onProgress: (p) => {
        info.progress = { ...p, expectedBytes: d.size };
        emit({ type: 'progress', layer: i, name: d.digest });
      },
    });
  } catch (err) {
    // A failure of the download itself (cut off, more bytes than promised) wins over what the
    // parser made of it.
    const e = transferFailure(state.error ?? err, client, what);
    if (e instanceof StrataError)
      throw e.exitCode === EXIT_INPUT && !e.message.startsWith(label)
        ? new StrataError(`${label}: ${e.message}`, EXIT_INPUT)
        : e;
    // The parser's messages start with its label (which names the blob).
    if (err instanceof LayerReadError) throw new StrataError(`${err.message} (not a readable layer)`, EXIT_INPUT);
    throw new StrataError(`${label}: ${what} could not be read: ${(err as Error).message}`, EXIT_INPUT);
  }
  const blobDigest = sha256 ? parsed.blobDigest : `${algoOf(d.digest)}:${state.hash!.digest('hex')}`;
  if (blobDigest !== d.digest || parsed.blobBytes !== d.size) {
    const sent = `the registry sent ${parsed.blobBytes} bytes hashing to ${blobDigest}`;
    throw new StrataError(`${label}: ${what} does not match its digest: ${sent}`, EXIT_INPUT);
  }
  if (parsed.data.diffId !== diffId) {
    throw new StrataError(
      `${label}: ${what} unpacks to ${parsed.data.diffId}, but the config's diff_id ${i} is ${diffId}`,
      EXIT_INPUT,
    );
  }
  info.progress = {
    blobBytes: parsed.blobBytes,
    tarBytes: info.progress.tarBytes,
    entries: info.progress.entries,
    expectedBytes: d.size,
  };
  // The descriptor's media type may claim gzip for a plain tar: trust the bytes.
  info.compressedBytes = parsed.compression === 'none' ? null : parsed.blobBytes;
  return parsed.data;
}
