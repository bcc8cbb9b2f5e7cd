import { RESTRICTED_ZIP3 } from "./identifier-types";

/**
 * Generalisations Safe Harbor allows: dates keep their year, ages over 89 become "90+",
 * ZIP codes keep their first three digits ("000" in the restricted areas).
 */
// Case-insensitive parts are marked (?i:...), so the pattern also works inside the scanner's
// case-sensitive combined expression.
const MONTHS =
  "(?i:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|jun(?:e)?|jul(?:y)?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)";
const WEEKDAY = "(?:(?i:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-zA-Z]*,?\\s+)?";
const TIME =
  "(?:[T\\s]+\\d{1,2}:\\d{2}(?::\\d{2}(?:\\.\\d+)?)?\\s*(?:(?i:[ap]\\.?m\\.?))?(?:\\s*(?:Z|[+-]\\d{2}:?\\d{2}|UTC|GMT))?)?";

/** Date shapes found in clinical exports, each with the group that holds the year. */
const DATE_SOURCES = [
  `\\d{4}-\\d{1,2}-\\d{1,2}${TIME}`, // 2021-03-04, 2021-03-04T10:00:00Z
  `\\d{4}/\\d{1,2}/\\d{1,2}${TIME}`, // 2021/03/04
  `\\d{4}\\d{2}\\d{2}T\\d{4,6}Z?`, // 20210304T1000Z
  `\\d{1,2}(?<dateSeparator>[/.-])\\d{1,2}\\k<dateSeparator>(?:\\d{4}|\\d{2})${TIME}`, // 03/04/2021, 4.3.2021, 3-4-21
  `${WEEKDAY}(?:${MONTHS})\\.?\\s+\\d{1,2}(?:st|nd|rd|th)?,?\\s+\\d{4}${TIME}`, // March 4, 2021
  `${WEEKDAY}\\d{1,2}(?:st|nd|rd|th)?\\s+(?:of\\s+)?(?:${MONTHS})\\.?,?\\s+\\d{4}${TIME}`, // 4 March 2021
  `\\d{1,2}-(?:${MONTHS})-\\d{2,4}`, // 04-Mar-2021
  `(?:${MONTHS})\\.?\\s+\\d{4}`, // March 2021
  `\\d{4}-\\d{2}`, // 2021-03
];

export const DATE_PATTERN = `(?:${DATE_SOURCES.join("|")})`;
const WHOLE_DATE = new RegExp(`^\\s*${DATE_PATTERN}\\s*$`, "i");

/** The four-digit year of a date written in any of the shapes above, or null. */
export function yearOfDate(text: string): string | null {
  const iso = /^(\d{4})(?:[-/]?\d{2})/.exec(text);
  if (iso) return iso[1]!;
  const four = /\b(1[89]\d{2}|2[01]\d{2})\b/.exec(text);
  if (four) return four[1]!;
  const two = /[/.-](\d{2})(?:\D|$)/.exec(text.trim().slice(-6));
  if (two) {
    const yy = Number(two[1]);
    const century = yy <= new Date().getUTCFullYear() % 100 ? 2000 : 1900;
    return String(century + yy);
  }
  return null;
}

/** The year when the whole value is a date (not a year alone, not "120/80"), else null. */
export function dateValueToYear(value: string): string | null {
  if (!WHOLE_DATE.test(value)) return null;
  return yearOfDate(value);
}

/** Birth years that make someone 90 or older at `now` are reported as "90+". */
export function birthYearOrAggregate(year: string, now = new Date()): string {
  return now.getUTCFullYear() - Number(year) >= 90 ? "90+" : year;
}

export function generalizeAge(value: string): { value: string; isOver89: boolean } {
  const age = Number.parseFloat(value);
  if (Number.isFinite(age) && age > 89) return { value: "90+", isOver89: true };
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
