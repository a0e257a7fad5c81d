/**
 * Save one file version to a path the user chose. The target is decided only by the user: `-o OUT`
 * (a file, or an existing directory to put the file in), else the current directory; the file is
 * named after the last component of the path the user asked for (`FileVersion.name`), never after a
 * hard link's target or any other name found in the image. Nothing follows a symlink: a destination
 * that is a symlink is refused; bytes land in a temporary sibling created with O_EXCL | O_NOFOLLOW
 * and are renamed over the target only once complete and of the expected size, so an interrupted
 * extraction never leaves a half-written file, and a symlink planted meanwhile is replaced, not
 * followed.
 */
import fs from 'node:fs';
import os from 'node:os';
import { pipeline } from 'node:stream/promises';
import path from 'node:path';
import { Writable } from 'node:stream';
import { StrataError, EXIT_INPUT } from '../errors.js';
import { displayName, nameBytes, nameFromText } from '../model/names.js';
import { readVersion, type FileVersion } from './read-back.js';
import type { ReadOptions } from './scan-layer.js';
import type { LoadedImage } from '../model/image.js';
import { createTemp } from '../fs/atomic-write.js';

/** A file path as its exact bytes (`bytes`, for the file system) and as text for a face (`shown`). */
export interface OutputPath {
  bytes: Buffer;
  shown: string;
}

function outputPath(name: string): OutputPath {
  return { bytes: nameBytes(name), shown: displayName(name) };
}

function lstatOrNull(p: Buffer): fs.Stats | null {
  try {
    return fs.lstatSync(p);
  } catch {
    return null;
  }
}

/**
 * Where `name` (the requested path, a byte string) is saved: `output` (text the user typed) when it
 * names a file, `output/BASE` when it is an existing directory, `./BASE` without it, BASE being the
 * last component of `name`. A destination that is a symlink is refused.
 */
export function targetPath(name: string, output: string | undefined): OutputPath {
  const base = path.posix.basename(name);
  const baseOk = base !== '' && base !== '.' && base !== '..' && !base.includes('\0');
  const inDir = (dir: string): OutputPath => {
    if (!baseOk) {
      throw new StrataError(`cannot name an output file after ${displayName(name)}; give -o FILE`, EXIT_INPUT);
    }
    return outputPath(nameFromText(dir) + (dir.endsWith('/') ? '' : '/') + base);
  };
  if (output === undefined) return inDir(path.resolve('.'));
  const out = path.resolve(output);
  const st = lstatOrNull(Buffer.from(out));
  if (st?.isSymbolicLink()) {
    const why = 'not writing through it (name a file or directory that is not a link)';
    throw new StrataError(`${displayName(nameFromText(out))} is a symbolic link: ${why}`, EXIT_INPUT);
  }
  return st?.isDirectory() ? inDir(out) : outputPath(nameFromText(out));
}

/** Saves the version where the user chose (`-` for stdout); returns the path written, as text. */
export async function extractTo(
  img: LoadedImage,
  version: FileVersion,
  output: string | undefined,
  opts: ReadOptions = {},
): Promise<string> {
  if (output === '-') {
    // An Engine export may offer several candidate copies (one per layer holding the path) before
    // the right one is known: stage in a private directory, then copy the right one out.
    const stage = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-extract-'));
    try {
      const staged = { ...version, name: 'file' };
      await extractTo(img, staged, stage, { settings: opts.settings });
      await pipeline(fs.createReadStream(path.join(stage, 'file')), process.stdout, { end: false });
    } finally {
      fs.rmSync(stage, { recursive: true, force: true });
    }
    return 'stdout';
  }
  const target = targetPath(version.name, output);
  const slash = target.bytes.lastIndexOf(0x2f);
  const dir = target.bytes.subarray(0, Math.max(1, slash));
  const dirSt = lstatOrNull(dir);
  if (!dirSt || !fs.statSync(dir).isDirectory()) {
    throw new StrataError(`no such directory: ${displayName(dir.toString('latin1'))}`, EXIT_INPUT);
  }
  const existing = lstatOrNull(target.bytes);
  if (existing?.isSymbolicLink()) {
    throw new StrataError(`${target.shown} is a symbolic link: not writing through it`, EXIT_INPUT);
  }
  if (existing?.isDirectory()) throw new StrataError(`${target.shown} is a directory`, EXIT_INPUT);
  const temps: Buffer[] = [];
  let current: Buffer | null = null;
  let written = 0;
  const cleanup = () => {
    for (const t of temps.splice(0)) fs.rmSync(t, { force: true });
  };
  try {
    await readVersion(
      img,
      version,
      () => {
        // The temporary name is ours (the target's bytes kept out of it, so its length cannot overflow).
        const { path: tmp, fd } = createTemp(dir, 'strata', 0o644);
        current = tmp;
        temps.push(tmp);
        written = 0;
        return new Writable({
          write(chunk: Buffer, _e, cb) {
            written += chunk.length;
            fs.write(fd, chunk, (err) => cb(err));
          },
          final(cb) {
            fs.close(fd, cb);
          },
          destroy(err, cb) {
            fs.close(fd, () => cb(err));
          },
        });
      },
      () => {
        if (current) fs.rmSync(current, { force: true });
        current = null;
      },
      opts,
    );
    const done = current as Buffer | null;
    if (!done || written !== version.size) {
      const what = `extraction of ${displayName(version.name)}`;
      throw new StrataError(`${what} came out at ${written} B, expected ${version.size} B`, EXIT_INPUT);
    }
    // rename() replaces whatever is at the target (a symlink included) without following it.
    fs.renameSync(done, target.bytes);
    temps.splice(temps.indexOf(done), 1);
    return target.shown;
  } finally {
    cleanup();
  }
}
