import fc from "fast-check";
import { formatUnits } from "ethers";
import { describe, expect, it } from "vitest";
import { formatWei } from "./index-columns";

describe("a card's price", () => {
  it("reads as ethers' formatUnits(wei, 18) would write it", () => {
    const edges = [0n, 1n, 10n ** 18n, 10n ** 18n - 1n, 5n * 10n ** 17n, -1n, -(10n ** 18n)];
    for (const wei of edges) expect(formatWei(wei)).toBe(formatUnits(wei, 18));
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), (wei) => {
        expect(formatWei(wei)).toBe(formatUnits(wei, 18));
      }),
      { numRuns: 2_000 },
    );
  });
});
