/**
 * A one-line progress display on stderr for the batch faces (--json, --ci, text), when `show` (the
 * CLI's choice: stderr is a terminal, and not a CI job's): "reading blobs/sha256/ab12… 120 MB,
 * 3/7 layers merged". Throttled; erased at the end.
 */
import type { LoadListener } from '../model/image.js';
import { displayName } from '../model/names.js';
import { formatBytes, shortDigest } from '../format.js';

export function stderrProgress(show: boolean): { listener: LoadListener; done: () => void } {
  if (!show) return { listener: () => {}, done: () => {} };
  let last = 0;
  let shown = false;
  const listener: LoadListener = (ev) => {
    const img = ev.image;
    if (!img) return;
    const now = Date.now();
    if (ev.type === 'progress' && now - last < 100) return;
    last = now;
    const merged = img.layers.filter((l) => l.merged).length;
    const s = img.stream;
    const name = s ? shortDigest(displayName(s.name.split('/').pop() ?? s.name), 16) : '';
    const blob = s ? `${name} ${formatBytes(s.tarBytes)}, ${s.entries} entries; ` : '';
    const line = `reading ${blob}${merged}/${img.layers.length} layers merged`;
    const width = (process.stderr.columns ?? 80) - 1;
    process.stderr.write(`\r\x1b[2K${line.slice(0, width)}`);
    shown = true;
  };
  return {
    listener,
    done: () => {
      if (shown) process.stderr.write('\r\x1b[2K');
    },
  };
}
