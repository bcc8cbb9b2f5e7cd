import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { seededRandom, uniformBelow, type RandomSource } from "./random";
import {
  bernoulli,
  bernoulliExpNeg,
  sampleDiscreteGaussian,
  sampleDiscreteLaplace,
} from "./samplers";

/** Statistical checks run at fixed seeds: the same answer on every run, never flaky. */
const chiSquare = (observed: number[], expected: number[]) =>
  observed.reduce((sum, o, i) => sum + (o - expected[i]!) ** 2 / expected[i]!, 0);

/** χ² over x in [−k, k] plus two tails, against a pmf known in closed form. */
function histogramTest(draw: () => bigint, pmf: (x: number) => number, k: number, draws: number) {
  const observed = new Array<number>(2 * k + 3).fill(0);
  for (let i = 0; i < draws; i++) {
    const x = Number(draw());
    const bin = x < -k ? 0 : x > k ? 2 * k + 2 : x + k + 1;
    observed[bin]!++;
  }
  const inner = Array.from({ length: 2 * k + 1 }, (_, i) => pmf(i - k));
  const tail = (1 - inner.reduce((a, b) => a + b, 0)) / 2;
  const expected = [tail, ...inner, tail].map((p) => p * draws);
  return { statistic: chiSquare(observed, expected), bins: observed.length };
}

// Critical values of χ² at p = 0.001 for the degrees of freedom used below.
const CHI2_001 = { 22: 48.27, 26: 54.05 } as const;

describe("exact noise samplers", () => {
  it("a uniform pick over every possible word is exactly uniform (no modulo bias)", () => {
    for (let n = 1; n <= 64; n++) {
      const bits = Math.max(1, (n - 1).toString(2).length);
      const counts = new Array<number>(n).fill(0);
      // Every masked word value once: an exact enumeration, not a sample.
      let word = 0;
      const enumerate: RandomSource = { nextUint32: () => word };
      for (word = 0; word < 2 ** bits; word++) {
        if (word >= n) continue;
        counts[Number(uniformBelow(BigInt(n), enumerate))]!++;
      }
      expect(counts.every((c) => c === 1)).toBe(true);
    }
  });

  it("Bernoulli(num/den) is true for exactly num of den equally likely words", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 0, max: 40 }), (den, raw) => {
        const num = Math.min(raw, den);
        let word = 0;
        const enumerate: RandomSource = { nextUint32: () => word };
        let hits = 0;
        for (word = 0; word < den; word++)
          if (bernoulli({ num: BigInt(num), den: BigInt(den) }, enumerate)) hits++;
        expect(hits).toBe(num);
      }),
      { seed: 18, numRuns: 200 },
    );
  });

  it("Bernoulli(exp(−γ)) matches exp(−γ) at a fixed seed", () => {
    const rng = seededRandom(7);
    for (const [num, den] of [
      [1n, 3n],
      [1n, 1n],
      [5n, 2n],
      [0n, 1n],
    ] as const) {
      const p = Math.exp(-Number(num) / Number(den));
      const draws = 40_000;
      let hits = 0;
      for (let i = 0; i < draws; i++) if (bernoulliExpNeg({ num, den }, rng)) hits++;
      expect(Math.abs(hits / draws - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / draws) + 1e-9);
    }
  });

  it("discrete Laplace output is always an integer, symmetric, for any scale (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 400 }),
        fc.integer({ min: 1, max: 200 }),
        fc.integer(),
        (s, t, seed) => {
          const rng = seededRandom(seed);
          let positive = 0;
          let negative = 0;
          const draws = 400;
          for (let i = 0; i < draws; i++) {
            const x = sampleDiscreteLaplace({ num: BigInt(s), den: BigInt(t) }, rng);
            expect(typeof x).toBe("bigint");
            if (x > 0n) positive++;
            if (x < 0n) negative++;
          }
          // Symmetry: the sign is a fair coin given x ≠ 0 (6σ so no seed of the run trips it).
          const signed = positive + negative;
          expect(Math.abs(positive - negative)).toBeLessThanOrEqual(6 * Math.sqrt(signed) + 1);
        },
      ),
      { seed: 42, numRuns: 60 },
    );
  });

  it("discrete Laplace follows its pmf (χ², 100,000 draws, fixed seed)", () => {
    const rng = seededRandom(2026);
    const b = 3 / 2;
    const r = Math.exp(-1 / b);
    const pmf = (x: number) => ((1 - r) / (1 + r)) * r ** Math.abs(x);
    const { statistic, bins } = histogramTest(
      () => sampleDiscreteLaplace({ num: 3n, den: 2n }, rng),
      pmf,
      10,
      100_000,
    );
    expect(bins - 1).toBe(22);
    expect(statistic).toBeLessThan(CHI2_001[22]);
  });

  it("discrete Gaussian follows its pmf (χ², 100,000 draws, fixed seed)", () => {
    const rng = seededRandom(99);
    const sigma2 = 9 / 2;
    const weights = Array.from({ length: 201 }, (_, i) =>
      Math.exp(-((i - 100) ** 2) / (2 * sigma2)),
    );
    const total = weights.reduce((a, b) => a + b, 0);
    const pmf = (x: number) => weights[x + 100]! / total;
    const { statistic, bins } = histogramTest(
      () => sampleDiscreteGaussian({ num: 9n, den: 2n }, rng),
      pmf,
      12,
      100_000,
    );
    expect(bins - 1).toBe(26);
    expect(statistic).toBeLessThan(CHI2_001[26]);
  });

  it("the same seed gives the same noise, a different seed different noise", () => {
    const draw = (seed: number) => {
      const rng = seededRandom(seed);
      return Array.from({ length: 20 }, () => sampleDiscreteLaplace({ num: 10n, den: 1n }, rng));
    };
    expect(draw(1)).toEqual(draw(1));
    expect(draw(1)).not.toEqual(draw(2));
  });
});
