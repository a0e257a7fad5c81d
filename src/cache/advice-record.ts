/**
 * The computed advice of an image as it is kept in the image's cache record (layer-cache.ts), so
 * that a run the cache answers does not compute it again.
 *
 * Paths are kept as byte strings (path ids belong to one process's PathTable) in one list that the
 * items index. The record is versioned: ADVICE_RECORD_FORMAT for its shape, and a fingerprint of
 * the code that computes the advice (the files of src/model, or dist/model once built), so that a
 * program whose analysis or advice differs never reads another program's advice. A record whose
 * version, shape or paths do not fit the image at hand is ignored (the advice is computed again).
 * Integrity is the record's: the whole image record carries the cache's HMAC.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { Advice, AdviceItem } from '../model/advice.js';
import type { AdviceTarget } from '../model/advice-item.js';
import type { PathTable } from '../model/path-table.js';

export const ADVICE_RECORD_FORMAT = 1;

export interface AdviceRecord {
  version: string;
  /** Layers the advice was computed over. */
  layers: number;
  wastedBytes: number;
  duplicateBytes: number;
  leftoverBytes: number;
  recoverableBytes: number;
  /** Every path the items name, once. */
  paths: string[];
  /** The items, with `targets` as [index in paths, layer] pairs. */
  items: (Omit<AdviceItem, 'targets'> & { targets: [number, number][] })[];
}

let fingerprint: string | null = null;

/** The record version: the format and a hash of the model's code (read once per process). */
export function adviceRecordVersion(): string {
  if (fingerprint === null) {
    const h = createHash('sha256');
    const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'model');
    try {
      for (const n of fs.readdirSync(dir).sort()) {
        if (!/\.(js|ts)$/.test(n) || n.endsWith('.d.ts')) continue;
        h.update(`${n}\0`)
          .update(fs.readFileSync(path.join(dir, n)))
          .update('\0');
      }
      fingerprint = h.digest('hex').slice(0, 32);
    } catch {
      // The code cannot be read: no version can be vouched for, so no advice is stored or used.
      fingerprint = '';
    }
  }
  return fingerprint ? `${ADVICE_RECORD_FORMAT}:${fingerprint}` : '';
}

export function encodeAdvice(advice: Advice, layers: number, table: PathTable): AdviceRecord | null {
  const version = adviceRecordVersion();
  if (!version) return null;
  const index = new Map<number, number>();
  const paths: string[] = [];
  const items = advice.items.map((it) => ({
    ...it,
    targets: it.targets.map((t): [number, number] => {
      let i = index.get(t.path);
      if (i === undefined) {
        i = paths.length;
        index.set(t.path, i);
        paths.push(table.path(t.path));
      }
      return [i, t.layer];
    }),
  }));
  const { wastedBytes, duplicateBytes, leftoverBytes, recoverableBytes } = advice;
  return { version, layers, wastedBytes, duplicateBytes, leftoverBytes, recoverableBytes, paths, items };
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/** The advice of a record, its paths found in `table`; null when the record does not fit. */
export function decodeAdvice(rec: unknown, layers: number, table: PathTable): Advice | null {
  if (!rec || typeof rec !== 'object') return null;
  const r = rec as AdviceRecord;
  const version = adviceRecordVersion();
  if (!version || r.version !== version || r.layers !== layers) return null;
  const totals = [r.wastedBytes, r.duplicateBytes, r.leftoverBytes, r.recoverableBytes];
  if (!totals.every(isCount) || !Array.isArray(r.paths) || !Array.isArray(r.items)) return null;
  const ids: number[] = [];
  for (const p of r.paths) {
    const id = typeof p === 'string' ? table.lookup(p) : -1;
    if (id < 0) return null;
    ids.push(id);
  }
  const items: AdviceItem[] = [];
  for (const it of r.items) {
    if (!it || typeof it !== 'object' || !isCount(it.bytes) || typeof it.message !== 'string') return null;
    if (!['shipped-then-hidden', 'duplicate-content', 'leftover'].includes(it.kind)) return null;
    if (!Array.isArray(it.targets)) return null;
    const targets: AdviceTarget[] = [];
    for (const t of it.targets) {
      if (!Array.isArray(t) || !isCount(t[0]) || t[0] >= ids.length) return null;
      if (!isCount(t[1]) || t[1] >= layers) return null;
      targets.push({ path: ids[t[0]], layer: t[1] });
    }
    items.push({ ...it, targets } as AdviceItem);
  }
  return {
    items,
    wastedBytes: r.wastedBytes,
    duplicateBytes: r.duplicateBytes,
    leftoverBytes: r.leftoverBytes,
    recoverableBytes: r.recoverableBytes,
  };
}
