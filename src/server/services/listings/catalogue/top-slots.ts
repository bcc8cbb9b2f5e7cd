import "server-only";
import type { CatalogueSort, IndexColumns } from "./types";

/** Negative when slot `a` comes before slot `b`. */
export type SlotOrder = (a: number, b: number) => number;

/**
 * The orders the catalogue offers. Ties fall back to newest first, then to the listing id, so
 * that every app server pages through the same order.
 */
export function compareSlots(
  c: IndexColumns,
  sort: CatalogueSort,
  scores: Float64Array | null,
): SlotOrder {
  const newest: SlotOrder = (a, b) =>
    c.created[b]! - c.created[a]! || (c.ids[a]! < c.ids[b]! ? 1 : c.ids[a]! > c.ids[b]! ? -1 : 0);
  const byPrice = (a: number, b: number) => {
    const difference = c.price[a]! - c.price[b]!;
    if (difference !== 0) return difference;
    const exactA = c.exactPrice.get(a);
    const exactB = c.exactPrice.get(b);
    if (exactA === undefined && exactB === undefined) return 0;
    const left = exactA ?? BigInt(c.price[a]!);
    const right = exactB ?? BigInt(c.price[b]!);
    return left < right ? -1 : left > right ? 1 : 0;
  };
  switch (sort) {
    case "price_asc":
      return (a, b) => byPrice(a, b) || newest(a, b);
    case "price_desc":
      return (a, b) => byPrice(b, a) || newest(a, b);
    case "records_desc":
      return (a, b) => c.records[b]! - c.records[a]! || newest(a, b);
    case "relevance":
      return scores ? (a, b) => scores[b]! - scores[a]! || newest(a, b) : newest;
    default:
      return newest;
  }
}

/** The first `capacity` slots offered, in `order`: a bounded heap whose root is the worst kept. */
export class TopSlots {
  private readonly heap: number[] = [];

  constructor(
    private readonly capacity: number,
    private readonly order: SlotOrder,
  ) {}

  offer(slot: number): void {
    const heap = this.heap;
    if (heap.length < this.capacity) {
      heap.push(slot);
      this.siftUp(heap.length - 1);
    } else if (this.capacity > 0 && this.order(slot, heap[0]!) < 0) {
      heap[0] = slot;
      this.siftDown(0);
    }
  }

  sorted(): number[] {
    return [...this.heap].sort(this.order);
  }

  private siftUp(index: number): void {
    const heap = this.heap;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (this.order(heap[index]!, heap[parent]!) <= 0) return;
      [heap[index], heap[parent]] = [heap[parent]!, heap[index]!];
      index = parent;
    }
  }

  private siftDown(index: number): void {
    const heap = this.heap;
    for (;;) {
      const left = index * 2 + 1;
      const right = left + 1;
      let worst = index;
      if (left < heap.length && this.order(heap[left]!, heap[worst]!) > 0) worst = left;
      if (right < heap.length && this.order(heap[right]!, heap[worst]!) > 0) worst = right;
      if (worst === index) return;
      [heap[index], heap[worst]] = [heap[worst]!, heap[index]!];
      index = worst;
    }
  }
}
