/**
 * Growable typed arrays: the columns indexed by path id or entry (the analysis, the path table, the
 * layer builder) grow with their input while layers stream in.
 */

export type TypedColumn = Int8Array | Uint8Array | Uint16Array | Int32Array | Uint32Array | Float64Array;

/** Grow by half again (not double): a 1 000 000-path layer must not reserve room for 2 000 000. */
export function grownLength(have: number, need: number): number {
  return Math.max(need, Math.ceil(have * 1.5));
}

/** A copy of `a` with room for `length` items, the new ones set to `fill`. */
export function grownCopy<T extends TypedColumn>(a: T, length: number, fill = 0): T {
  const b = new (a.constructor as new (n: number) => T)(length);
  if (fill !== 0) b.fill(fill);
  b.set(a as never);
  return b;
}

/** An Int32Array that grows on demand; `a` is replaced when it grows, so read it after `ensure`. */
export class GrowI32 {
  a: Int32Array;
  constructor(
    n: number,
    private readonly fill: number,
  ) {
    this.a = new Int32Array(n).fill(fill);
  }
  ensure(n: number): void {
    if (n <= this.a.length) return;
    this.a = grownCopy(this.a, grownLength(this.a.length, n), this.fill);
  }
}

/** A Float64Array that grows on demand (new items are 0). */
export class GrowF64 {
  a: Float64Array;
  constructor(n: number) {
    this.a = new Float64Array(n);
  }
  ensure(n: number): void {
    if (n <= this.a.length) return;
    this.a = grownCopy(this.a, grownLength(this.a.length, n));
  }
}
