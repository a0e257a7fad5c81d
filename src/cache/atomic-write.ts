/**
 * The cache's writes: whole files through a temporary sibling renamed into place, and the names of
 * the temporaries, so that the ones a killed writer left behind can be swept.
 */
import fs from 'node:fs';
import path from 'node:path';

/** `<name>.<pid>.<random>.tmp`, as written by writeAtomicBuffer. */
export const TMP_RE = /\.(\d+)\.[a-z0-9]+\.tmp$/;

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function writeAtomicBuffer(file: string, buf: Buffer): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    const fd = fs.openSync(tmp, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL, 0o600);
    try {
      fs.writeFileSync(fd, buf);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
  } catch (err) {
    // Disk full, read-only, a directory in the way: never leave the partial temporary behind.
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}
