/**
 * Read one version of one file back out of its layer blob, for the file view and `--extract`.
 * Contents are never kept by the analysis, so the blob is read again, by the image's origin: the
 * archive or layout (files/), the Engine (engine/file.ts) or the registry. The caller's sink
 * decides where bytes go; nothing here chooses a path on disk from names found in the image.
 */
import { Writable } from 'node:stream';
import { createHash } from 'node:crypto';
import { CHANGE_KINDS, K_REMOVED } from '../model/changes.js';
import { inodeParts } from '../model/link-groups.js';
import { displayName } from '../model/names.js';
import { T_FILE, T_HARDLINK, ENTRY_TYPES } from '../model/layer-data.js';
import type { LoadedImage } from '../model/image.js';
import { StrataError, EXIT_INPUT } from '../errors.js';
import { readEngineFile } from './engine/file.js';
import { readLayoutVersion } from './files/oci-layout.js';
import { readArchiveVersion } from './files/tarball.js';
import { scanLayer, type ReadOptions, type ReadTarget, type VersionPlace } from './scan-layer.js';

export interface FileVersion extends VersionPlace {
  /** The path asked for (a byte string); a save is named after its last component. */
  name: string;
  /**
   * The path of the entry holding the bytes in its layer's tar: `name` itself, or for a hard link
   * the name of the regular-file entry whose inode the link joined (docs/semantics.md, "Hard links").
   */
  path: string;
  /** The layer whose tar holds the bytes (for a hard link: the layer of the entry carrying data). */
  layer: number;
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

/** A registry image's layer blob, streamed again through the origin's client. */
async function readRegistryVersion(img: LoadedImage, version: VersionPlace, target: ReadTarget): Promise<boolean> {
  const o = img.origin;
  if (o.kind !== 'registry') return false;
  return (await scanLayer(await o.open(version.layer), version.path, target.sink, target.discard)).found;
}

/** Whether the origin found the bytes (they went to the target's sink); one read-back per origin. */
function readFromOrigin(img: LoadedImage, version: VersionPlace, target: ReadTarget, opts: ReadOptions) {
  const o = img.origin;
  const info = img.layers[version.layer];
  switch (o.kind) {
    case 'archive':
      return readArchiveVersion(o.path, info, version.path, target);
    case 'oci-layout':
      return readLayoutVersion(o.dir, info, version.layer, version.path, target);
    case 'engine':
      return readEngineFile(img, version, target, opts);
    case 'registry':
      return readRegistryVersion(img, version, target);
    case 'none':
      throw new StrataError('this source cannot be read again (no file contents available)', EXIT_INPUT);
  }
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
  opts: ReadOptions = {},
): Promise<void> {
  const ok = await readFromOrigin(img, version, { sink, discard }, opts);
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
  opts: ReadOptions & { digest?: boolean } = {},
): Promise<{ bytes: Buffer; truncated: boolean; sha256?: string }> {
  const { digest = false, ...read } = opts;
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
    read,
  );
  const head = { bytes: Buffer.concat(chunks), truncated: version.size > have };
  return hash ? { ...head, sha256: hash.digest('hex') } : head;
}
