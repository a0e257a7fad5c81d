/**
 * The analysis's record of changes: every change is an event (path, layer, kind, entry, and the
 * version below that it replaced or removed) appended in layer order and chained per path, so the
 * state of any path at any layer is the last event at or below that layer. Typed arrays indexed by
 * event and by path id; no object per event.
 */
import { GrowI32 } from './grow.js';

export class EventLog {
  // Event chain per path.
  protected evHead = new GrowI32(1024, -1);
  protected evTail = new GrowI32(1024, -1);
  // Events, in layer order.
  protected evN = 0;
  protected evPath = new GrowI32(1024, 0);
  protected evLayer = new GrowI32(1024, 0);
  protected evKind = new GrowI32(1024, 0);
  protected evEntry = new GrowI32(1024, 0);
  protected evPrevLayer = new GrowI32(1024, -1);
  protected evPrevEntry = new GrowI32(1024, 0);
  protected evNext = new GrowI32(1024, -1);
  protected readonly layerEvStart: number[] = [];
  protected readonly layerEvEnd: number[] = [];

  get eventCount(): number {
    return this.evN;
  }

  // ---- event accessors (used by views and reports) ----
  eventPath(ev: number): number {
    return this.evPath.a[ev];
  }
  eventLayer(ev: number): number {
    return this.evLayer.a[ev];
  }
  eventKind(ev: number): number {
    return this.evKind.a[ev];
  }
  /** Entry index in the event's layer; IMPLICIT_DIR for implied directories; -1 also for removals. */
  eventEntry(ev: number): number {
    return this.evEntry.a[ev];
  }
  /** The version below that this event replaced or removed (layer -1 when none). */
  eventPrevLayer(ev: number): number {
    return this.evPrevLayer.a[ev];
  }
  eventPrevEntry(ev: number): number {
    return this.evPrevEntry.a[ev];
  }
  /** Next event of the same path (in a higher layer), or -1. */
  eventNext(ev: number): number {
    return this.evNext.a[ev];
  }
  firstEvent(path: number): number {
    return path < this.evHead.a.length ? this.evHead.a[path] : -1;
  }
  /** Events of layer i: [start, end). */
  layerEvents(i: number): [number, number] {
    return [this.layerEvStart[i], this.layerEvEnd[i]];
  }

  /** Room for the per-path chains of `n` paths. */
  protected ensurePaths(n: number): void {
    this.evHead.ensure(n);
    this.evTail.ensure(n);
  }

  protected ensureEvents(n: number): void {
    if (n <= this.evPath.a.length) return;
    for (const g of [
      this.evPath,
      this.evLayer,
      this.evKind,
      this.evEntry,
      this.evPrevLayer,
      this.evPrevEntry,
      this.evNext,
    ])
      g.ensure(n);
  }

  protected pushEvent(
    p: number,
    layer: number,
    kind: number,
    entry: number,
    prevLayer: number,
    prevEntry: number,
  ): void {
    const ev = this.evN++;
    this.ensureEvents(this.evN);
    this.evPath.a[ev] = p;
    this.evLayer.a[ev] = layer;
    this.evKind.a[ev] = kind;
    this.evEntry.a[ev] = entry;
    this.evPrevLayer.a[ev] = prevLayer;
    this.evPrevEntry.a[ev] = prevEntry;
    this.evNext.a[ev] = -1;
    const tail = this.evTail.a[p];
    if (tail < 0) this.evHead.a[p] = ev;
    else this.evNext.a[tail] = ev;
    this.evTail.a[p] = ev;
  }
}
