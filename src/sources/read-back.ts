/**
 * Read one version of one file back out of its layer blob, for the file view and `--extract`.
 * Contents are never kept by the analysis, so the blob is read again: from the archive or layout,
 * or from a fresh Engine export (each layer tar is hashed while it is scanned, and only the one
 * whose diff_id matches counts). The caller's sink decides where bytes go; nothing here chooses a
 * path on disk from names found in the image.
 */
import { Writable, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createHash } from 'node:crypto';
import { decoderFor, looksLikeJson, peek, sniffCompression } from '../archive/decode.js';
import { drain } from '../archive/layer-parser.js';
import { outerName } from '../archive/outer-tar.js';
import { readTarEntries } from '../archive/tar-entries.js';
import { normalisePath } from '../model/path-table.js';
import { CHANGE_KINDS, K_REMOVED } from '../model/changes.js';
import { inodeParts } from '../model/link-groups.js';
import { displayName } from '../model/names.js';
import { T_FILE, T_HARDLINK, ENTRY_TYPES } from '../model/layer-data.js';
import { StrataError, EXIT_INPUT } from '../errors.js';
import { readRegularFile } from './files/regular-file.js';
import { Engine, describeEngineError } from './engine/client.js';
import { containerArchive } from './engine/container.js';
import type { LoadedImage } from '../model/image.js';
import { readEngineVersion, type ReadProgress } from './engine/file.js';

export interface FileVersion {
  /** The path asked for (a byte string); a save is named after its last component. */
  name: string;
  /**
   * The path of the entry holding the bytes in its layer's tar: `name` itself, or for a hard link
   * the name of the regular-file entry whose inode the link joined (docs/semantics.md, "Hard links").
   */
  path: string;
  /** The layer whose tar holds the bytes (for a hard link: the layer of the entry carrying data). */
  layer: number;
  entry: number;
  size: number;
  /** The change kind of this version where it was shipped. */
  change: string;
}

/**
 * The version of `path` (a byte string) visible at layer `k` (default: the top). A hard link gives
 * the file it joined when it was extracted: the inode's bytes, never the current content of the
 * target's path, which a later layer may have rewritten.
 */
export function versionAt(img: LoadedImage, path: string, k = img.layers.length - 1): FileVersion {
  const a = img.analysis;
  const shown = displayName(path);
  const p = a.table.lookup(path);
  let found = -1;
  for (let ev = p >= 0 ? a.firstEvent(p) : -1; ev >= 0; ev = a.eventNext(ev)) {
    if (a.eventLayer(ev) > k) break;
    found = ev;
  }
  if (found < 0 || a.eventKind(found) === K_REMOVED) {
    throw new StrataError(`${shown} does not exist at layer ${k}`, EXIT_INPUT);
  }
  let layer = a.eventLayer(found);
  let entry = a.eventEntry(found);
  let kind = a.eventKind(found);
  if (a.entryType(layer, entry) === T_HARDLINK) {
    const ino = a.inodeOf(layer, entry);
    if (ino === null) {
      throw new StrataError(`${shown} is a hard link whose target did not exist when it was extracted`, EXIT_INPUT);
    }
    [layer, entry] = inodeParts(ino);
    // How the holding entry was shipped: its own event.
    for (let ev = a.firstEvent(a.layers[layer].path[entry]); ev >= 0; ev = a.eventNext(ev)) {
      if (a.eventLayer(ev) === layer && a.eventEntry(ev) === entry) kind = a.eventKind(ev);
    }
  }
  const type = a.entryType(layer, entry);
  if (type !== T_FILE) {
    throw new StrataError(`${shown} is a ${ENTRY_TYPES[type]} at layer ${k}, not a regular file`, EXIT_INPUT);
  }
  const holder = a.table.path(a.layers[layer].path[entry]);
  return { name: path, path: holder, layer, entry, size: a.entrySize(layer, entry), change: CHANGE_KINDS[kind] };
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
async function scanOuter(
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

/**
 * Stream the bytes of `version` into the writable made by `sink()` (called once per attempt;
 * `discard()` drops a wrong attempt). Throws when the bytes cannot be found.
 */
export async function readVersion(
  img: LoadedImage,
  version: FileVersion,
  sink: () => Writable,
  discard: () => void = () => {},
  progress?: ReadProgress,
): Promise<void> {
  const info = img.layers[version.layer];
  const o = img.origin;
  let ok = false;
  if (o.kind === 'archive') {
    const archive = readRegularFile(o.path, o.path).stream;
    ok = await scanOuter(archive, { location: info.location, diffId: info.diffId }, version.path, sink, discard);
  } else if (o.kind === 'oci-layout') {
    if (!info.location) throw new StrataError(`layer ${version.layer} has no blob location`, EXIT_INPUT);
    const blob = readRegularFile(`${o.dir}/${info.location}`, `${o.dir}: blob ${info.location}`, { within: o.dir });
    ok = (await scanLayer(blob.stream, version.path, sink, discard)).found;
  } else if (o.kind === 'engine' && o.container && version.layer === o.container.layer) {
    // GET /containers/{id}/archive?path=P answers a tar holding P under its base name.
    const engine = await Engine.connect(o.engine);
    let archive: Readable;
    try {
      archive = await containerArchive(engine, o.container.id, version.path);
    } catch (err) {
      throw describeEngineError(err, engine.endpoint);
    }
    const base = version.path.slice(version.path.lastIndexOf('/') + 1);
    ok = (await scanLayer(archive, base, sink, discard)).found;
  } else if (
    o.kind === 'engine' &&
    (await readEngineVersion(img, o.imageId, o.engine, version, scanLayer, sink, discard, progress))
  ) {
    ok = true;
  } else if (o.kind === 'engine') {
    progress?.('exporting the image to read this file…');
    const engine = await Engine.connect(o.engine);
    ok = await scanOuter(
      await engine.export(o.imageId),
      { location: null, diffId: info.diffId },
      version.path,
      sink,
      discard,
    );
  } else if (o.kind === 'registry') {
    ok = (await scanLayer(await o.open(version.layer), version.path, sink, discard)).found;
  } else {
    throw new StrataError('this source cannot be read again (no file contents available)', EXIT_INPUT);
  }
  if (!ok)
    throw new StrataError(`${displayName(version.path)} was not found in layer ${version.layer}'s blob`, EXIT_INPUT);
}

/**
 * Up to `max` bytes of a version, in memory (the file view); with `digest`, also the SHA-256 of all
 * its bytes, in the same read.
 */
export async function readVersionHead(
  img: LoadedImage,
  version: FileVersion,
  max = 1 << 20,
  progress?: ReadProgress,
  digest = false,
): Promise<{ bytes: Buffer; truncated: boolean; sha256?: string }> {
  let chunks: Buffer[] = [];
  let have = 0;
  let hash = digest ? createHash('sha256') : null;
  await readVersion(
    img,
    version,
    () =>
      new Writable({
        write(chunk: Buffer, _e, cb) {
          hash?.update(chunk);
          if (have < max) {
            const take = chunk.subarray(0, max - have);
            chunks.push(take);
            have += take.length;
          }
          cb();
        },
      }),
    () => {
      chunks = [];
      have = 0;
      hash = digest ? createHash('sha256') : null;
    },
    progress,
  );
  const head = { bytes: Buffer.concat(chunks), truncated: version.size > have };
  return hash ? { ...head, sha256: hash.digest('hex') } : head;
}
