/**
 * Synthetic layers for model tests: entries described in a line each, built into LayerData and
 * merged into an Analysis. A file's content is hashed with MD5, which is all the model compares.
 */
import { createHash } from 'node:crypto';
import { Analysis } from '../../src/model/analysis.js';
import { LayerBuilder, type LayerData, type RawEntry } from '../../src/model/layer-data.js';
import { PathTable } from '../../src/model/path-table.js';

export type E = Partial<RawEntry> & { name: string; content?: string };

export function file(name: string, content: string, mode = 0o644, extra: Partial<RawEntry> = {}): E {
  return { name, type: 'file', content, mode, ...extra };
}
export const dir = (name: string, mode = 0o755): E => ({ name, type: 'dir', mode });
export const link = (name: string, target: string): E => ({ name, type: 'hardlink', linkname: target });
/** A whiteout of `name` (its last segment prefixed with `.wh.`). */
export const gone = (name: string): E => ({ name: name.replace(/[^/]*$/, (b) => `.wh.${b}`) });

/** Layer `i` of `table`, from its entries. */
export function buildLayer(table: PathTable, i: number, entries: E[]): LayerData {
  const b = new LayerBuilder(table, `layer ${i}`);
  for (const e of entries) {
    const content = e.content ?? '';
    b.add({
      name: e.name,
      type: e.type ?? 'file',
      mode: e.mode ?? 0o644,
      uid: e.uid ?? 0,
      gid: e.gid ?? 0,
      size: (e.type ?? 'file') === 'file' ? Buffer.byteLength(content) : 0,
      linkname: e.linkname ?? null,
      hash: createHash('md5').update(content).digest(),
    });
  }
  return b.finish(`sha256:${String(i).padStart(64, '0')}`, 0);
}

/** The analysis of the layers, bottom first. */
export function analyse(layers: E[][]): Analysis {
  const table = new PathTable();
  const a = new Analysis(table);
  layers.forEach((entries, i) => {
    a.addLayer(buildLayer(table, i, entries));
  });
  return a;
}
