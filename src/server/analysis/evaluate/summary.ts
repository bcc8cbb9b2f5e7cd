import "server-only";
import type { TNumeric, TStatKind } from "~/shared/analysis-spec";
import { roundSignificant } from "../disclosure/threshold";
import { noisyCount } from "../disclosure/release-counts";
import { laplaceScale, noisyThreshold } from "../noise/epsilon";
import type { RandomSource } from "../noise/random";
import { sampleDiscreteLaplace, type Rational } from "../noise/samplers";
import { clamp, type CohortColumns } from "./columns";

/**
 * Mean, sd and quantiles of a measurement per group (docs/compute-to-data.md §1, §3.3). Values
 * are clamped to the declared range and put on a lattice of 2⁻¹⁶ of it around its centre, so
 * every sum is an integer with a known sensitivity; quantiles come from a noisy maximum over a
 * 1,000-point grid with integer rank utilities.
 */
export const LATTICE = 1 << 16;
const HALF = LATTICE / 2;
const GRID = 1_000;
const QUANTILE: Partial<Record<TStatKind, number>> = {
  median: 50,
  q25: 25,
  q75: 75,
  q10: 10,
  q90: 90,
};

export type SummaryShares = { n: Rational; sum?: Rational; sumsq?: Rational; quantile?: Rational };

export type GroupSummary = { n: number | null; stats: Partial<Record<TStatKind, number>> | null };

export function summariseGroup(
  of: TNumeric,
  stats: readonly TStatKind[],
  columns: CohortColumns,
  records: readonly number[],
  options: {
    shares: SummaryShares;
    threshold: number;
    recordsPerListing: number;
    rng: RandomSource;
  },
): GroupSummary & { noisyThreshold: number } {
  const L = BigInt(options.recordsPerListing);
  const raw = columns.numeric.get(of.variable)!;
  const values = records.map((r) => clamp(raw[r]!, of.min, of.max));
  const lattice = values.map((x) =>
    BigInt(Math.round(((x - of.min) / (of.max - of.min)) * LATTICE) - HALF),
  );
  const nScale = laplaceScale(L, options.shares.n);
  const tau = noisyThreshold(options.threshold, options.recordsPerListing, nScale);
  const counted = noisyCount(values.length, tau, { ...options, scale: nScale });
  if (counted.released === null) return { n: null, stats: null, noisyThreshold: tau };
  const rng = options.rng;
  // The unrounded noisy n divides the sums; the released n is the rounded one.
  const safeN = Math.max(Number(counted.noisy), 1);
  const toValue = (latticeValue: number) =>
    ((latticeValue + HALF) / LATTICE) * (of.max - of.min) + of.min;
  const result: Partial<Record<TStatKind, number>> = {};
  let meanLattice = 0;
  if (options.shares.sum) {
    const sum = lattice.reduce((a, b) => a + b, 0n);
    const noisy =
      sum + sampleDiscreteLaplace(laplaceScale(L * BigInt(HALF), options.shares.sum), rng);
    meanLattice = clamp(Number(noisy) / safeN, -HALF, HALF);
    if (stats.includes("mean")) result.mean = roundSignificant(toValue(meanLattice));
  }
  if (options.shares.sumsq) {
    const sumsq = lattice.reduce((a, b) => a + b * b, 0n);
    const sensitivity = L * BigInt(HALF) * BigInt(HALF);
    const noisy =
      sumsq + sampleDiscreteLaplace(laplaceScale(sensitivity, options.shares.sumsq), rng);
    const variance = Math.max(0, Number(noisy) / safeN - meanLattice * meanLattice);
    result.sd = roundSignificant((Math.sqrt(variance) / LATTICE) * (of.max - of.min));
  }
  const sorted = [...values].sort((a, b) => a - b);
  for (const stat of stats) {
    const q = QUANTILE[stat];
    if (q === undefined || !options.shares.quantile) continue;
    result[stat] = roundSignificant(noisyQuantile(sorted, q, of, options.shares.quantile, L, rng));
  }
  return { n: counted.released, stats: result, noisyThreshold: tau };
}

/**
 * Report-noisy-max over the grid with discrete Laplace noise of scale 2Δ/ε on the utility
 * −|100·#{x ≤ g} − q·n| (Δ = 100·L): an ε-DP choice that never touches floating-point noise.
 */
function noisyQuantile(
  sorted: readonly number[],
  q: number,
  of: TNumeric,
  share: Rational,
  L: bigint,
  rng: RandomSource,
): number {
  const scale = laplaceScale(2n * 100n * L, share);
  const n = sorted.length;
  let below = 0;
  let best = 0;
  let bestScore: bigint | null = null;
  for (let k = 0; k < GRID; k++) {
    const g = of.min + (k * (of.max - of.min)) / (GRID - 1);
    while (below < n && sorted[below]! <= g) below++;
    const utility = -BigInt(Math.abs(100 * below - q * n));
    const score = utility + sampleDiscreteLaplace(scale, rng);
    if (bestScore === null || score > bestScore) {
      bestScore = score;
      best = g;
    }
  }
  return best;
}
