/** What every advice item has (advice.ts): its bytes, its message, and the paths it points at. */

/** A path of an item and the layer at which the tree should show it. */
export interface AdviceTarget {
  path: number;
  layer: number;
}

export interface AdviceItemBase {
  bytes: number;
  message: string;
  /** Paths (largest first for waste and leftovers; the kept copy first for duplicates). */
  targets: AdviceTarget[];
}

/** Byte strings in byte order. */
export function compareBytes(x: string, y: string): number {
  return x < y ? -1 : x > y ? 1 : 0;
}
