import "server-only";
import type { AgeUnit } from "./column-rules";
import { RESTRICTED_ZIP3 } from "./identifier-types";

/**
 * Generalisations Safe Harbor allows: birth years of people 90 or older become "90+", ages
 * over 89 (in any unit) become "90+", ZIP codes keep their first three digits ("000" in the
 * restricted areas).
 */
export function birthYearOrAggregate(year: number, now: Date): string {
  return now.getUTCFullYear() - year >= 90 ? "90+" : String(year);
}

/** How many of each unit make 90 years. */
const NINETY_YEARS: Record<AgeUnit, number> = {
  years: 90,
  months: 1080,
  weeks: 4696,
  days: 32_872,
  hours: 788_923,
};

export function generalizeAge(
  value: string,
  unit: AgeUnit = "years",
): { value: string; isOver89: boolean } | null {
  if (!/^\s*\d{1,7}(?:\.\d+)?\s*$/.test(value)) return null;
  const age = Number.parseFloat(value);
  if (age >= NINETY_YEARS[unit] || (unit === "years" && age > 89))
    return { value: "90+", isOver89: true };
  return { value, isOver89: false };
}

export function generalizeZip(value: string): { value: string; isRestricted: boolean } {
  const digits = /^\s*(\d{3})\d{2}(?:-?\d{4})?\s*$/.exec(value) ?? /^\s*(\d{3})\s*$/.exec(value);
  if (!digits) return { value: "", isRestricted: false };
  const zip3 = digits[1]!;
  return RESTRICTED_ZIP3.has(zip3)
    ? { value: "000", isRestricted: true }
    : { value: zip3, isRestricted: false };
}
