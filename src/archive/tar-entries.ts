/**
 * The layer tar reader (tar-scan.ts) for consumers that handle entries asynchronously: each entry
 * comes with its logical content as a stream, one entry at a time, with backpressure (the next
 * input chunk is read only when the previous entries are handled and the open body has room).
 * The outer archive reader and the file read-back use it; the analysis drives the scanner directly.
 */
import { PassThrough, type Readable } from 'node:stream';
import type { TarHeader } from './tar-header.js';
import { TarScanner } from './tar-scan.js';

export interface TarEntry {
  header: TarHeader;
  /** The entry's logical content (a sparse file's holes as zeros); empty for non-files. */
  body: Readable;
}

/**
 * Read a tar stream and call `handle` for each entry, in order, never two at once. A body the
 * handler leaves unread is drained. Rejects with the scanner's TarError, the input's error or the
 * handler's.
 */
export async function readTarEntries(
  input: AsyncIterable<Buffer>,
  handle: (e: TarEntry) => Promise<void>,
  onWarning?: (m: string) => void,
): Promise<void> {
  const queue: TarEntry[] = [];
  /** Entries announced and not handled yet (queued or in the handler). */
  let pending = 0;
  let open: PassThrough | null = null;
  // In a box: TypeScript would otherwise narrow it across the awaits.
  const box: { failed: { err: unknown } | null } = { failed: null };
  let inputDone = false;
  let notify: (() => void) | null = null;
  const signal = () => {
    const n = notify;
    notify = null;
    n?.();
  };
  const changed = () => new Promise<void>((r) => (notify = r));

  const scanner = new TarScanner({
    onEntry: (header) => {
      const body = new PassThrough({ highWaterMark: 1 << 20 });
      // A body destroyed because the archive failed must not raise an unheard 'error' event;
      // a handler reading it still gets the error through its own listener.
      body.on('error', () => {});
      open = body;
      queue.push({ header, body });
      pending++;
      signal();
    },
    onData: (chunk) => {
      open?.write(chunk);
    },
    onEnd: () => {
      open?.end();
      open = null;
    },
    onWarning,
  });

  const consumer = (async () => {
    for (;;) {
      if (box.failed) return;
      const e = queue.shift();
      if (!e) {
        if (inputDone) return;
        await changed();
        continue;
      }
      try {
        await handle(e);
        if (!e.body.readableEnded) {
          e.body.resume();
          await new Promise<void>((resolve, reject) => {
            e.body.once('end', resolve);
            e.body.once('error', reject);
          });
        }
      } catch (err) {
        box.failed ??= { err };
        signal();
        return;
      }
      pending--;
      signal();
    }
  })();

  try {
    for await (const chunk of input) {
      scanner.push(chunk);
      // Wait until every entry but the open one is handled and the open body has room.
      for (;;) {
        if (box.failed) throw box.failed.err;
        const cur = open as PassThrough | null;
        const backlog = pending - (cur ? 1 : 0);
        if (backlog <= 0 && !cur?.writableNeedDrain) break;
        if (cur?.writableNeedDrain) cur.once('drain', signal);
        await changed();
      }
    }
    if (!scanner.ended) scanner.end();
  } catch (err) {
    box.failed ??= { err };
    (open as PassThrough | null)?.destroy(err as Error);
    for (const e of queue) e.body.destroy();
    signal();
    await consumer.catch(() => {});
    throw box.failed.err;
  }
  inputDone = true;
  signal();
  await consumer;
  if (box.failed) throw box.failed.err;
}
