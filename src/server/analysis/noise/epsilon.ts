import "server-only";
import type { TAnalysisSpec } from "~/shared/analysis-spec";
import { rationalAtLeast, type Rational } from "./samplers";

/**
 * The ε a spec costs and how it is shared inside one analysis (docs/compute-to-data.md §3.3).
 * Both are pure functions of the spec: the cost is known before any record is read, and the
 * split is fixed in code. Every listing used is charged the spec's ε; analyses compose by
 * addition, so a question asked in parts costs the sum of its parts.
 */
export const DELTA = 1e-7;

export function epsilonCost(spec: TAnalysisSpec): number {
  return spec.epsilonCentis;
}

/** Sequential composition: what a listing pays for all the analyses that used it. */
export function composedCost(specs: TAnalysisSpec[]): number {
  return specs.reduce((sum, spec) => sum + epsilonCost(spec), 0);
}

export type EpsilonPart = "cells" | "n" | "sum" | "sumsq" | "quantile" | "moments";

/** The parts of one analysis and each one's ε in centi-ε, as an exact fraction. */
export function epsilonShares(spec: TAnalysisSpec): { part: EpsilonPart; centis: Rational }[] {
  const q = spec.query;
  const whole = BigInt(spec.epsilonCentis);
  if (q.kind !== "summary") {
    const part = q.kind === "linear" || q.kind === "logistic" ? "moments" : "cells";
    return [{ part, centis: { num: whole, den: 1n } }];
  }
  const parts: EpsilonPart[] = ["n"];
  if (q.stats.includes("mean") || q.stats.includes("sd")) parts.push("sum");
  if (q.stats.includes("sd")) parts.push("sumsq");
  for (const stat of q.stats) if (stat !== "mean" && stat !== "sd") parts.push("quantile");
  const share = { num: whole, den: BigInt(parts.length) };
  return parts.map((part) => ({ part, centis: share }));
}

/** Laplace scale b = Δ / ε for an integer sensitivity Δ and an ε share in centi-ε. */
export function laplaceScale(sensitivity: bigint, centis: Rational): Rational {
  return { num: sensitivity * 100n * centis.den, den: centis.num };
}

export const toNumber = (r: Rational) => Number(r.num) / Number(r.den);

/**
 * The noisy release threshold τ = t + L + b·ln(1/δ) (§3.1): a cell whose neighbour is below t
 * is released with probability at most δ. The discrete Laplace tail is P(X ≥ x) = q^x/(1+q)
 * with q = e^(-1/b), heavier than the continuous ½e^(-x/b) by up to twice: b·ln(1/δ) bounds it
 * for every b, where the continuous b·ln(1/(2δ)) would allow up to 2δ.
 */
export function noisyThreshold(threshold: number, recordsPerListing: number, scale: Rational) {
  return Math.ceil(threshold + recordsPerListing + toNumber(scale) * Math.log(1 / DELTA));
}

/**
 * σ² of the discrete Gaussian for (ε, δ)-DP with L2 sensitivity Δ, through its ρ-zCDP
 * guarantee ρ = Δ²/2σ² (CKS20) and ε = ρ + 2√(ρ ln 1/δ); valid for every ε, rounded upward.
 */
export function gaussianSigma2(sensitivity: number, centis: number): Rational {
  const epsilon = centis / 100;
  const logInverseDelta = Math.log(1 / DELTA);
  const rootRho = Math.sqrt(logInverseDelta + epsilon) - Math.sqrt(logInverseDelta);
  return rationalAtLeast((sensitivity * sensitivity) / (2 * rootRho * rootRho), 1n);
}
