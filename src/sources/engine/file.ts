/**
 * Reading one file of an Engine image without exporting the whole image each time.
 *
 * - The version the final image shows: a container is created from the image (never started, no
 *   network), `GET /containers/{id}/archive?path=P` answers a tar holding P under its base name,
 *   and the container is removed (with its anonymous volumes) at once. The query carries the
 *   path's bytes percent-encoded, so names that are not UTF-8 are asked for exactly.
 * - Any other version: the first such read exports the image once and keeps every layer tar in a
 *   private spool directory (layer-spool.ts), or finds it in the export the load kept
 *   (kept-export.ts); later reads scan only the spooled tar of the layer that holds the bytes.
 * - Neither (or with STRATA_ENGINE_FILE_READ=export, `settings.engineFileRead`): one whole export
 *   is scanned per read.
 * Every answer is checked against the analysis (the entry's size): an answer that does not match
 * falls back to reading the layer's own tar.
 */
import fs from 'node:fs';
import { Writable, type Readable } from 'node:stream';
import { normalisePath } from '../../model/path-table.js';
import type { LoadedImage } from '../../model/image.js';
import { StrataError, EXIT_INPUT } from '../../errors.js';
import { settingsOf } from '../loader.js';
import { scanLayer, scanOuter, type ReadOptions, type ReadTarget, type VersionPlace } from '../scan-layer.js';
import type { SourceSettings } from '../settings.js';
import { Engine } from './client.js';
import { describeEngineError } from './engine-errors.js';
import { containerArchive } from './container.js';
import { spoolOf, spools } from './layer-spool.js';

/** Where the bytes of a read came from (for tests and the benchmark). */
export type EngineReadRoute = 'container' | 'spool' | 'export';

/** Files the Engine manages itself in a container, and so may not be the image's. */
const ENGINE_MANAGED = new Set(['/etc/hosts', '/etc/hostname', '/etc/resolv.conf']);

/**
 * Percent-encodes each byte of a name: a byte string's chars are its bytes; a name holding chars
 * beyond one byte is text, and is sent as its UTF-8 bytes.
 */
export function encodeBytes(name: string): string {
  // eslint-disable-next-line no-control-regex
  const bytes = Buffer.from(name, /[^\u0000-\u00ff]/.test(name) ? 'utf8' : 'latin1');
  let out = '';
  for (const c of bytes) {
    const ch = String.fromCharCode(c);
    out += /[A-Za-z0-9\-._~/]/.test(ch) ? ch : `%${c.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** True when the final image shows exactly this version at `version.name`. */
function isFinal(img: LoadedImage, v: VersionPlace): boolean {
  const a = img.analysis;
  const top = img.layers.length - 1;
  const p = a.table.lookup(v.name);
  if (p < 0) return false;
  let last = -1;
  for (let ev = a.firstEvent(p); ev >= 0; ev = a.eventNext(ev)) if (a.eventLayer(ev) <= top) last = ev;
  if (last < 0) return false;
  // The name's own last event is the version asked for, or a hard link to its inode.
  const layer = a.eventLayer(last);
  const entry = a.eventEntry(last);
  if (layer === v.layer && entry === v.entry) return true;
  const ino = a.inodeOf(layer, entry);
  return ino !== null && ino === a.inodeOf(v.layer, v.entry);
}

function underVolume(img: LoadedImage, name: string): boolean {
  const p = normalisePath(name).path;
  const abs = p.startsWith('/') ? p : `/${p}`;
  if (ENGINE_MANAGED.has(abs)) return true;
  for (const vol of Object.keys(img.meta.config.Volumes ?? {})) {
    const v = vol.replace(/\/+$/, '');
    if (abs === v || abs.startsWith(`${v}/`)) return true;
  }
  return false;
}

/** A tar of `name` from a created, never started container of the image. */
async function archiveOf(
  engine: Engine,
  imageId: string,
  name: string,
): Promise<{ stream: Readable; done: () => Promise<void> }> {
  let container: { id: string; remove(o: object): Promise<unknown> };
  try {
    container = await engine.docker.createContainer({
      Image: imageId,
      // Never started: the entrypoint only has to satisfy create for images without a command.
      Entrypoint: ['/strata-file-read'],
      Cmd: [],
      NetworkDisabled: true,
      Labels: { 'io.strata.purpose': 'file read (never started)' },
    });
  } catch (err) {
    throw describeEngineError(err, engine.endpoint);
  }
  const done = async () => {
    await container.remove({ force: true, v: true }).catch(() => {});
  };
  const abs = name.startsWith('/') ? name : `/${name}`;
  try {
    const stream = await new Promise<Readable>((resolve, reject) => {
      engine.docker.modem.dial(
        {
          // docker-modem drops the last character of a path with a query and no options: the '&'.
          path: `/containers/${container.id}/archive?path=${encodeBytes(abs)}&`,
          method: 'GET',
          isStream: true,
          statusCodes: { 200: true, 400: 'bad parameter', 404: 'no such file', 500: 'server error' },
        } as never,
        (err: unknown, s: unknown) =>
          err ? reject(describeEngineError(err, engine.endpoint)) : resolve(s as Readable),
      );
    });
    return { stream, done };
  } catch (err) {
    await done();
    throw err;
  }
}

/** Counts what reaches the sink, so that an answer of the wrong size can be thrown away. */
function counted(
  sink: () => Writable,
  discard: () => void,
): { make: () => Writable; bytes: () => number; drop: () => void } {
  let n = 0;
  let made = false;
  return {
    make: () => {
      made = true;
      const inner = sink();
      return new Writable({
        write(chunk: Buffer, _e, cb) {
          n += chunk.length;
          inner.write(chunk, cb);
        },
        final(cb) {
          inner.end(cb);
        },
        destroy(err, cb) {
          inner.destroy(err ?? undefined);
          cb(err);
        },
      });
    },
    bytes: () => n,
    drop: () => {
      if (made) discard();
      made = false;
      n = 0;
    },
  };
}

/**
 * Whether a read may export once and keep the layer tars (an interactive session, where more
 * reads follow); a one-off read (`--extract`) scans one export instead.
 */
let spoolOnDemand = false;
export function keepLayerTarsOnDemand(on = true): void {
  spoolOnDemand = on;
}

/** The final version from a created container, checked against the analysis; false when it cannot. */
async function readFromContainer(
  engine: Engine,
  imageId: string,
  version: VersionPlace,
  c: ReturnType<typeof counted>,
): Promise<boolean> {
  let got: Awaited<ReturnType<typeof archiveOf>> | null = null;
  try {
    got = await archiveOf(engine, imageId, version.name);
  } catch {
    // A name the Engine cannot find or a refused create: the layer's own tar below.
  }
  if (!got) return false;
  try {
    const base = version.name.slice(version.name.lastIndexOf('/') + 1);
    const { found } = await scanLayer(got.stream as unknown as AsyncIterable<Buffer>, base, c.make, c.drop);
    return found && c.bytes() === version.size;
  } catch {
    return false; // Falls back to the layer's own tar below.
  } finally {
    await got.done();
  }
}

/**
 * Reads `version` of an Engine image. Returns the route taken, or null when neither fast route
 * could answer (the caller then falls back to scanning a fresh export).
 */
export async function readEngineVersion(
  img: LoadedImage,
  imageId: string,
  engineKind: 'docker' | 'podman',
  version: VersionPlace,
  sink: () => Writable,
  discard: () => void,
  opts: ReadOptions = {},
): Promise<EngineReadRoute | null> {
  const { progress, settings = settingsOf(img) } = opts;
  // STRATA_ENGINE_FILE_READ=export: the old route, one export per read (the benchmark's baseline).
  if (settings.engineFileRead === 'export') return null;
  const engine = await Engine.connect(engineKind);
  const c = counted(sink, discard);
  if (isFinal(img, version) && !underVolume(img, version.name)) {
    progress?.('reading the file from a created container…');
    if (await readFromContainer(engine, imageId, version, c)) return 'container';
    c.drop();
  }
  if (!spools.has(img) && !spoolOnDemand) return null;
  const spool = await spoolOf(img, engine, imageId, settings.spoolMaxBytes, progress);
  const file = spool.files.get(img.layers[version.layer].diffId);
  if (!file) return null;
  const range = file.end === Infinity ? { start: file.start } : { start: file.start, end: file.end - 1 };
  const { found } = await scanLayer(fs.createReadStream(file.file, range), version.path, c.make, c.drop);
  if (found && c.bytes() === version.size) return 'spool';
  c.drop();
  return null;
}

/**
 * Starts the layer spool of an Engine image in the background (the file view calls it once a
 * first file is shown), so that older versions read later answer at once. Errors are dropped: a
 * read that needs the spool tries again itself.
 */
export function prefetchOlderVersions(img: LoadedImage, settings: SourceSettings = settingsOf(img)): void {
  const o = img.origin;
  if (o.kind !== 'engine' || spools.has(img) || settings.engineFileRead === 'export') return;
  Engine.connect(o.engine).then(
    (engine) => spoolOf(img, engine, o.imageId, settings.spoolMaxBytes).catch(() => {}),
    () => {},
  );
}

/**
 * The read-back of an Engine image: a container's own layer from the container, else the fast
 * routes above, else one whole export scanned for the layer.
 */
export async function readEngineFile(
  img: LoadedImage,
  version: VersionPlace,
  target: ReadTarget,
  opts: ReadOptions,
): Promise<boolean> {
  const o = img.origin;
  if (o.kind !== 'engine') throw new StrataError('not an Engine image', EXIT_INPUT);
  const { sink, discard } = target;
  if (o.container && version.layer === o.container.layer) {
    // GET /containers/{id}/archive?path=P answers a tar holding P under its base name.
    const engine = await Engine.connect(o.engine);
    let archive: Readable;
    try {
      archive = await containerArchive(engine, o.container.id, version.path);
    } catch (err) {
      throw describeEngineError(err, engine.endpoint);
    }
    const base = version.path.slice(version.path.lastIndexOf('/') + 1);
    return (await scanLayer(archive, base, sink, discard)).found;
  }
  if (await readEngineVersion(img, o.imageId, o.engine, version, sink, discard, opts)) return true;
  opts.progress?.('exporting the image to read this file…');
  const engine = await Engine.connect(o.engine);
  const wanted = { location: null, diffId: img.layers[version.layer].diffId };
  return scanOuter(await engine.export(o.imageId), wanted, version.path, sink, discard);
}
