/**
 * The cache's trust checks (the checksum alone proves no origin: anyone who can write an entry can
 * recompute it): its directories must belong to the user and be writable by no one else (ssh's rule
 * for its own files), and its HMAC key must be the user's own, readable by no one else.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

const KEY_BYTES = 32;

/** The cache's directories or key fail the trust checks (the message says which, in one line). */
export class UntrustedCache extends Error {}

/**
 * A directory of the cache: made (mode 0700) when missing, then checked like ssh checks its files:
 * a directory (a symlink is followed, its target checked), owned by the user, writable by no one else.
 */
function checkDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const st = fs.statSync(dir);
  if (!st.isDirectory()) throw new UntrustedCache(`${dir} is not a directory`);
  checkOwner(dir, st);
}

const modeText = (st: fs.Stats): string => (st.mode & 0o7777).toString(8).padStart(4, '0');

function checkOwner(p: string, st: fs.Stats): void {
  const uid = process.getuid?.();
  if (uid !== undefined && st.uid !== uid) {
    throw new UntrustedCache(`${p} belongs to uid ${st.uid}, not to the user (uid ${uid})`);
  }
  if (st.mode & 0o022) {
    const who = (st.mode & 0o022) === 0o022 ? 'its group and others' : st.mode & 0o020 ? 'its group' : 'others';
    throw new UntrustedCache(`${p} is writable by ${who} (mode ${modeText(st)}; chmod go-w ${p})`);
  }
}

/**
 * Checks the cache root and its versioned directory (and the entry directories that exist), then
 * reads the HMAC key, making it (O_EXCL, 0600) when there is none. Throws UntrustedCache for a
 * failed check; any other error (a read-only or missing location) only disables the cache.
 */
export function openTrusted(root: string, dir: string): Buffer {
  checkDir(root);
  checkDir(dir);
  for (const kind of ['layers', 'images']) {
    const d = path.join(dir, kind);
    let st: fs.Stats;
    try {
      st = fs.lstatSync(d);
    } catch {
      continue;
    }
    if (!st.isDirectory()) throw new UntrustedCache(`${d} is not a directory`);
    checkOwner(d, st);
  }
  const file = path.join(dir, 'key');
  for (let attempt = 0; ; attempt++) {
    let fd: number;
    try {
      fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ELOOP') throw new UntrustedCache(`${file} is a symlink`);
      if (code !== 'ENOENT' || attempt > 0) throw err;
      // Written whole to a temporary file, then linked into place: another process sees either
      // no key or the whole key, and of two racing writers the first link wins.
      const tmp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
      try {
        const { O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW } = fs.constants;
        const w = fs.openSync(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o600);
        try {
          fs.writeFileSync(w, randomBytes(KEY_BYTES));
        } finally {
          fs.closeSync(w);
        }
        fs.linkSync(tmp, file);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      } finally {
        fs.rmSync(tmp, { force: true });
      }
      continue;
    }
    try {
      const st = fs.fstatSync(fd);
      if (!st.isFile()) throw new UntrustedCache(`${file} is not a regular file`);
      checkOwner(file, st);
      if (st.mode & 0o077) {
        throw new UntrustedCache(`${file} can be read by others (mode ${modeText(st)}; chmod 600 ${file})`);
      }
      const key = fs.readFileSync(fd);
      if (key.length !== KEY_BYTES) throw new UntrustedCache(`${file} does not hold a ${KEY_BYTES}-byte key`);
      return key;
    } finally {
      fs.closeSync(fd);
    }
  }
}
