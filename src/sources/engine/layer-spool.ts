/**
 * The layer spool of an Engine image: its layer tars on disk, by diff_id, in a private directory
 * (mode 0700, removed at exit, bounded by the cache's size cap). Made by one export of the image on
 * the first read that needs it, or from the export the load kept (kept-export.ts).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Writable, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createHash } from 'node:crypto';
import tar from 'tar-stream';
import { decoderFor, looksLikeJson, peek, sniffCompression } from '../../archive/decode.js';
import { drain } from '../../archive/layer-parser.js';
import type { LoadedImage } from '../../model/image.js';
import type { ReadProgress } from '../scan-layer.js';
import type { Engine } from './client.js';

/** A layer tar on disk: a whole file, or a byte range of a kept export. */
export interface SpoolFile {
  file: string;
  start: number;
  /** Exclusive; Infinity for the whole file. */
  end: number;
}

export interface Spool {
  dir: string;
  /** diff_id -> spooled tar (uncompressed or as exported). */
  files: Map<string, SpoolFile>;
}

/** Each image's spool, once one is made or being made (a kept export counts). */
export const spools = new WeakMap<LoadedImage, Promise<Spool>>();
/** Who waits on a spool being made (every reader sees its progress, not only the first). */
const spoolWatchers = new WeakMap<LoadedImage, Set<ReadProgress>>();
const spoolDirs = new Set<string>();
let exitHook = false;

export function newSpoolDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-layers-'));
  fs.chmodSync(dir, 0o700);
  spoolDirs.add(dir);
  if (!exitHook) {
    exitHook = true;
    process.once('exit', () => {
      for (const d of spoolDirs) fs.rmSync(d, { recursive: true, force: true });
    });
  }
  return dir;
}

/** One export of the image, every layer tar kept on disk (up to the cap) by diff_id. */
async function makeSpool(img: LoadedImage, engine: Engine, imageId: string, cap: number): Promise<Spool> {
  const progress = (text: string) => {
    for (const w of spoolWatchers.get(img) ?? []) w(text);
  };
  const dir = newSpoolDir();
  const spool: Spool = { dir, files: new Map() };
  const wanted = new Set(img.layers.map((l) => l.diffId));
  let kept = 0;
  let read = 0;
  let n = 0;
  const outer = await engine.export(imageId);
  const extract = tar.extract();
  extract.on('error', () => {});
  extract.on('entry', (header, entry, next) => {
    entry.on('error', () => {});
    const size = header.size ?? 0;
    if (header.type !== 'file' || size < 1024 || kept + size > cap) {
      drain(entry as unknown as Readable).then(() => next(), next);
      return;
    }
    (async () => {
      const { head, stream: body } = await peek(entry as unknown as AsyncIterable<Buffer>, 512);
      if (looksLikeJson(head)) return drain(body);
      const tmp = path.join(dir, `blob-${n++}`);
      const decoder = decoderFor(sniffCompression(head));
      const hash = createHash('sha256');
      const out = fs.createWriteStream(tmp, { mode: 0o600 });
      const tee = async function* (src: AsyncIterable<Buffer>) {
        for await (const c of src) {
          read += c.length;
          progress(`exporting the image once to read older versions: ${Math.round(read / 1048576)} MB read`);
          yield c;
        }
      };
      // Kept as exported; hashed after decompression to learn its diff_id.
      const hashing = new Writable({
        write(c: Buffer, _e, cb) {
          hash.update(c);
          cb();
        },
      });
      const raw = tee(body);
      if (decoder) {
        const split = new PassThrough();
        const toFile = pipeline(split, out);
        const toHash = pipeline(split.pipe(decoder), hashing);
        await pipeline(raw, async function* (src) {
          for await (const c of src) {
            if (!split.write(c)) await new Promise((r) => split.once('drain', r));
          }
          split.end();
        });
        await Promise.all([toFile, toHash]);
      } else {
        await pipeline(
          raw,
          async function* (src) {
            for await (const c of src) {
              hash.update(c);
              yield c;
            }
          },
          out,
        );
      }
      const diffId = `sha256:${hash.digest('hex')}`;
      if (wanted.has(diffId) && !spool.files.has(diffId)) {
        const file = path.join(dir, diffId.slice(7));
        fs.renameSync(tmp, file);
        spool.files.set(diffId, { file, start: 0, end: Infinity });
        kept += size;
      } else fs.rmSync(tmp, { force: true });
    })().then(() => next(), next);
  });
  await pipeline(outer, extract);
  return spool;
}

/**
 * The spool of this image (one export, shared by every read); a failed export is not kept.
 * `progress` hears of the export until the spool is made.
 */
export async function spoolOf(
  img: LoadedImage,
  engine: Engine,
  imageId: string,
  cap: number,
  progress?: ReadProgress,
): Promise<Spool> {
  if (progress) {
    if (!spoolWatchers.has(img)) spoolWatchers.set(img, new Set());
    spoolWatchers.get(img)!.add(progress);
  }
  try {
    let p = spools.get(img);
    if (!p) {
      p = makeSpool(img, engine, imageId, cap);
      spools.set(img, p);
      p.catch(() => spools.delete(img));
    }
    return await p;
  } finally {
    if (progress) spoolWatchers.get(img)?.delete(progress);
  }
}
