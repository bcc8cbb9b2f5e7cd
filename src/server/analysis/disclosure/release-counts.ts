import "server-only";
import { noisyThreshold } from "../noise/epsilon";
import type { RandomSource } from "../noise/random";
import { sampleDiscreteLaplace, type Rational } from "../noise/samplers";
import { roundMidpoint6 } from "./threshold";

/**
 * Releases a vector of counts (docs/compute-to-data.md §3.1): noise on the exact value first,
 * then suppression when the true count is below t or the noisy count below τ, then midpoint-6
 * rounding. A suppressed cell is `null`; the report never says which of the two rules fired,
 * because that distinction would itself tell the true count.
 */
export type CountRelease = {
  cells: (number | null)[];
  suppressed: number;
  noisyThreshold: number;
};

export type CountReleaseOptions = {
  threshold: number;
  recordsPerListing: number;
  scale: Rational;
  rng: RandomSource;
};

export function releaseCounts(
  exact: ArrayLike<number>,
  options: CountReleaseOptions,
): CountRelease {
  const tau = noisyThreshold(options.threshold, options.recordsPerListing, options.scale);
  let suppressed = 0;
  const cells = Array.from(exact, (count) => {
    const { released } = noisyCount(count, tau, options);
    if (released === null) suppressed++;
    return released;
  });
  return { cells, suppressed, noisyThreshold: tau };
}

/** One count's noisy value (for dividing sums by) and its released form, from one draw. */
export function noisyCount(count: number, tau: number, options: CountReleaseOptions) {
  const noisy = BigInt(count) + sampleDiscreteLaplace(options.scale, options.rng);
  const released = count < options.threshold || noisy < BigInt(tau) ? null : roundMidpoint6(noisy);
  return { noisy, released };
}
