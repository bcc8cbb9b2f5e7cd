import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { STAT_KINDS } from "~/shared/analysis-spec";
import { specOf } from "../disclosure/test-cohort";
import {
  composedCost,
  epsilonCost,
  epsilonShares,
  gaussianSigma2,
  laplaceScale,
  toNumber,
} from "./epsilon";

const table = (by: string[], epsilonCentis: number, recordsPerListing = 1) =>
  specOf({
    version: 1,
    epsilonCentis,
    recordsPerListing,
    query: { kind: "count", by: by.map((variable) => ({ variable, levels: ["a", "b"] })) },
  });

describe("the ε an analysis costs", () => {
  it("is the spec's own ε, whatever L or the query asks", () => {
    expect(epsilonCost(table(["sex"], 50))).toBe(50);
    expect(epsilonCost(table(["sex", "site"], 50, 100))).toBe(50);
  });

  it("splitting a cross-tab into parts cannot lower the cost of the same accuracy", () => {
    // The whole at ε 1.00: each cell's noise scale is L/ε = 1. Asking the margins and a
    // sub-table separately for the same scale costs each part the full ε: the sum is larger.
    const whole = table(["sex", "site"], 100);
    const parts = [table(["sex"], 100), table(["site"], 100)];
    const scaleOf = (spec: ReturnType<typeof table>) =>
      toNumber(laplaceScale(BigInt(spec.recordsPerListing), epsilonShares(spec)[0]!.centis));
    for (const part of parts) expect(scaleOf(part)).toBe(scaleOf(whole));
    expect(composedCost(parts)).toBe(200);
    // Cheaper parts buy more noise, never the same answer for less.
    expect(scaleOf(table(["sex"], 50))).toBe(2 * scaleOf(whole));
  });

  it("composition adds up: any sequence of analyses costs the sum of their ε (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 5, max: 200 }), { maxLength: 30 }), (epsilons) => {
        const specs = epsilons.map((e) => table(["sex"], e));
        expect(composedCost(specs)).toBe(epsilons.reduce((a, b) => a + b, 0));
      }),
      { seed: 3, numRuns: 200 },
    );
  });

  it("a summary's parts share exactly its ε: more statistics never mean more ε", () => {
    fc.assert(
      fc.property(
        fc.subarray([...STAT_KINDS], { minLength: 1, maxLength: 5 }),
        fc.integer({ min: 5, max: 200 }),
        (stats, epsilonCentis) => {
          const spec = specOf({
            version: 1,
            epsilonCentis,
            query: { kind: "summary", of: { variable: "age", min: 0, max: 100 }, stats },
          });
          const shares = epsilonShares(spec);
          // Σ num/den = ε exactly, in integers: every share has the same denominator.
          const den = shares[0]!.centis.den;
          expect(shares.every((s) => s.centis.den === den)).toBe(true);
          expect(shares.reduce((sum, s) => sum + s.centis.num, 0n)).toBe(
            BigInt(epsilonCentis) * den,
          );
          expect(shares[0]!.part).toBe("n");
        },
      ),
      { seed: 4, numRuns: 200 },
    );
  });

  it("the Gaussian's σ grows as ε shrinks and with the sensitivity", () => {
    const sigma = (d: number, e: number) => Math.sqrt(toNumber(gaussianSigma2(d, e)));
    expect(sigma(1, 50)).toBeGreaterThan(sigma(1, 100));
    expect(sigma(2, 100)).toBeGreaterThan(1.9 * sigma(1, 100));
    // ρ-zCDP bound: ε = ρ + 2√(ρ ln 1/δ) with ρ = 1/2σ² at Δ = 1 never exceeds the spec's ε.
    for (const e of [5, 50, 100, 200]) {
      const rho = 1 / (2 * toNumber(gaussianSigma2(1, e)));
      expect(rho + 2 * Math.sqrt(rho * Math.log(1e7))).toBeLessThanOrEqual(e / 100);
    }
  });
});
