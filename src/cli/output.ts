/** Where the batch faces write: stdout (waiting for it to drain) or a file the user named, atomically. */
import path from 'node:path';
import { EXIT_INPUT, StrataError } from '../errors.js';
import { sweepDeadTemps, writeFileAtomic } from '../fs/atomic-write.js';

/** Write to stdout and wait until it is flushed (large reports into a pipe). */
export function writeOut(text: string): Promise<void> {
  return new Promise((resolve) => {
    if (process.stdout.write(text)) resolve();
    else process.stdout.once('drain', () => resolve());
  });
}

/**
 * Writes `chunks` to the file the user named (--json FILE, --junit FILE) atomically: a link at
 * FILE is replaced, never followed, and a run killed midway leaves FILE as it was. Temporaries
 * that killed runs left beside FILE are swept first. A failure is one line and exit 2.
 */
export function writeUserFile(file: string, chunks: Iterable<string>): void {
  sweepDeadTemps(path.dirname(path.resolve(file)), path.basename(file));
  try {
    writeFileAtomic(file, chunks, { mode: 0o644, fsync: true });
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new StrataError(`cannot write ${file}: ${why}`, EXIT_INPUT);
  }
}
