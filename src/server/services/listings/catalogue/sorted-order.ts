import "server-only";
import type { SlotOrder } from "./top-slots";

/**
 * Every live slot in one of the catalogue's orders, so a search walks it from the start and
 * stops once the page is full instead of ranking all its matches. Slots added after the order
 * was built wait in a short sorted list that the walk merges in; past `pendingLimit` of them the
 * two are merged into a new order (dead slots dropped on the way).
 */
export class SortedOrder {
  private base = new Uint32Array(0);
  private pending: number[] = [];

  constructor(
    private readonly order: SlotOrder,
    private readonly pendingLimit: number,
  ) {}

  /** Orders `slots` (those alive) from scratch; `sorted` may already be in a related order. */
  build(slots: Uint32Array): void {
    this.base = slots.slice().sort(this.order);
    this.pending = [];
  }

  add(slot: number, isAlive: (slot: number) => boolean): void {
    const pending = this.pending;
    let low = 0;
    let high = pending.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.order(pending[middle]!, slot) < 0) low = middle + 1;
      else high = middle;
    }
    pending.splice(low, 0, slot);
    if (pending.length > this.pendingLimit) this.merge(isAlive);
  }

  /**
   * The first `count` slots of this order whose bit is set in `words`, appended to `out`.
   */
  collect(words: Uint32Array, count: number, out: number[]): void {
    if (count <= 0) return;
    const base = this.base;
    const pending = this.pending.filter((slot) => (words[slot >>> 5]! & (1 << (slot & 31))) !== 0);
    let next = 0;
    for (let index = 0; index < base.length; index += 1) {
      const slot = base[index]!;
      if ((words[slot >>> 5]! & (1 << (slot & 31))) === 0) continue;
      while (next < pending.length && this.order(pending[next]!, slot) < 0) {
        out.push(pending[next++]!);
        if (out.length >= count) return;
      }
      out.push(slot);
      if (out.length >= count) return;
    }
    while (next < pending.length && out.length < count) out.push(pending[next++]!);
  }

  private merge(isAlive: (slot: number) => boolean): void {
    const base = this.base;
    const pending = this.pending;
    const merged = new Uint32Array(base.length + pending.length);
    let size = 0;
    let next = 0;
    for (let index = 0; index < base.length; index += 1) {
      const slot = base[index]!;
      if (!isAlive(slot)) continue;
      while (next < pending.length && this.order(pending[next]!, slot) < 0) {
        const waiting = pending[next++]!;
        if (isAlive(waiting)) merged[size++] = waiting;
      }
      merged[size++] = slot;
    }
    for (; next < pending.length; next += 1)
      if (isAlive(pending[next]!)) merged[size++] = pending[next]!;
    this.base = merged.slice(0, size);
    this.pending = [];
  }
}
