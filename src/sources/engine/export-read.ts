/**
 * One pass over an Engine export (`GET /images/{id}/get`): each layer blob is parsed as it streams
 * and given to the assembler as soon as its place in the image is known (export-placement.ts);
 * the config, when it passes, replaces the provisional history. A deep read-ahead buffer keeps the
 * daemon writing while a layer is parsed; a daemon that stops sending is given up on after an
 * idle limit.
 */
import { PassThrough, type Readable } from 'node:stream';
import { checkConfig } from '../../archive/image-config.js';
import { LayerReadError, type ParsedLayer } from '../../archive/layer-parser.js';
import { digestFromPath } from '../../archive/oci.js';
import { ArchiveFormatError, readOuterTar, resolveLink, type OuterContents } from '../../archive/outer-tar.js';
import { resolveImage } from '../../archive/resolve-image.js';
import { StrataError, EXIT_ENGINE, EXIT_INPUT } from '../../errors.js';
import type { ImageConfigDoc, LoadedImage, LoadListener } from '../../model/image.js';
import { applyHistory } from '../../model/image.js';
import { LayerFormatError } from '../../model/layer-data.js';
import {
  type Assembler,
  cancelWith,
  checkCancelled,
  fillFromParsed,
  noteStream,
  type LoadOptions,
} from '../assemble.js';
import { outerDocStore } from '../files/tarball.js';
import type { SourceSettings } from '../settings.js';
import type { Engine } from './client.js';
import { ExportLocator } from './export-placement.js';
import { keepExport } from './kept-export.js';

/** The image being exported: its name as asked for, its id and its diff_ids (from inspect). */
export interface ExportTarget {
  name: string;
  imageId: string;
  diffIds: string[];
}

/**
 * Destroys the stream when the daemon stays connected but stops sending: Docker <= 24 writes the
 * whole export to disk before its first byte (minutes for big images), so the first wait is long,
 * later ones short. `stalled()` is the limit that ran out, if one did.
 */
function watchStall(stream: Readable, settings: SourceSettings): { stalled: () => number | null } {
  const first = settings.exportFirstByteSeconds;
  const next = settings.exportIdleSeconds;
  let stalled: number | null = null;
  const stall = (secs: number) => {
    stalled = secs;
    stream.destroy(new Error('stalled'));
  };
  let timer = setTimeout(() => stall(first), first * 1000);
  stream.on('data', () => {
    clearTimeout(timer);
    timer = setTimeout(() => stall(next), next * 1000);
  });
  stream.on('close', () => clearTimeout(timer));
  return { stalled: () => stalled };
}

/** A failed export read as one error line: stalled, cut off, or corrupt (all the daemon's failure). */
function exportFailure(err: unknown, engine: Engine, name: string, stalled: number | null): StrataError {
  if (stalled !== null) {
    const what = `the Engine at ${engine.endpoint} stopped sending the export of ${name}`;
    return new StrataError(`${what} (no data for ${stalled} s)`, EXIT_ENGINE);
  }
  if (err instanceof StrataError) return err;
  // Told apart by class and code, never by message text: a connection error (ECONNRESET,
  // ERR_STREAM_PREMATURE_CLOSE ...) or an export that ends inside the outer tar was cut off.
  const e = err as NodeJS.ErrnoException;
  const ours = err instanceof LayerReadError || err instanceof LayerFormatError;
  const cut = err instanceof ArchiveFormatError ? err.tarCode === 'truncated' : !ours && !!e?.code;
  if (cut) {
    const what = `the export of ${name} from the Engine at ${engine.endpoint} was cut off`;
    return new StrataError(`${what} (${e.code ?? e.message}); the daemon may have stopped`, EXIT_ENGINE);
  }
  // Corrupt content from a live daemon is still the daemon's failure.
  return new StrataError(`${(err as Error).message}`, EXIT_ENGINE);
}

/** Gives parsed blobs to the assembler once their layer position is known. */
function placer(img: LoadedImage, target: ExportTarget, locator: ExportLocator, asm: Assembler, opts: LoadOptions) {
  const { diffIds } = target;
  const positions = new Map<string, number[]>();
  diffIds.forEach((d, i) => {
    positions.set(d, [...(positions.get(d) ?? []), i]);
  });
  const unplaced = new Map<string, ParsedLayer>();
  const place = () => {
    for (const [entry, parsed] of unplaced) {
      const pos = positionOf(locator, entry);
      if (pos === null) continue;
      unplaced.delete(entry);
      const diffId = diffIds[pos];
      parsed.data.diffId = diffId;
      if (parsed.compression === 'none') parsed.blobDigest = diffId;
      else if (!parsed.blobDigest) parsed.blobDigest = digestFromPath(entry) ?? '';
      for (const i of positions.get(diffId) ?? []) fillFromParsed(img, i, parsed);
      opts.cache?.put(parsed.data, img.analysis.table);
      if (!asm.has(diffId)) asm.provide(diffId, parsed.data);
    }
  };
  return { unplaced, place };
}

/** The layer position of an export entry (or of an entry linking to it), when known by now. */
function positionOf(locator: ExportLocator, entry: string): number | null {
  for (const alias of locator.aliases(entry)) {
    const pos = locator.position(alias);
    if (pos !== null) return pos;
  }
  return null;
}

/**
 * Reads the export into the assembler; returns the config's text when the export held it (for
 * the cache's image record). Throws when a layer is missing from the export.
 */
export async function readExport(
  img: LoadedImage,
  engine: Engine,
  target: ExportTarget,
  asm: Assembler,
  opts: LoadOptions,
  settings: SourceSettings,
  emit: LoadListener,
): Promise<string | null> {
  const { name, imageId, diffIds } = target;
  let stream: Readable;
  try {
    stream = await engine.export(imageId, opts.platform);
  } catch (err) {
    if (err instanceof StrataError && err.exitCode === EXIT_INPUT)
      throw new StrataError(`image ${name} was removed while reading it`, EXIT_ENGINE);
    throw err;
  }
  // Kept on disk (off the load's path) so that file views later read a range of it.
  const expected = img.layers.reduce((n, l) => n + (l.progress.expectedBytes ?? 0), 0);
  const kept = opts.keepExport ? keepExport(img, stream, expected, settings) : { finish: () => {} };
  // Blobs are identified by where they sit in the export, not by hashing them (ExportLocator).
  const locator = new ExportLocator(diffIds, imageId);
  const { unplaced, place } = placer(img, target, locator, asm, opts);
  let configText: string | null = null;
  const onConfig = (entry: string, doc: Buffer) => {
    // The config: named after the image id (legacy "<hex>.json", "blobs/sha256/<hex>"), or
    // on the containerd store recognised by its diff_ids.
    const digest = digestFromPath(entry);
    if (digest === null || (digest !== imageId && digest !== locator.configDigest)) return;
    let cfg: ImageConfigDoc;
    try {
      cfg = JSON.parse(doc.toString('utf8')) as ImageConfigDoc;
    } catch {
      return; // A broken config is reported by the resolution below.
    }
    // Fields of the wrong type: the Engine's failure, one line naming the field.
    checkConfig(cfg, engine.fields(`the export of ${name} (its config ${digest})`));
    configText = doc.toString('utf8');
    applyHistory(img, cfg.history);
    emit({ type: 'meta' });
  };
  cancelWith(opts.signal, stream);
  stream.on('aborted', () => stream.destroy(new Error('ECONNRESET')));
  const watch = watchStall(stream, settings);
  let contents: OuterContents;
  try {
    // A deep read-ahead buffer: the daemon keeps writing while a layer is being parsed, so the
    // export (the part the user waits for) is never held back by our analysis.
    const readAhead = new PassThrough({ highWaterMark: settings.readAheadBytes });
    stream.on('error', (err: Error) => readAhead.destroy(err));
    contents = await readOuterTar(stream.pipe(readAhead), img.analysis.table, `export of ${name}`, {
      digests: false,
      maxTarBytes: settings.maxLayerBytes,
      onLayerProgress: (entry, p) => {
        // Attribute the bytes to a layer as soon as the blob's place is known.
        const pos = positionOf(locator, entry);
        noteStream(img, entry, p, pos);
        emit({ type: 'progress', layer: pos, name: entry });
      },
      onLayer: (entry, parsed) => {
        unplaced.set(entry, parsed);
        place();
      },
      onLink: (entry, linkTarget) => {
        locator.noteLink(entry, linkTarget);
        place();
      },
      onJson: (entry, doc) => {
        locator.noteJson(entry, doc);
        place();
        onConfig(entry, doc);
      },
    });
  } catch (err) {
    checkCancelled(opts.signal);
    throw exportFailure(err, engine, name, watch.stalled());
  }
  applyDescriptors(img, contents, configText !== null);
  const missing = asm.missing();
  if (missing.length > 0) {
    throw new StrataError(`the export of ${name} lacks layer(s) ${missing.join(', ')}`, EXIT_ENGINE);
  }
  kept.finish();
  return configText;
}

/** Descriptors (blob digests, media types) and, when no config passed, the history, from the export. */
function applyDescriptors(img: LoadedImage, contents: OuterContents, configSeen: boolean): void {
  try {
    const resolved = resolveImage(outerDocStore(contents), {}, (n) => resolveLink(contents, n));
    resolved.layers.forEach((r, i) => {
      const l = img.layers[i];
      if (!l) return;
      if (r.blobDigest) l.blobDigest = r.blobDigest;
      if (r.mediaType) l.mediaType = r.mediaType;
    });
    if (!configSeen) applyHistory(img, resolved.config.history);
  } catch (err) {
    img.warnings.push(`could not read the export's manifest: ${(err as Error).message}`);
  }
}
