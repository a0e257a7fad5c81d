/**
 * Save one file version to a path the user chose. The target is decided only by the user's
 * `-o` (or the current directory plus the file's base name); names and links inside the image
 * never choose where bytes go. Bytes land in a temporary sibling opened with O_EXCL and are renamed
 * over the target only once complete and of the expected size, so an interrupted extraction never
 * leaves a half-written file, and a symlink at the target is replaced, never followed.
 */
import fs from 'node:fs';
import os from 'node:os';
import { pipeline } from 'node:stream/promises';
import path from 'node:path';
import { Writable } from 'node:stream';
import { StrataError, EXIT_INPUT } from '../errors.js';
import { readVersion, type FileVersion } from '../sources/file-content.js';
import { displayName } from '../model/names.js';
import type { LoadedImage } from '../sources/image.js';

export function targetPath(version: FileVersion, output: string | undefined): string {
  // A name is bytes; the file is named by its display form (the same text for a UTF-8 name).
  const base = displayName(path.posix.basename(version.path));
  if (base === '' || base === '.' || base === '..' || base.includes('\0')) throw new StrataError(`cannot name an output file after ${JSON.stringify(version.path)}; give -o`, EXIT_INPUT);
  if (output === undefined) return path.resolve(base);
  const out = path.resolve(output);
  let st: fs.Stats | null = null;
  try {
    st = fs.statSync(out);
  } catch {
    st = null;
  }
  return st?.isDirectory() ? path.join(out, base) : out;
}

export async function extractTo(img: LoadedImage, version: FileVersion, output: string | undefined): Promise<string> {
  if (output === '-') {
    // An Engine export may offer several candidate copies (one per layer holding the path) before
    // the right one is known: stage in a private directory, then copy the right one out.
    const stage = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-extract-'));
    try {
      const file = await extractTo(img, version, stage);
      await pipeline(fs.createReadStream(file), process.stdout, { end: false });
    } finally {
      fs.rmSync(stage, { recursive: true, force: true });
    }
    return 'stdout';
  }
  const target = targetPath(version, output);
  const dir = path.dirname(target);
  if (!fs.existsSync(dir)) throw new StrataError(`no such directory: ${dir}`, EXIT_INPUT);
  const temps: string[] = [];
  let current: string | null = null;
  let written = 0;
  const cleanup = () => {
    for (const t of temps.splice(0)) fs.rmSync(t, { force: true });
  };
  try {
    await readVersion(
      img,
      version,
      () => {
        current = path.join(dir, `.${path.basename(target)}.strata-${process.pid}-${temps.length}.tmp`);
        temps.push(current);
        written = 0;
        const fd = fs.openSync(current, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL, 0o644);
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
    );
    if (!current || written !== version.size) throw new StrataError(`extraction of ${version.path} came out at ${written} B, expected ${version.size} B`, EXIT_INPUT);
    fs.renameSync(current, target);
    temps.splice(temps.indexOf(current), 1);
    return target;
  } finally {
    cleanup();
  }
}
