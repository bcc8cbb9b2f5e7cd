import "server-only";
/**
 * Dates as people write them, and what may be kept of them: the year, when it can be read
 * with certainty. A two-digit year is read only when the answer is certain (later than this
 * year's two digits means the 1900s, since records do not describe the future) or when the
 * column's other values settle it; otherwise the date is removed and counted, never guessed.
 */
const MONTH_NAMES =
  "(?:Jan(?:uary|\\.)?|Feb(?:ruary|\\.)?|Mar(?:ch|\\.)?|Apr(?:il|\\.)?|May|Jun(?:e|\\.)?|Jul(?:y|\\.)?|Aug(?:ust|\\.)?|Sep(?:t(?:ember|\\.)?|\\.)?|Oct(?:ober|\\.)?|Nov(?:ember|\\.)?|Dec(?:ember|\\.)?|JAN(?:UARY)?|FEB(?:RUARY)?|MAR(?:CH)?|APR(?:IL)?|MAY|JUNE?|JULY?|AUG(?:UST)?|SEPT?(?:EMBER)?|OCT(?:OBER)?|NOV(?:EMBER)?|DEC(?:EMBER)?)";
const WEEKDAY =
  "(?:(?:Mon|Tue|Tues|Wed|Thu|Thur|Thurs|Fri|Sat|Sun)(?:day|nesday|sday|urday|\\.)?,?\\s{1,3})?";
const TIME =
  "(?:(?:T|\\s{1,3}(?:at\\s)?)\\d{1,2}:\\d{2}(?::\\d{2}(?:\\.\\d{1,9})?)?(?:\\s?[AaPp]\\.?[Mm]\\.?)?(?:\\s?(?:Z|[+-]\\d{2}:?\\d{2}|UTC|GMT))?)?";
const ORDINAL = "(?:st|nd|rd|th)";
const YEAR_TAIL = "(?:,?\\s{1,3}(?:\\d{4}|'\\d{2}))";

/** Sources, without capture groups, for the scanner's combined expression. */
export const DATE_SOURCES = [
  `\\d{4}-\\d{1,2}-\\d{1,2}${TIME}`, // 2021-03-04, 2021-03-04T10:00:00Z
  `\\d{4}/\\d{1,2}/\\d{1,2}${TIME}`, // 2021/03/04
  `(?:19|20)\\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\\d|3[01])(?:T\\d{4,6}Z?)?`, // 20210304
  `\\d{1,2}/\\d{1,2}/(?:\\d{4}|\\d{2})${TIME}`, // 03/04/2021, 3/4/21
  `\\d{1,2}\\.\\d{1,2}\\.(?:\\d{4}|\\d{2})${TIME}`, // 4.3.2021
  `\\d{1,2}-\\d{1,2}-(?:\\d{4}|\\d{2})${TIME}`, // 3-4-21
  `${WEEKDAY}(?:the\\s)?\\d{1,2}${ORDINAL}?(?:\\sof)?\\s{1,3}${MONTH_NAMES}${YEAR_TAIL}?${TIME}`, // 3 March 2021, 3rd of March
  `${WEEKDAY}${MONTH_NAMES}\\s{1,3}(?:the\\s)?\\d{1,2}${ORDINAL}?\\b${YEAR_TAIL}?${TIME}`, // March 3, 2021; March 3rd
  `\\d{1,2}-${MONTH_NAMES}-(?:\\d{4}|\\d{2})`, // 04-Mar-2021
  `${MONTH_NAMES}-\\d{1,2}-\\d{4}`, // Mar-04-2021
  `${MONTH_NAMES}\\s{1,3}(?:19|20)\\d{2}`, // March 2021
  `(?:18|19|20)\\d{2}-(?:0[1-9]|1[0-2])(?![\\d-])`, // 2021-03
];

export type ParsedDate = {
  /** Four-digit year, when written. */
  year: number | null;
  /** Two-digit year, when that is all there is. */
  shortYear: number | null;
  /** For all-numeric day/month dates: the two fields before the year, in writing order. */
  fields: [number, number] | null;
  isYearFirst: boolean;
};

const MONTH_WORD = new RegExp(MONTH_NAMES);

export function parseDate(text: string): ParsedDate | null {
  const trimmed = text.trim();
  let match = /^(\d{4})[-/](\d{1,2})(?:[-/](\d{1,2}))?/.exec(trimmed);
  if (match) {
    const month = Number(match[2]);
    const day = match[3] === undefined ? 1 : Number(match[3]);
    if (month < 1 || month > 12 || day < 1 || day > 31) return null;
    return { year: Number(match[1]), shortYear: null, fields: null, isYearFirst: true };
  }
  match = /^(\d{4})(\d{2})(\d{2})/.exec(trimmed);
  if (match) return { year: Number(match[1]), shortYear: null, fields: null, isYearFirst: true };
  match = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})(?!\d)/.exec(trimmed);
  if (match) {
    const first = Number(match[1]);
    const second = Number(match[2]);
    // Valid as month/day or as day/month?
    const isValid = (month: number, day: number) =>
      month >= 1 && month <= 12 && day >= 1 && day <= 31;
    if (!isValid(first, second) && !isValid(second, first)) return null;
    const year = match[3]!;
    return {
      year: year.length === 4 ? Number(year) : null,
      shortYear: year.length === 2 ? Number(year) : null,
      fields: [first, second],
      isYearFirst: false,
    };
  }
  if (!MONTH_WORD.test(trimmed)) return null;
  const four = /(?<!\d)((?:18|19|20)\d{2})(?!\d)/.exec(trimmed);
  if (four) return { year: Number(four[1]), shortYear: null, fields: null, isYearFirst: false };
  const two = /(?:'|-)(\d{2})$/.exec(trimmed);
  if (two) return { year: null, shortYear: Number(two[1]), fields: null, isYearFirst: false };
  return { year: null, shortYear: null, fields: null, isYearFirst: false };
}

/** How a column writes its dates, learnt from all its values. */
export type DateReading = {
  order: "month/day" | "day/month" | "year first" | "unknown" | "inconsistent";
  /** Two-digit years of this column: which century, when certain. */
  century: 1900 | 2000 | "mixed" | null;
};

export type DateEvidence = {
  firstOver12: number;
  secondOver12: number;
  yearFirst: number;
  /** Bit i set when two-digit year i was seen. */
  shortYears: Set<number>;
};

export function newDateEvidence(): DateEvidence {
  return { firstOver12: 0, secondOver12: 0, yearFirst: 0, shortYears: new Set() };
}

export function addDateEvidence(evidence: DateEvidence, parsed: ParsedDate) {
  if (parsed.isYearFirst) evidence.yearFirst += 1;
  if (parsed.fields) {
    if (parsed.fields[0] > 12) evidence.firstOver12 += 1;
    if (parsed.fields[1] > 12) evidence.secondOver12 += 1;
  }
  if (parsed.shortYear !== null) evidence.shortYears.add(parsed.shortYear);
}

export function resolveDateReading(evidence: DateEvidence, now: Date): DateReading {
  const order =
    evidence.firstOver12 > 0 && evidence.secondOver12 > 0
      ? "inconsistent"
      : evidence.firstOver12 > 0
        ? "day/month"
        : evidence.secondOver12 > 0
          ? "month/day"
          : evidence.yearFirst > 0
            ? "year first"
            : "unknown";
  const thisYear = now.getUTCFullYear() % 100;
  const years = [...evidence.shortYears];
  const century =
    years.length === 0
      ? null
      : years.every((year) => year > thisYear)
        ? 1900
        : years.every((year) => year <= thisYear)
          ? 2000
          : "mixed";
  return { order, century };
}

/**
 * The four-digit year a date stands for, or null when it cannot be known for certain: a
 * two-digit year later than this year's is in the 1900s; an earlier one only when the
 * column's reading says all its two-digit years are in the 2000s.
 */
export function yearOf(parsed: ParsedDate, now: Date, reading?: DateReading): number | null {
  if (parsed.year !== null) return parsed.year;
  if (parsed.shortYear === null) return null;
  if (parsed.shortYear > now.getUTCFullYear() % 100) return 1900 + parsed.shortYear;
  if (reading?.century === 2000) return 2000 + parsed.shortYear;
  return null;
}

/** Whole-value dates (a date column's cells). */
const WHOLE_DATE = new RegExp(`^\\s*(?:${DATE_SOURCES.join("|")})\\s*$`);

export function parseWholeDate(value: string): ParsedDate | null {
  if (value.length > 60 || !WHOLE_DATE.test(value)) return null;
  return parseDate(value);
}
