/**
 * Waste advice (docs/semantics.md, "Advice"): what to change in the build, with the bytes it saves,
 * computed from the analysis, never estimated. Pure: no I/O. The items come from step-pairs.ts
 * (shipped then hidden), leftovers.ts and duplicates.ts (the final filesystem, final-filesystem.ts),
 * which also gives the recoverable bytes: wasted bytes, plus the final filesystem's bytes once every
 * leftover is gone and one copy of each remaining content is kept.
 */
import { compareBytes } from './advice-item.js';
import type { Analysis } from './analysis.js';
import type { DuplicateItem } from './duplicates.js';
import { finalFilesystem } from './final-filesystem.js';
import type { LeftoverItem } from './leftovers.js';
import { stepPairs, type ShippedThenHiddenItem } from './step-pairs.js';

export type AdviceItem = ShippedThenHiddenItem | DuplicateItem | LeftoverItem;

export interface Advice {
  items: AdviceItem[];
  /** Waste records counted (wastedBytes, less ignored paths). */
  wastedBytes: number;
  /** Sum of the duplicate items. */
  duplicateBytes: number;
  /** Sum of the leftover items. */
  leftoverBytes: number;
  recoverableBytes: number;
}

export interface AdviceOptions {
  /** Paths to leave out (CI ignore globs): their waste, and their names in the final filesystem. */
  exclude?: (path: number) => boolean;
  /** Paths listed per waste or leftover item (default 10). */
  maxPaths?: number;
  /** Copies listed per duplicate item (default 100). */
  maxCopies?: number;
}

const memo = new WeakMap<Analysis, { layers: number; advice: Advice }>();
/** Where the default advice of a whole image goes once computed (the per-image cache record). */
const sinks = new WeakMap<Analysis, { layers: number; put: (advice: Advice) => void }>();

/** Runs of computeAdvice in this process (the cache test checks that a cached image needs none). */
export const adviceRuns = { count: 0 };

/** The advice for the layers merged so far (memoised per layer count when nothing is excluded). */
export function adviceFor(a: Analysis, opts: AdviceOptions = {}): Advice {
  if (opts.exclude || opts.maxPaths !== undefined || opts.maxCopies !== undefined) return computeAdvice(a, opts);
  const m = memo.get(a);
  if (m && m.layers === a.layerCount) return m.advice;
  const advice = computeAdvice(a, opts);
  memo.set(a, { layers: a.layerCount, advice });
  const sink = sinks.get(a);
  if (sink && sink.layers === a.layerCount) {
    sinks.delete(a);
    sink.put(advice);
  }
  return advice;
}

/** Take `advice` (read back from the cache) as the default advice of `a` with its layers merged so far. */
export function rememberAdvice(a: Analysis, advice: Advice): void {
  memo.set(a, { layers: a.layerCount, advice });
}

/**
 * Hand the default advice of `a`, with its layers merged so far, to `put` once it is computed
 * (at once when it already is): the advice is computed only when a face asks for it.
 */
export function onAdvice(a: Analysis, put: (advice: Advice) => void): void {
  const m = memo.get(a);
  if (m && m.layers === a.layerCount) put(m.advice);
  else sinks.set(a, { layers: a.layerCount, put });
}

export function computeAdvice(a: Analysis, opts: AdviceOptions = {}): Advice {
  adviceRuns.count++;
  const maxPaths = opts.maxPaths ?? 10;
  const maxCopies = opts.maxCopies ?? 100;
  const items: AdviceItem[] = [];
  const waste = stepPairs(a, opts.exclude, maxPaths);
  items.push(...waste.items);
  const fin = finalFilesystem(a, opts.exclude, maxPaths, maxCopies);
  items.push(...fin.items);
  // Ties fall to the first path's bytes, never to path ids, which depend on the order layers were read in.
  const firstPath = (it: AdviceItem) => (it.targets.length > 0 ? a.table.path(it.targets[0].path) : '');
  items.sort(
    (x, y) => y.bytes - x.bytes || KIND_ORDER[x.kind] - KIND_ORDER[y.kind] || compareBytes(firstPath(x), firstPath(y)),
  );
  return {
    items,
    wastedBytes: waste.total,
    duplicateBytes: fin.duplicateBytes,
    leftoverBytes: fin.leftoverBytes,
    recoverableBytes: waste.total + fin.recoverable,
  };
}

const KIND_ORDER: Record<AdviceItem['kind'], number> = {
  'shipped-then-hidden': 0,
  leftover: 1,
  'duplicate-content': 2,
};
