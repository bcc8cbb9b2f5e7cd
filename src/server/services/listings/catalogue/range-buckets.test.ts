import { describe, expect, it } from "vitest";
import { RangeBuckets } from "./range-buckets";

describe("range buckets", () => {
  it("is not bucketed again at once when many listings share one value", () => {
    // Half the listings hold 11 records: one bucket gets half, far past its share of 1/8.
    const values = Float64Array.from({ length: 4_000 }, (_, slot) => (slot % 2 ? 11 : slot));
    const slots = Uint32Array.from({ length: 4_000 }, (_, slot) => slot);
    const buckets = new RangeBuckets(8, 0);
    buckets.rebuild(values, slots, slots.length);
    expect(buckets.isLopsided).toBe(false);
    // Growth is what counts: the shared value's bucket doubling is.
    for (let slot = 4_000; slot < 8_100; slot += 1) buckets.add(slot, 11);
    expect(buckets.isLopsided).toBe(true);
  });

  it("keeps exactly the slots in a range, checking only the boundary buckets one by one", () => {
    const values = Float64Array.from({ length: 1_000 }, (_, slot) => (slot * 7) % 1_000);
    const slots = Uint32Array.from({ length: 1_000 }, (_, slot) => slot);
    const buckets = new RangeBuckets(10);
    buckets.rebuild(values, slots, slots.length);
    const words = new Uint32Array(32).fill(0xffffffff);
    const checked: number[] = [];
    buckets.restrict(
      words,
      32,
      { value: 250, isInclusive: true },
      { value: 600, isInclusive: true },
      (slot) => {
        checked.push(slot);
        return values[slot]! >= 250 && values[slot]! <= 600;
      },
    );
    const kept = slots.filter((slot) => (words[slot >>> 5]! & (1 << (slot & 31))) !== 0);
    expect([...kept]).toEqual(
      [...slots].filter((slot) => values[slot]! >= 250 && values[slot]! <= 600),
    );
    expect(checked.length).toBeLessThanOrEqual(2 * 100 + 2);
  });
});
