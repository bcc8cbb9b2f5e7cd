import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { boundContributions } from "../evaluate/columns";
import { countCells } from "../evaluate/count";
import { evaluateAnalysis } from "../evaluate/run";
import { laplaceScale, noisyThreshold } from "../noise/epsilon";
import { seededRandom } from "../noise/random";
import { releaseCounts } from "./release-counts";
import { cohortOf, specOf } from "./test-cohort";
import { effectiveThreshold, roundMidpoint6 } from "./threshold";

const DIAGNOSES = ["asthma", "copd", "diabetes", "rare"];

/** One record per listing: listing i has diagnosis `pick(i)`. */
const cohort = (listings: number, pick: (i: number) => string) =>
  Array.from({ length: listings }, (_, i) => [{ diagnosis: pick(i) }]);

const byDiagnosis = (epsilonCentis = 50) =>
  specOf({
    version: 1,
    epsilonCentis,
    query: { kind: "count", by: [{ variable: "diagnosis", levels: DIAGNOSES }] },
  });

describe("disclosure control, as an attacker tries to get round it", () => {
  it("a cell of 4 is suppressed even when the owner asks for a threshold of 3", () => {
    const t = effectiveThreshold([3]);
    expect(t).toBe(5);
    expect(effectiveThreshold([])).toBe(10);
    expect(effectiveThreshold([12, 3, 10])).toBe(12);
    expect(effectiveThreshold([Number.NaN])).toBe(10);
    // The most generous noise there is (ε 2.00, L = 1): still never released, over 2,000 draws.
    const scale = laplaceScale(1n, { num: 200n, den: 1n });
    for (let seed = 0; seed < 2_000; seed++) {
      const { cells } = releaseCounts([4], {
        threshold: t,
        recordsPerListing: 1,
        scale,
        rng: seededRandom(seed),
      });
      expect(cells).toEqual([null]);
    }
  });

  it("the noisy threshold τ matches the design's example (ε 1, L 1, t 10 → 28)", () => {
    expect(noisyThreshold(10, 1, laplaceScale(1n, { num: 100n, den: 1n }))).toBe(28);
  });

  it("differencing: two cohorts differing by one listing never reveal a count below t", () => {
    // Cohort A has 10 listings with the rare diagnosis (the victim among them); B has 9.
    const pick = (i: number) => (i < 10 ? "rare" : DIAGNOSES[i % 3]!);
    const a = cohort(60, pick);
    const b = a.filter((_, i) => i !== 0);
    const spec = byDiagnosis(200);
    const rare = DIAGNOSES.indexOf("rare");
    for (let seed = 0; seed < 300; seed++) {
      const released = [a, b].map(
        (rows) =>
          evaluateAnalysis(spec, cohortOf(rows, spec), { threshold: 10, rng: seededRandom(seed) })
            .output,
      );
      for (const output of released)
        if (output.kind === "count") expect(output.cells[rare]).toBeNull();
    }
  });

  it("differencing on a large cell: the guess is right no more often than ε allows", () => {
    // The victim (listing 0) has diabetes in A; B leaves the victim out. The attacker guesses
    // "diabetes" when A's released cell exceeds B's, and flips a coin on a tie.
    const pick = (i: number) => (i < 60 ? "diabetes" : "asthma");
    const a = cohort(120, pick);
    const b = a.slice(1);
    const epsilonCentis = 50;
    const spec = byDiagnosis(epsilonCentis);
    const cell = DIAGNOSES.indexOf("diabetes");
    const coin = seededRandom(5);
    let right = 0;
    const runs = 400;
    for (let run = 0; run < runs; run++) {
      const [ra, rb] = [a, b].map((rows, k) => {
        const out = evaluateAnalysis(spec, cohortOf(rows, spec), {
          threshold: 10,
          rng: seededRandom(1_000 * run + k),
        }).output;
        return out.kind === "count" ? out.cells[cell]! : 0;
      });
      if (ra! > rb! || (ra === rb && coin.nextUint32() % 2 === 0)) right++;
    }
    const eps = epsilonCentis / 100;
    const bound = Math.exp(2 * eps) / (1 + Math.exp(2 * eps));
    expect(right / runs).toBeLessThanOrEqual(bound + 3 * Math.sqrt(0.25 / runs));
  });

  it("rounding never gives back an exact small count", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100_000 }), (x) => {
        const r = roundMidpoint6(x);
        expect(r % 6).toBe(3);
        expect(Math.abs(r - x)).toBeLessThanOrEqual(3);
        // Every count of the same block of six reads the same.
        expect(roundMidpoint6(6 * Math.ceil(x / 6) - 5)).toBe(r);
      }),
      { seed: 6, numRuns: 1_000 },
    );
    expect([1, 2, 3, 4, 5, 6].map(roundMidpoint6)).toEqual([3, 3, 3, 3, 3, 3]);
    expect(roundMidpoint6(0)).toBe(0);
    expect(roundMidpoint6(-4)).toBe(0);
  });

  it("no released cell has a true count below t, on random cohorts (property)", () => {
    const levels = [
      ["a", "b"],
      ["x", "y", "z"],
      ["p", "q"],
    ];
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2_000 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 5, max: 20 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 5, max: 200 }),
        fc.integer(),
        (records, variables, t, L, epsilonCentis, seed) => {
          const by = levels.slice(0, variables).map((lv, i) => ({ variable: `v${i}`, levels: lv }));
          const spec = specOf({
            version: 1,
            epsilonCentis,
            recordsPerListing: L,
            query: { kind: "count", by },
          });
          const data = seededRandom(seed ^ 0x5eed);
          const rows = Array.from({ length: Math.ceil(records / 3) }, () =>
            Array.from({ length: 1 + (data.nextUint32() % 5) }, () =>
              Object.fromEntries(
                by.map((v) => [
                  v.variable,
                  ["a", "b", "x", "y", "z", "p", "q", "other"][data.nextUint32() % 8],
                ]),
              ),
            ),
          );
          const columns = cohortOf(rows, spec);
          const exact = countCells(
            by,
            columns,
            boundContributions(spec, columns, seededRandom(seed)),
          );
          const result = evaluateAnalysis(spec, columns, { threshold: t, rng: seededRandom(seed) });
          if (result.output.kind !== "count") throw new Error("not a table");
          result.output.cells.forEach((cell, i) => {
            if (cell === null) return;
            expect(exact[i]).toBeGreaterThanOrEqual(t);
            expect(cell % 6).toBe(3);
          });
          expect(result.disclosure.suppressedCells).toBe(
            result.output.cells.filter((c) => c === null).length,
          );
          expect(result.allSuppressed).toBe(result.output.cells.every((c) => c === null));
        },
      ),
      { seed: 18, numRuns: 60 },
    );
  });

  it("the same analysis twice on the same data gives different answers (noise is applied)", () => {
    const rows = cohort(400, (i) => DIAGNOSES[i % 3]!);
    const spec = byDiagnosis(100);
    const run = (seed: number) =>
      evaluateAnalysis(spec, cohortOf(rows, spec), { threshold: 10, rng: seededRandom(seed) })
        .output;
    expect(run(1)).not.toEqual(run(2));
  });
});
