import "server-only";
import type { TAnalysisSpec, TStatKind } from "~/shared/analysis-spec";
import { describeDisclosure, type DisclosureReport } from "../disclosure/report";
import { releaseCounts } from "../disclosure/release-counts";
import { epsilonShares, laplaceScale } from "../noise/epsilon";
import type { RandomSource } from "../noise/random";
import type { Rational } from "../noise/samplers";
import { boundContributions, type CohortColumns } from "./columns";
import { countCells, dimensionLabels, histogramCells } from "./count";
import type { FitTerm } from "./fit";
import { releaseRegression } from "./regression";
import { summariseGroup, type SummaryShares } from "./summary";

/**
 * Runs one spec on one cohort's columns and returns only what may leave: released values and
 * the disclosure report (docs/compute-to-data.md §1–3). Exact statistics stay in here.
 */
export type AnalysisOutput =
  | {
      kind: "count";
      dimensions: { variable: string; levels: string[] }[];
      cells: (number | null)[];
    }
  | { kind: "histogram"; variable: string; edges: number[]; cells: (number | null)[] }
  | {
      kind: "summary";
      variable: string;
      groups: {
        level: string | null;
        n: number | null;
        stats: Partial<Record<TStatKind, number>> | null;
      }[];
    }
  | { kind: "linear" | "logistic"; n: number | null; coefficients: FitTerm[] | null };

export type AnalysisResult = {
  output: AnalysisOutput;
  disclosure: DisclosureReport;
  /** Every cell or group suppressed: the caller refuses (§3.2). */
  allSuppressed: boolean;
};

export function evaluateAnalysis(
  spec: TAnalysisSpec,
  columns: CohortColumns,
  options: { threshold: number; rng: RandomSource },
): AnalysisResult {
  const { threshold, rng } = options;
  const L = spec.recordsPerListing;
  const q = spec.query;
  const shares = epsilonShares(spec);
  const report = (
    noisyThreshold: number,
    suppressedCells: number,
    scale: Rational,
    gaussian = false,
  ) =>
    describeDisclosure({
      threshold,
      noisyThreshold,
      suppressedCells,
      epsilonCentis: spec.epsilonCentis,
      recordsPerListing: L,
      scale,
      mechanism: gaussian ? "discrete-gaussian" : "discrete-laplace",
    });

  if (q.kind === "count" || q.kind === "histogram") {
    const records = boundContributions(spec, columns, rng);
    const scale = laplaceScale(BigInt(L), shares[0]!.centis);
    const exact =
      q.kind === "count"
        ? countCells(q.by, columns, records)
        : histogramCells(q.of, q.bins, columns, records);
    const counts = exact instanceof Int32Array ? exact : exact.cells;
    const released = releaseCounts(counts, { threshold, recordsPerListing: L, scale, rng });
    const output: AnalysisOutput =
      q.kind === "count"
        ? { kind: "count", dimensions: dimensionLabels(q.by), cells: released.cells }
        : {
            kind: "histogram",
            variable: q.of.variable,
            edges: (exact as { edges: number[] }).edges,
            cells: released.cells,
          };
    return {
      output,
      disclosure: report(released.noisyThreshold, released.suppressed, scale),
      allSuppressed: released.suppressed === released.cells.length,
    };
  }

  if (q.kind === "summary") {
    const split: SummaryShares = { n: shares[0]!.centis };
    for (const { part, centis } of shares)
      if (part === "sum" || part === "sumsq" || part === "quantile") split[part] = centis;
    const records = boundContributions(spec, columns, rng);
    const levels = q.by ? [...q.by.levels, "other"] : [null];
    const codes = q.by ? columns.categorical.get(q.by.variable)! : null;
    let tau = 0;
    const groups = levels.map((level, index) => {
      const inGroup = codes ? records.filter((r) => codes[r] === index) : records;
      const g = summariseGroup(q.of, q.stats, columns, inGroup, {
        shares: split,
        threshold,
        recordsPerListing: L,
        rng,
      });
      tau = g.noisyThreshold;
      return { level, n: g.n, stats: g.stats };
    });
    const suppressed = groups.filter((g) => g.n === null).length;
    return {
      output: { kind: "summary", variable: q.of.variable, groups },
      disclosure: report(tau, suppressed, laplaceScale(BigInt(L), split.n)),
      allSuppressed: suppressed === groups.length,
    };
  }

  const outcomeCodes = q.kind === "logistic" ? columns.categorical.get(q.outcome.variable)! : null;
  const records = boundContributions(
    spec,
    columns,
    rng,
    (r) => !outcomeCodes || outcomeCodes[r]! < 2,
  );
  const fit = releaseRegression(q.kind, q.covariates, q.outcome, columns, records, {
    epsilonCentis: spec.epsilonCentis,
    recordsPerListing: L,
    threshold,
    rng,
  });
  return {
    output: { kind: q.kind, n: fit.n, coefficients: fit.coefficients },
    disclosure: report(
      fit.noisyThreshold,
      fit.suppressed ? 1 : 0,
      { num: BigInt(Math.ceil(fit.sigmaCount * 1000)), den: 1000n },
      true,
    ),
    allSuppressed: fit.suppressed,
  };
}
