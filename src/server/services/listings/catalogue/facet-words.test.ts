import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { countFacetWords } from "./facet-words";

/** The same counts, a slot at a time. */
function countSlotBySlot(options: {
  words: Uint32Array;
  fhir: Uint32Array;
  purposes: Uint32Array[];
  dataTypeWanted: number;
  purposeWanted: number;
}) {
  const has = (words: Uint32Array, slot: number) => (words[slot >>> 5]! >>> (slot & 31)) & 1;
  const dataTypeCounts = [0, 0];
  const purposeCounts = options.purposes.map(() => 0);
  const kept = new Uint32Array(options.words.length);
  let total = 0;
  for (let slot = 0; slot < options.words.length * 32; slot += 1) {
    if (!has(options.words, slot)) continue;
    const dataType = has(options.fhir, slot);
    const purposeOk =
      options.purposeWanted < 0 || has(options.purposes[options.purposeWanted]!, slot) === 1;
    const dataTypeOk = options.dataTypeWanted < 0 || dataType === options.dataTypeWanted;
    if (purposeOk) dataTypeCounts[dataType]! += 1;
    if (dataTypeOk)
      options.purposes.forEach(
        (allowed, purpose) => (purposeCounts[purpose]! += has(allowed, slot)),
      );
    if (purposeOk && dataTypeOk) {
      total += 1;
      kept[slot >>> 5]! |= 1 << (slot & 31);
    }
  }
  return { total, dataTypeCounts, purposeCounts, kept };
}

describe("facet counts a word at a time", () => {
  it("agree with counting slot by slot, with every wanted value and any number of words", () => {
    const words = (length: number) =>
      fc.array(
        fc.oneof(fc.constant(0), fc.constant(0xffffffff), fc.integer({ min: 0, max: 0xffffffff })),
        { minLength: length, maxLength: length },
      );
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 45 }).chain((length) =>
          fc.record({
            words: words(length),
            fhir: words(length),
            purposes: fc.array(words(length), { minLength: 5, maxLength: 5 }),
            dataTypeWanted: fc.integer({ min: -1, max: 1 }),
            purposeWanted: fc.integer({ min: -1, max: 4 }),
          }),
        ),
        (drawn) => {
          const options = {
            words: Uint32Array.from(drawn.words),
            fhir: Uint32Array.from(drawn.fhir),
            purposes: drawn.purposes.map((set) => Uint32Array.from(set)),
            dataTypeWanted: drawn.dataTypeWanted,
            purposeWanted: drawn.purposeWanted,
          };
          const expected = countSlotBySlot(options);
          const words = options.words.slice();
          const counted = countFacetWords({ ...options, words, wordCount: words.length });
          expect(counted).toEqual({
            total: expected.total,
            dataTypeCounts: expected.dataTypeCounts,
            purposeCounts: expected.purposeCounts,
          });
          expect([...words]).toEqual([...expected.kept]);
        },
      ),
      { numRuns: 400 },
    );
  });
});
