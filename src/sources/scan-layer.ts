/**
 * Finding one file's bytes in a layer blob (or in the layer blobs of an outer tar) with the layer
 * reader the analysis uses; shared by every origin's read-back.
 */
import { createHash } from 'node:crypto';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { decoderFor, looksLikeJson, peek, sniffCompression } from '../archive/decode.js';
import { drain } from '../archive/layer-parser.js';
import { outerName } from '../archive/outer-tar.js';
import { readTarEntries } from '../archive/tar-entries.js';
import { normalisePath } from '../model/path-table.js';
import type { SourceSettings } from './settings.js';

/** Progress of a read that has to export the image (bytes of the export read so far). */
export type ReadProgress = (text: string) => void;

/** Options of a file read (view, extraction). */
export interface ReadOptions {
  progress?: ReadProgress;
  /** Default: the settings the image was loaded with. */
  settings?: SourceSettings;
}

/** Where a version's bytes are (a `FileVersion` of read-back.ts, without its change kind). */
export interface VersionPlace {
  /** The path asked for (a byte string). */
  name: string;
  /** The path of the entry holding the bytes in its layer's tar (a hard link's target entry). */
  path: string;
  layer: number;
  entry: number;
  size: number;
}

/** Where a read's bytes go: `sink()` makes a writable per attempt, `discard()` drops a wrong one. */
export interface ReadTarget {
  sink: () => Writable;
  discard: () => void;
}

/**
 * Scan one layer blob for `path` with the layer reader the analysis uses; the logical bytes of
 * the last entry for it (a sparse file's holes as zeros) go to `sink()`, and an earlier entry for
 * the same path is dropped with `discard()`. Resolves with the blob's diff_id and whether the entry
 * was found.
 */
export async function scanLayer(
  blob: AsyncIterable<Buffer>,
  path: string,
  sink: () => Writable,
  discard: () => void = () => {},
): Promise<{ diffId: string; found: boolean }> {
  const { head, stream } = await peek(blob, 512);
  const decoder = decoderFor(sniffCompression(head));
  const hash = createHash('sha256');
  const want = normalisePath(path).path;
  let found = false;
  const hashing = async function* (src: AsyncIterable<Buffer>) {
    for await (const c of src) {
      hash.update(c);
      yield c;
    }
  };
  const source: AsyncIterable<Buffer> = decoder ? stream.pipe(decoder) : stream;
  await readTarEntries(hashing(source), async ({ header, body }) => {
    if (header.type !== 'file' || normalisePath(header.name).path !== want) return;
    if (found) discard(); // within one layer tar the last entry for a path wins
    found = true;
    await pipeline(body, sink());
  });
  return { diffId: `sha256:${hash.digest('hex')}`, found };
}

/** Outer tars (archive files, Engine exports): scan the blobs that may be the layer. */
export async function scanOuter(
  outer: AsyncIterable<Buffer>,
  wanted: { location: string | null; diffId: string },
  path: string,
  sink: () => Writable,
  discard: () => void,
): Promise<boolean> {
  let done = false;
  await readTarEntries(outer, async ({ header, body: entry }) => {
    const name = normalisePath(outerName(header.name)).path;
    const wantedHere = wanted.location ? name === wanted.location : header.size >= 1024;
    const candidate = !done && header.type === 'file' && wantedHere;
    if (!candidate) return;
    const { head, stream: body } = await peek(entry, 512);
    if (!wanted.location && looksLikeJson(head)) return drain(body);
    const { diffId, found } = await scanLayer(body, path, sink, discard);
    if (found && (wanted.location !== null || diffId === wanted.diffId)) done = true;
    else if (found) discard();
  });
  return done;
}
