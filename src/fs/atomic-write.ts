/**
 * Writing a file so that no reader ever sees half of it, and nothing is written through a link.
 *
 * Bytes go to a temporary sibling of the target, created with O_EXCL | O_NOFOLLOW (a file or a
 * link already at that name is refused, never opened), and are renamed over the target once
 * complete: rename() replaces whatever is at the target, a symlink included, without following it.
 * A failed write removes its temporary. A temporary is named `.BASE.PID.TOKEN.tmp` after its
 * writer, so that one left by a killed writer (SIGKILL, power loss) is recognised and swept once
 * that process is gone (sweepDeadTemps).
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

/** A temporary sibling being written: its path (bytes, for names that are not UTF-8) and descriptor. */
export interface TempFile<P extends string | Buffer = string> {
  path: P;
  fd: number;
}

/** The name of a temporary for `base` written by this process: `.BASE.PID.TOKEN.tmp` (TOKEN: digits). */
export function tempName(base: string): string {
  return `.${base}.${process.pid}.${randomBytes(6).readUIntBE(0, 6)}.tmp`;
}

/** The writer's pid of a temporary named by tempName (or `NAME.PID.TOKEN.tmp`), else null. */
export function tempOwner(name: string): number | null {
  const m = /\.(\d+)\.[a-z0-9]+\.tmp$/.exec(name);
  return m ? Number(m[1]) : null;
}

/**
 * Creates a fresh temporary in `dir` (a path, or its bytes) for a target named `base`: O_EXCL and
 * O_NOFOLLOW, so an existing file or a planted link at its name makes it fail rather than be used.
 */
export function createTemp<P extends string | Buffer>(
  dir: P,
  base: string,
  mode: number,
  name = tempName(base),
): TempFile<P> {
  const p = (typeof dir === 'string' ? path.join(dir, name) : Buffer.concat([dir, Buffer.from(`/${name}`)])) as P;
  const { O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW } = fs.constants;
  return { path: p, fd: fs.openSync(p, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, mode) };
}

export interface AtomicWriteOptions {
  /** The new file's mode (default 0o644). */
  mode?: number;
  /** Flush the bytes to the disk before the rename (default false). */
  fsync?: boolean;
  /** Make the target's directory (with this mode) when it is missing; by default a missing one fails. */
  dirMode?: number;
}

/**
 * Up to this many characters (or bytes) are gathered before the temporary is created, so a usual
 * file is one write and one rename and the window in which a kill leaves a temporary is tiny;
 * larger contents stream through the temporary.
 */
const IN_MEMORY = 32 * 1024 * 1024;

/** Writes `chunks` to `file` atomically (see the top of this file). Errors are thrown as they come. */
export function writeFileAtomic(
  file: string,
  chunks: Iterable<string | Uint8Array>,
  opts: AtomicWriteOptions = {},
): void {
  const dir = path.dirname(path.resolve(file));
  if (opts.dirMode !== undefined) fs.mkdirSync(dir, { recursive: true, mode: opts.dirMode });
  const it = chunks[Symbol.iterator]();
  const head: (string | Uint8Array)[] = [];
  let gathered = 0;
  let r = it.next();
  for (; !r.done && gathered < IN_MEMORY; r = it.next()) {
    head.push(r.value);
    gathered += r.value.length;
  }
  let tmp: TempFile | null = null;
  try {
    tmp = createTemp(dir, path.basename(file), opts.mode ?? 0o644);
    try {
      if (head.every((c) => typeof c === 'string')) fs.writeFileSync(tmp.fd, head.join(''));
      else for (const c of head) fs.writeFileSync(tmp.fd, c);
      for (; !r.done; r = it.next()) fs.writeFileSync(tmp.fd, r.value);
      if (opts.fsync) fs.fsyncSync(tmp.fd);
    } finally {
      fs.closeSync(tmp.fd);
    }
    fs.renameSync(tmp.path, file);
  } catch (err) {
    // Disk full, read-only, a directory in the way: never leave the partial temporary behind.
    if (tmp) fs.rmSync(tmp.path, { force: true });
    throw err;
  }
}

function processGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    // EPERM: the process exists but is another user's.
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * Removes the temporaries in `dir` whose writer is gone: all of them, or with `base` only those of
 * that target (a directory that is not ours holds other programs' files). Never fails.
 */
export function sweepDeadTemps(dir: string, base?: string): void {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return;
  }
  const prefix = base === undefined ? '' : `.${base}.`;
  for (const n of names) {
    if (!n.startsWith(prefix)) continue;
    const pid = tempOwner(n);
    if (pid === null || pid === process.pid || !processGone(pid)) continue;
    try {
      fs.rmSync(path.join(dir, n), { force: true });
    } catch {
      // raced with another sweeper
    }
  }
}
