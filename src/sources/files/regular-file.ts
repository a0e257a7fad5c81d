/**
 * Opening input files without blocking and without reading what is not a file: an archive or a
 * layout blob must be a regular file. A FIFO would block the open (and then the read) forever, and
 * a device such as /dev/zero reads without end, so both are refused with one line (exit 2).
 *
 * The check runs twice: stat before the open (so nothing with side effects on open is opened), and
 * fstat of the open descriptor (so a path swapped between the two is caught). The open itself uses
 * O_NONBLOCK, which a FIFO honours and a regular file ignores.
 *
 * Inside an OCI layout (`within`), a blob may be a symlink to a regular file inside the layout (as
 * some tools write for shared blobs); a symlink that leads out of the layout is refused.
 */
import fs from 'node:fs';
import path from 'node:path';
import { StrataError, EXIT_INPUT } from '../../errors.js';

function kindOf(st: fs.Stats): string {
  if (st.isDirectory()) return 'directory';
  if (st.isFIFO()) return 'FIFO (named pipe)';
  if (st.isCharacterDevice()) return 'character device';
  if (st.isBlockDevice()) return 'block device';
  if (st.isSocket()) return 'socket';
  return 'special file';
}

function errnoText(err: unknown): string {
  return (err as NodeJS.ErrnoException)?.code ?? (err as Error)?.message ?? String(err);
}

/** The path a file input really names: its real path, refused when it leaves `within`. */
export function checkedPath(file: string, what: string, within?: string): string {
  if (!within) return file;
  let real: string;
  let root: string;
  try {
    root = fs.realpathSync(within);
    real = fs.realpathSync(file);
  } catch (err) {
    throw new StrataError(`cannot read ${what}: ${errnoText(err)}`, EXIT_INPUT);
  }
  if (real !== root && !real.startsWith(root + path.sep)) {
    throw new StrataError(`${what} is a symlink that leads out of the layout (to ${real})`, EXIT_INPUT);
  }
  return real;
}

/** Opens a regular file for reading, never blocking; returns its descriptor and size. */
export function openRegularFile(file: string, what: string, within?: string): { fd: number; size: number } {
  const p = checkedPath(file, what, within);
  let st: fs.Stats;
  try {
    st = fs.statSync(p);
  } catch (err) {
    throw new StrataError(`cannot read ${what}: ${errnoText(err)}`, EXIT_INPUT);
  }
  if (!st.isFile()) throw new StrataError(`${what} is a ${kindOf(st)}, not a regular file`, EXIT_INPUT);
  let fd: number;
  try {
    fd = fs.openSync(p, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (err) {
    throw new StrataError(`cannot read ${what}: ${errnoText(err)}`, EXIT_INPUT);
  }
  const fst = fs.fstatSync(fd);
  if (!fst.isFile() || fst.ino !== st.ino || fst.dev !== st.dev) {
    fs.closeSync(fd);
    const now = fst.isFile() ? 'different file' : kindOf(fst);
    throw new StrataError(`${what} changed while it was opened (now a ${now})`, EXIT_INPUT);
  }
  return { fd, size: fst.size };
}

/** A read stream over a regular file (see openRegularFile); the descriptor closes with the stream. */
export function readRegularFile(
  file: string,
  what: string,
  opts: { within?: string; highWaterMark?: number } = {},
): { stream: fs.ReadStream; size: number } {
  const { fd, size } = openRegularFile(file, what, opts.within);
  const stream = fs.createReadStream('', { fd, highWaterMark: opts.highWaterMark ?? 1 << 20, autoClose: true });
  return { stream, size };
}
