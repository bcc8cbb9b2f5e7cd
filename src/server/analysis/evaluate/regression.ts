import "server-only";
import { Matrix } from "ml-matrix";
import { isCategorical, type TCategorical, type TNumeric } from "~/shared/analysis-spec";
import { roundMidpoint6, roundSignificant } from "../disclosure/threshold";
import { DELTA, gaussianSigma2 } from "../noise/epsilon";
import type { RandomSource } from "../noise/random";
import { sampleDiscreteGaussian } from "../noise/samplers";
import { clamp, type CohortColumns } from "./columns";
import { fitFromMoments, type FitTerm, type Scaling } from "./fit";

/**
 * Linear and logistic regression from sufficient statistics (docs/compute-to-data.md §1, §3.3).
 * Each record's z = (1, x…, y) is rescaled to [−1, 1] and put on a 2⁻⁸ lattice, so every entry
 * of Z'Z is an exact integer in units of 2⁻¹⁶ and one record moves the upper triangle by at
 * most ‖z‖² ≤ D in L2: discrete Gaussian noise of that sensitivity makes the whole fit private.
 */
const STEP = 256;
const UNIT = STEP * STEP;

type Covariate = TCategorical | TNumeric;

export type RegressionRelease =
  | { suppressed: false; n: number; coefficients: FitTerm[] }
  | { suppressed: true; n: null; coefficients: null };

function designOf(covariates: readonly Covariate[]) {
  const terms = ["(intercept)"];
  const scaling: Scaling[] = [];
  for (const c of covariates) {
    if (isCategorical(c)) {
      for (const level of [...c.levels.slice(1), "other"]) {
        terms.push(`${c.variable}=${level}`);
        scaling.push({ centre: 0, half: 1 });
      }
    } else {
      terms.push(c.variable);
      scaling.push({ centre: (c.min + c.max) / 2, half: (c.max - c.min) / 2 });
    }
  }
  return { terms, scaling };
}

function latticeRow(
  covariates: readonly Covariate[],
  outcome: Covariate,
  columns: CohortColumns,
  record: number,
): number[] {
  const scaled = (v: TNumeric) => {
    const x = clamp(columns.numeric.get(v.variable)![record]!, v.min, v.max);
    return Math.round(((x - (v.min + v.max) / 2) / ((v.max - v.min) / 2)) * STEP);
  };
  const row = [STEP];
  for (const c of covariates) {
    if (isCategorical(c)) {
      const code = columns.categorical.get(c.variable)![record]!;
      for (let level = 1; level <= c.levels.length; level++) row.push(code === level ? STEP : 0);
    } else row.push(scaled(c));
  }
  row.push(
    isCategorical(outcome)
      ? columns.categorical.get(outcome.variable)![record] === 1
        ? STEP
        : 0
      : scaled(outcome),
  );
  return row;
}

/** Exact Z'Z (upper triangle mirrored) in lattice units, as integers. */
export function momentMatrix(
  covariates: readonly Covariate[],
  outcome: Covariate,
  columns: CohortColumns,
  records: readonly number[],
): bigint[][] {
  const d = designOf(covariates).terms.length + 1;
  // Products are integers ≤ 2¹⁶, so float sums stay exact up to 2³⁷ records.
  const sums = Array.from({ length: d }, () => new Float64Array(d));
  for (const record of records) {
    const z = latticeRow(covariates, outcome, columns, record);
    for (let i = 0; i < d; i++) {
      const row = sums[i]!;
      for (let j = i; j < d; j++) row[j]! += z[i]! * z[j]!;
    }
  }
  return sums.map((row) => Array.from(row, (value) => BigInt(value)));
}

export function toScaledMatrix(sums: bigint[][]): Matrix {
  const d = sums.length;
  const m = Matrix.zeros(d, d);
  for (let i = 0; i < d; i++)
    for (let j = i; j < d; j++) {
      const value = Number(sums[i]![j]!) / UNIT;
      m.set(i, j, value);
      m.set(j, i, value);
    }
  return m;
}

export function fitExact(
  kind: "linear" | "logistic",
  covariates: readonly Covariate[],
  outcome: Covariate,
  columns: CohortColumns,
  records: readonly number[],
) {
  const { terms, scaling } = designOf(covariates);
  const outcomeScaling = isCategorical(outcome)
    ? { centre: 0, half: 1 }
    : { centre: (outcome.min + outcome.max) / 2, half: (outcome.max - outcome.min) / 2 };
  const moments = toScaledMatrix(momentMatrix(covariates, outcome, columns, records));
  return fitFromMoments(kind, moments, terms, scaling, outcomeScaling);
}

export function releaseRegression(
  kind: "linear" | "logistic",
  covariates: readonly Covariate[],
  outcome: Covariate,
  columns: CohortColumns,
  records: readonly number[],
  options: {
    epsilonCentis: number;
    recordsPerListing: number;
    threshold: number;
    rng: RandomSource;
  },
): RegressionRelease & { noisyThreshold: number; sigmaCount: number } {
  const exact = momentMatrix(covariates, outcome, columns, records);
  const d = exact.length;
  const sensitivity = options.recordsPerListing * d * UNIT;
  const sigma2 = gaussianSigma2(sensitivity, options.epsilonCentis);
  const sigma = Math.sqrt(Number(sigma2.num) / Number(sigma2.den));
  const noisy = exact.map((row, i) =>
    row.map((value, j) => (j >= i ? value + sampleDiscreteGaussian(sigma2, options.rng) : 0n)),
  );
  // n and each level's size are entries of Z'Z: the same true-or-noisy rule as a table's cells.
  // The margin is one draw's; a sum of k draws needs √k of it (the reference level's size).
  const margin = (sigma / UNIT) * Math.sqrt(2 * Math.log(1 / DELTA));
  const tauFor = (draws: number) =>
    Math.ceil(options.threshold + options.recordsPerListing + margin * Math.sqrt(draws));
  const tau = tauFor(1);
  const column = (m: bigint[][], j: number) => Number(m[0]![j]!) / UNIT;
  const levelColumns = designOf(covariates).terms.flatMap((term, j) =>
    term.includes("=") ? [j] : [],
  );
  const blocked = [0, ...levelColumns].some(
    (j) => column(exact, j) < options.threshold || column(noisy, j) < tau,
  );
  if (blocked || referenceLevelTooSmall(covariates, exact, noisy, options.threshold, tauFor))
    return {
      suppressed: true,
      n: null,
      coefficients: null,
      noisyThreshold: tau,
      sigmaCount: sigma / UNIT,
    };
  const { terms, scaling } = designOf(covariates);
  const outcomeScaling = isCategorical(outcome)
    ? { centre: 0, half: 1 }
    : { centre: (outcome.min + outcome.max) / 2, half: (outcome.max - outcome.min) / 2 };
  const fit = fitFromMoments(kind, toScaledMatrix(noisy), terms, scaling, outcomeScaling);
  return {
    suppressed: false,
    n: roundMidpoint6(Math.round(fit.n)),
    coefficients: fit.coefficients.map((c) => ({
      term: c.term,
      estimate: roundSignificant(c.estimate),
      se: roundSignificant(c.se),
    })),
    noisyThreshold: tau,
    sigmaCount: sigma / UNIT,
  };
}

/**
 * A category's first level is the reference: its size is n minus the other levels', so its
 * noisy size carries 1 + (levels subtracted) independent draws, and its τ is widened to match.
 */
function referenceLevelTooSmall(
  covariates: readonly Covariate[],
  exact: bigint[][],
  noisy: bigint[][],
  threshold: number,
  tauFor: (draws: number) => number,
): boolean {
  let j = 1;
  for (const c of covariates) {
    if (!isCategorical(c)) {
      j++;
      continue;
    }
    const size = (m: bigint[][]) => {
      let rest = m[0]![0]!;
      for (let k = 0; k < c.levels.length; k++) rest -= m[0]![j + k]!;
      return Number(rest) / UNIT;
    };
    if (size(exact) < threshold || size(noisy) < tauFor(1 + c.levels.length)) return true;
    j += c.levels.length;
  }
  return false;
}
