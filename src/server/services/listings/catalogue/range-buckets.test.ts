import fc from "fast-check";
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

  it("keeps exactly the slots in a range, checking one by one only those equal to a bound", () => {
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
      values,
    );
    const kept = slots.filter((slot) => (words[slot >>> 5]! & (1 << (slot & 31))) !== 0);
    expect([...kept]).toEqual(
      [...slots].filter((slot) => values[slot]! >= 250 && values[slot]! <= 600),
    );
    // Each value is held once: only the slots holding 250 and 600 are asked about.
    expect(checked.sort((a, b) => a - b)).toEqual(
      [...slots].filter((slot) => values[slot] === 250 || values[slot] === 600),
    );
  });

  it("leaves nothing behind for the next search when a check fails midway", () => {
    // Two buckets, 0-3 and 4-7. A bound of 5 marks the 4s, then checks the 5s: the check fails.
    const values = Float64Array.from({ length: 64 }, (_, slot) => slot % 8);
    const slots = Uint32Array.from({ length: 64 }, (_, slot) => slot);
    const buckets = new RangeBuckets(2);
    buckets.rebuild(values, slots, slots.length);
    const all = () => new Uint32Array(2).fill(0xffffffff);
    const failing = () => {
      throw new Error("check failed");
    };
    expect(() =>
      buckets.restrict(all(), 2, null, { value: 5, isInclusive: true }, failing, values),
    ).toThrow("check failed");
    // The next search cuts the same bucket: the 4s must not come back from the failed one.
    const words = all();
    const above = (slot: number) => values[slot]! > 6.5;
    buckets.restrict(words, 2, { value: 6.5, isInclusive: true }, null, above, values);
    const kept = [...slots].filter((slot) => (words[slot >>> 5]! & (1 << (slot & 31))) !== 0);
    expect(kept).toEqual([...slots].filter(above));
  });

  it("agrees with a plain filter for any bounds, ties and listings added since", () => {
    const bound = fc.option(
      fc.record({ value: fc.integer({ min: -5, max: 60 }), isInclusive: fc.boolean() }),
    );
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 1, maxLength: 300, size: "max" }),
        // Enough added slots that a bucket's are sometimes sorted in, sometimes checked apart.
        fc.array(fc.integer({ min: -10, max: 70 }), { maxLength: 800, size: "max" }),
        fc.array(fc.tuple(bound, bound, fc.integer({ min: 0, max: 0xffffffff })), {
          minLength: 1,
          maxLength: 6,
        }),
        fc.integer({ min: 1, max: 12 }),
        (held, added, searches, bucketCount) => {
          const values = new Float64Array(held.length + added.length);
          values.set(held);
          values.set(added, held.length);
          const buckets = new RangeBuckets(bucketCount);
          buckets.rebuild(
            values,
            Uint32Array.from(held, (_, slot) => slot),
            values.length,
          );
          added.forEach((value, index) => buckets.add(held.length + index, value));
          const wordCount = Math.ceil(values.length / 32);
          for (const [from, to, seed] of searches) {
            const passes = (slot: number) =>
              (!from ||
                values[slot]! > from.value ||
                (from.isInclusive && values[slot] === from.value)) &&
              (!to || values[slot]! < to.value || (to.isInclusive && values[slot] === to.value));
            // Candidates: a pseudo-random subset of the slots.
            const words = Uint32Array.from({ length: wordCount }, (_, word) =>
              Math.imul(seed ^ word, 0x9e3779b1),
            );
            const candidates = [...values.keys()].filter(
              (slot) => (words[slot >>> 5]! & (1 << (slot & 31))) !== 0,
            );
            buckets.restrict(words, wordCount, from, to, passes, values);
            const kept = [...values.keys()].filter(
              (slot) => (words[slot >>> 5]! & (1 << (slot & 31))) !== 0,
            );
            expect(kept).toEqual(candidates.filter(passes));
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
