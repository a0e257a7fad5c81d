/**
 * The cost of one render while a search is typed with filters on: the panes' rows, the status's
 * matches and, since the prompt counts the matches the filters hide, the unfiltered matches too.
 * Baseline in the same run: the same render without the hidden count (what it cost before the count).
 *
 *   python3 bench/gen-flat-layer.py /tmp/flat.tar 200000
 *   node --import tsx bench/search-count.ts /tmp/flat.tar
 */
import { loadImage } from '../src/sources/load.js';
import { ImageView } from '../src/ui/state/image-view.js';
import { NO_FILTERS, type TreeFilters } from '../src/model/tree-filters.js';
import type { LoadedImage } from '../src/model/image.js';

function typing(img: LoadedImage, withHidden: boolean): { median: number; max: number } {
  const filters: TreeFilters = { ...NO_FILTERS, hidden: ['unchanged'], minSize: 10 };
  const q = {
    layer: 0,
    mode: 'layer' as const,
    sort: 'name' as const,
    filters,
    expansion: { expandDepth: Infinity, toggled: new Set<number>() },
  };
  const m = new ImageView(img);
  m.rows(q);
  m.order(q);
  const times: number[] = [];
  for (const text of ['f', 'fi', 'fil', 'file', 'file1', 'file12', 'file123', 'file1234']) {
    const t0 = performance.now();
    m.rows(q);
    m.matches(q, text);
    if (withHidden) m.matches({ ...q, filters: NO_FILTERS }, text);
    m.rows(q);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { median: times[times.length >> 1], max: times[times.length - 1] };
}

const file = process.argv[2];
if (!file) throw new Error('usage: bench/search-count.ts ARCHIVE');
const img = await loadImage({ kind: 'archive', path: file, ref: file }, {});
const base = typing(img, false);
const count = typing(img, true);
const f = (x: number) => x.toFixed(1);
console.log(`entries ${img.analysis.table.size}`);
console.log(`per key, no hidden count:   median ${f(base.median)} ms, max ${f(base.max)} ms`);
console.log(
  `per key, with hidden count: median ${f(count.median)} ms, max ${f(count.max)} ms ` +
    `(x${(count.median / base.median).toFixed(2)})`,
);
