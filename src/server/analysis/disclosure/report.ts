import "server-only";
import type { Rational } from "../noise/samplers";
import { toNumber } from "../noise/epsilon";

/** What the researcher is told about the checks, shown above every table (§3.2). */
export type DisclosureReport = {
  threshold: number;
  noisyThreshold: number;
  suppressedCells: number;
  reasons: { belowThreshold: number };
  rounding: "midpoint-6";
  epsilonCentis: number;
  recordsPerListing: number;
  noiseScale: number;
  mechanism: "discrete-laplace" | "discrete-gaussian";
};

export function describeDisclosure(input: {
  threshold: number;
  noisyThreshold: number;
  suppressedCells: number;
  epsilonCentis: number;
  recordsPerListing: number;
  scale: Rational;
  mechanism?: DisclosureReport["mechanism"];
}): DisclosureReport {
  return {
    threshold: input.threshold,
    noisyThreshold: input.noisyThreshold,
    suppressedCells: input.suppressedCells,
    reasons: { belowThreshold: input.suppressedCells },
    rounding: "midpoint-6",
    epsilonCentis: input.epsilonCentis,
    recordsPerListing: input.recordsPerListing,
    noiseScale: toNumber(input.scale),
    mechanism: input.mechanism ?? "discrete-laplace",
  };
}

/** How a suppressed cell reads: the same words whichever rule suppressed it. */
export const suppressedLabel = (threshold: number) => `< ${threshold} (suppressed)`;
