import "server-only";
import { ANALYSIS_LIMITS } from "~/shared/analysis-spec";

/**
 * The minimum cell count an analysis obeys: the largest any of its listings' owners asked for,
 * never below 5 whatever a stored value says (defence in depth behind the consent form's zod).
 */
export function effectiveThreshold(ownerMinimums: readonly number[]): number {
  const asked = ownerMinimums.filter((value) => Number.isFinite(value));
  const highest = asked.length > 0 ? Math.max(...asked) : ANALYSIS_LIMITS.defaultThreshold;
  return Math.max(ANALYSIS_LIMITS.minThreshold, Math.ceil(highest));
}

/** OpenSAFELY's midpoint-6 rounding: 1–6 → 3, 7–12 → 9, …; zero and below stay 0. */
export function roundMidpoint6(count: bigint | number): number {
  const value = Number(count);
  if (value <= 0) return 0;
  return 6 * Math.ceil(value / 6) - 3;
}

/** Released continuous values carry 3 significant digits, no more than the noise supports. */
export function roundSignificant(value: number, digits = 3): number {
  if (!Number.isFinite(value) || value === 0) return value;
  return Number(value.toPrecision(digits));
}
