import "server-only";
import { isIPv6 } from "node:net";
import {
  isDeaNumber,
  isIban,
  isLoincCode,
  isLuhnValid,
  isNhsNumber,
  isSinNumber,
} from "./checksums";
import {
  CLINICAL_ABBREVIATIONS,
  CODE_SYSTEM_LABELS,
  DATE_CUES,
  US_STATE_PATTERN,
} from "./clinical-vocabulary";
import { DATE_SOURCES, parseDate, yearOf, type DateReading } from "./dates";
import type { IdentifierType } from "./identifier-types";
import { RESTRICTED_ZIP3 } from "./identifier-types";

/**
 * Identifier shapes found by one combined regular expression, in one pass over a value. Every
 * quantifier is bounded, so the work is linear in the value's length whatever it holds. A
 * match is then judged by code (check digits, labels and cue words before it), which can
 * redact it, generalise it (dates to years, ZIP codes to three digits), keep it (a SNOMED code
 * after "SNOMED") or flag it for the participant.
 */
export type SpanAction = "redacted" | "generalized" | "flagged" | "kept";

export type Span = {
  start: number;
  end: number;
  type: IdentifierType;
  action: SpanAction;
  /** What replaces the text (for redacted and generalized spans). */
  replacement?: string;
};

export type PatternContext = {
  now: Date;
  /** The column's date reading, for two-digit years. */
  dateReading?: DateReading;
};

type Judge = (match: string, text: string, at: number, context: PatternContext) => Span[] | null;
/** `trigger`: a cheap test that a value may hold this detector's match at all. */
type Detector = { source: string; judge: Judge; trigger?: RegExp };

const placeholder = (type: IdentifierType) => `[${type}]`;
const redact =
  (type: IdentifierType) =>
  (match: string, _text: string, at: number): Span[] => [
    { start: at, end: at + match.length, type, action: "redacted", replacement: placeholder(type) },
  ];

/** Up to `count` lower-case words before position `at` (looking back at most 40 characters). */
export function wordsBefore(text: string, at: number, count: number): string[] {
  // Within the clause: a label before ";" or a full stop belongs to something else.
  const window = text
    .slice(Math.max(0, at - 40), at)
    .toLowerCase()
    .split(/[;!?\n]|\.\s/)
    .at(-1)!;
  const words = window.match(/[\p{L}\d][\p{L}\d'’.-]*/gu) ?? [];
  return words.slice(-count).map((word) => word.replace(/[.:]+$/, ""));
}

const LABEL_TYPES: [RegExp, IdentifierType][] = [
  [/^(mrn|chart|record|hospital|hosp|mr)$/, "MRN"],
  [
    /^(member|policy|plan|insurance|insurer|medicaid|medicare|beneficiary|subscriber|payer)$/,
    "HEALTH_PLAN",
  ],
  [/^(account|acct|card|iban|bank|routing|billing)$/, "ACCOUNT"],
  [/^(licen[cs]e|dl|passport|npi|dea|certificate|registration)$/, "LICENSE"],
  [/^(vin|plate|car|vehicle|registration)$/, "VEHICLE"],
  [
    /^(serial|sn|s\/n|device|udi|imei|pacemaker|implant|tracker|pump|monitor|adapter|model)$/,
    "DEVICE",
  ],
  [/^(fingerprint|voiceprint|voice|retina|iris|biometric|palm|face)$/, "BIOMETRIC"],
  [/^(photo|image|picture|img)$/, "PHOTO"],
  [/^(ssn|social|security)$/, "SSN"],
  [/^(fax|facsimile)$/, "FAX"],
];

function labelType(text: string, at: number): IdentifierType | null {
  for (const word of wordsBefore(text, at, 3).reverse())
    for (const [pattern, type] of LABEL_TYPES) if (pattern.test(word)) return type;
  return null;
}

function hasCodeLabel(text: string, at: number): boolean {
  return wordsBefore(text, at, 2).some(
    (word) => CODE_SYSTEM_LABELS.has(word) || /^(code|codes)$/.test(word),
  );
}

function generalizeZip(zip: string): string {
  const zip3 = zip.slice(0, 3);
  return RESTRICTED_ZIP3.has(zip3) ? "000" : zip3;
}

/** Judges a run of digits with separators: phones, SSNs, national ids, cards, long numbers. */
const judgeDigits: Judge = (match, text, at) => {
  const digits = match.replace(/\D/g, "");
  // Short numbers (doses, scores, counts) need no further look.
  if (digits.length < 4 || /^\d+\.\d+$/.test(match)) return null;
  const groups = match
    .replace(/^\+/, "")
    .split(/[\s.()-]+/)
    .filter(Boolean);
  const shape = groups.map((group) => group.length).join("-");
  const label = labelType(text, at);
  const span = (type: IdentifierType, start = at, end = at + match.length): Span => ({
    start,
    end,
    type,
    action: "redacted",
    replacement: placeholder(type),
  });
  const phoneType: IdentifierType = label === "FAX" ? "FAX" : "PHONE";
  if (match.startsWith("+") && digits.length >= 7 && digits.length <= 15) return [span(phoneType)];
  if (/^\(\d{3}\)/.test(match) && digits.length >= 10) return [span(phoneType)];
  if (/^\d+\.\d+$/.test(match)) return null; // a decimal
  const isSpaced = /\s/.test(match);
  if (shape === "3-2-4") return [span("SSN")];
  if (shape === "3-3-4") return [span(isNhsNumber(digits) && isSpaced ? "OTHER_ID" : phoneType)];
  if (shape === "3-3-3") return [span(isSinNumber(digits) ? "OTHER_ID" : (label ?? "OTHER_ID"))];
  if (shape === "3-4" && !isSpaced) return [span(phoneType)];
  if (
    /^(4-4-4-4|4-6-5|4-4-4-4-3|4-4-4-1)$/.test(shape) ||
    (isLuhnValid(digits) && digits.length >= 13 && digits.length <= 19 && groups.length >= 3)
  )
    return [span(isLuhnValid(digits) ? (label ?? "ACCOUNT") : (label ?? "OTHER_ID"))];
  if (
    digits.startsWith("0") &&
    digits.length >= 10 &&
    digits.length <= 11 &&
    /^(5-6|3-4-4|4-3-4|5-3-3|4-6|3-3-4|2-4-4|11)$/.test(shape)
  )
    return [span(phoneType)];
  if (/^\d{1,6}-\d$/.test(match))
    return isLoincCode(match) || digits.length < 7
      ? [{ start: at, end: at + match.length, type: "OTHER_ID", action: "kept" }]
      : null;
  if (/^(4-4-2|5-3-2|5-4-1|5-4-2)$/.test(shape) && !label)
    return [{ start: at, end: at + match.length, type: "OTHER_ID", action: "kept" }];
  if (groups.length === 1) {
    if (hasCodeLabel(text, at) && label !== "LICENSE")
      return [{ start: at, end: at + match.length, type: "OTHER_ID", action: "kept" }];
    if (digits.length === 10)
      return [
        span(
          label ??
            (isNhsNumber(digits)
              ? "OTHER_ID"
              : /^[2-9]\d{2}[2-9]/.test(digits)
                ? phoneType
                : "OTHER_ID"),
        ),
      ];
    if (digits.length === 11 && (/^0/.test(digits) || /^1[2-9]\d{2}[2-9]/.test(digits)))
      return [span(label ?? phoneType)];
    if (digits.length === 15 && isLuhnValid(digits)) return [span(label ?? "DEVICE")];
    if (digits.length === 9) return [span(label ?? "OTHER_ID")];
    if (digits.length >= 7) return [span(label ?? "OTHER_ID")];
    if (label && digits.length >= 4) return [span(label)];
    return null;
  }
  if (isSpaced) {
    // Numbers that happen to stand side by side ("BP 128 82"): only long groups are ids.
    const spans: Span[] = [];
    let cursor = at;
    for (const piece of match.split(/(\s+)/)) {
      const pieceDigits = piece.replace(/\D/g, "");
      if (pieceDigits.length >= 7)
        spans.push(span(label ?? "OTHER_ID", cursor, cursor + piece.length));
      cursor += piece.length;
    }
    return spans.length > 0 ? spans : null;
  }
  if (digits.length >= 7 || (label && digits.length >= 4)) return [span(label ?? "OTHER_ID")];
  return null;
};

/** Tokens of letters and digits: record numbers, serials, licences, plates, hashes. */
const judgeCode: Judge = (match, text, at) => {
  const digits = match.replace(/\D/g, "").length;
  const letters = match.replace(/[^A-Za-z]/g, "").length;
  if (letters === 0 || digits === 0) return null;
  if (
    CODE_SYSTEM_LABELS.has(match.toLowerCase()) ||
    CLINICAL_ABBREVIATIONS.has(match.toLowerCase())
  )
    return null;
  const label = labelType(text, at);
  if (digits < 4 && !(label && match.length >= 5 && digits >= 2)) return null;
  if (
    /^\d+(?:[.,]\d+)?(?:[a-zA-Zµ%]{1,6}(?:\/[a-zA-Z0-9.]{1,8})?)$/.test(match) || // 1500mg, 10000IU, 5mg/kg
    /^[A-TV-Z]\d[0-9A-Z](?:\.[0-9A-Z]{1,4})?$/.test(match) || // ICD-10
    /^\d{4}[FTU]$/.test(match) || // CPT category II/III
    /^[A-Z]\d{2}[A-Z]{2}\d{2}$/.test(match) || // ATC
    /^rs\d+$/.test(match) || // dbSNP
    /^(?:NM|NP|NC|NG|NR|XM|XP|ENST|ENSG)_?\d+(?:\.\d+)?$/.test(match) || // reference sequences
    /^[cgpmnr]\.[A-Z*]?\d/.test(match) // HGVS
  )
    return null;
  if (hasCodeLabel(text, at) && !label)
    return [{ start: at, end: at + match.length, type: "OTHER_ID", action: "kept" }];
  if (isDeaNumber(match))
    return [
      {
        start: at,
        end: at + match.length,
        type: "LICENSE",
        action: "redacted",
        replacement: "[LICENSE]",
      },
    ];
  if (/^[A-HJ-NPR-Z0-9]{17}$/.test(match)) return redact(label ?? "VEHICLE")(match, text, at);
  return redact(label ?? "OTHER_ID")(match, text, at);
};

const judgeDate =
  (requireCue: boolean): Judge =>
  (match, text, at, context) => {
    if (requireCue && !DATE_CUES.has(wordsBefore(text, at, 1)[0] ?? "")) return null;
    const parsed = requireCue
      ? { year: null, shortYear: null, fields: null, isYearFirst: false }
      : parseDate(match);
    if (!parsed) return null;
    const year = yearOf(parsed, context.now, context.dateReading);
    const end = at + match.length;
    if (year === null)
      return [{ start: at, end, type: "DATE", action: "redacted", replacement: "[DATE]" }];
    return [{ start: at, end, type: "DATE", action: "generalized", replacement: String(year) }];
  };

const AGE = "(?:9\\d|1[0-4]\\d)";

export const DETECTORS: Detector[] = [
  {
    source:
      "[\\p{L}\\p{N}._%+-]{1,64}@[\\p{L}\\p{N}-]{1,63}(?:\\.[\\p{L}\\p{N}-]{1,63}){0,8}\\.\\p{L}{2,24}",
    trigger: /@/,
    judge: redact("EMAIL"),
  },
  {
    source: "(?:https?|ftp)://[^\\s<>\"']{1,2000}|www\\.[^\\s<>\"']{1,2000}",
    trigger: /:\/\/|www\./i,
    judge: (match, text, at) =>
      isTerminologyUri(match)
        ? [{ start: at, end: at + match.length, type: "URL", action: "kept" }]
        : redact("URL")(match, text, at),
  },
  {
    source:
      "(?<![\\w/])[\\p{L}\\p{N}_.-]{1,120}\\.(?:jpe?g|png|gif|heic|bmp|tiff?|webp|dcm)(?![\\w])",
    trigger: /\.(?:jpe?g|png|gif|heic|bmp|tiff?|webp|dcm)/i,
    judge: redact("PHOTO"),
  },
  {
    source: "\\(01\\)\\d{14}(?:\\(\\d{2,4}\\)[^\\s()]{1,40}){0,8}",
    judge: redact("DEVICE"),
    trigger: /\(01\)/,
  },
  {
    source: "(?<![\\w+])\\+[A-Z][A-Z0-9]{3}[A-Z0-9]{1,20}(?:/[A-Z0-9$+%]{1,40})?(?![\\w])",
    trigger: /\+[A-Z]/,
    judge: redact("DEVICE"),
  },
  {
    source: "(?<![\\w])[A-Z]{2}\\d{2}\\s?[A-Z]{3}(?![\\w])",
    judge: redact("VEHICLE"),
    trigger: /[A-Z]{2}\d{2}/,
  },
  {
    source: "(?<![\\w])(?:[A-PR-UWYZ][A-HK-Y]?\\d[A-Z\\d]?)\\s?\\d[ABD-HJLNP-UW-Z]{2}(?![\\w])",
    trigger: /\d[A-Z]{2}/,
    judge: redact("GEOGRAPHIC"),
  },
  {
    source:
      "(?<![\\w])[ABCEGHJ-NPRSTVXY]\\d[ABCEGHJ-NPRSTV-Z]\\s?\\d[ABCEGHJ-NPRSTV-Z]\\d(?![\\w])",
    trigger: /[A-Z]\d[A-Z]/,
    judge: redact("GEOGRAPHIC"),
  },
  {
    source:
      "(?<![\\d.])(?:(?:25[0-5]|2[0-4]\\d|1?\\d?\\d)\\.){3}(?:25[0-5]|2[0-4]\\d|1?\\d?\\d)(?!\\d|\\.\\d)",
    trigger: /\d\.\d{1,3}\.\d/,
    judge: redact("IP"),
  },
  {
    source: "(?<![\\w:.])(?=[0-9A-Fa-f]{0,4}:)[0-9A-Fa-f:]{2,39}(?:%\\w{1,15})?(?![\\w:])",
    trigger: /[0-9A-Fa-f]:[0-9A-Fa-f]|::/,
    judge: (match, text, at) => {
      if (isIPv6(match.replace(/%\w+$/, "")) && match.length >= 6)
        return redact("IP")(match, text, at);
      if (/^[0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){5}$/.test(match))
        return redact("DEVICE")(match, text, at);
      return null;
    },
  },
  {
    source:
      "(?<![\\w-])[0-9A-Fa-f]{2}(?:-[0-9A-Fa-f]{2}){5}(?![\\w-])|(?<![\\w.])[0-9a-fA-F]{4}\\.[0-9a-fA-F]{4}\\.[0-9a-fA-F]{4}(?![\\w.])",
    trigger: /[0-9A-Fa-f]{2}-[0-9A-Fa-f]{2}-|[0-9a-fA-F]{4}\./,
    judge: redact("DEVICE"),
  },
  {
    source:
      "(?<![\\w-])[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}(?![\\w-])",
    trigger: /[0-9a-fA-F]{8}-/,
    judge: redact("OTHER_ID"),
  },
  {
    source: "(?<![\\w])[A-Z]{2}\\d{2}(?:\\s?[A-Z0-9]{4}){2,7}(?:\\s?[A-Z0-9]{1,4})?(?![\\w])",
    trigger: /[A-Z]{2}\d{2}/,
    judge: (match, text, at) =>
      isIban(match.replace(/\s/g, "")) ? redact("ACCOUNT")(match, text, at) : null,
  },
  {
    // City, ST 12345: the city goes, the state stays, the ZIP keeps its first three digits.
    source: `(?:[\\p{Lu}][\\p{L}\\p{M}'’.-]{1,30}\\s){0,3}[\\p{Lu}][\\p{L}\\p{M}'’.-]{1,30},\\s{1,3}(?:${US_STATE_PATTERN})\\s{1,3}\\d{5}(?:-\\d{4})?(?![\\w-])`,
    trigger: /,\s{1,3}[A-Z]{2}\s{1,3}\d{5}/,
    judge: (match, _text, at) => {
      const parts = /^(.*?),(\s+[A-Z]{2}\s+)(\d{5})/.exec(match)!;
      const cityWords = parts[1]!.split(/\s+/);
      let skip = 0;
      while (skip < cityWords.length - 1 && LEADING_NON_CITY.has(cityWords[skip]!.toLowerCase()))
        skip += 1;
      const cityStart = at + cityWords.slice(0, skip).join(" ").length + (skip > 0 ? 1 : 0);
      const zipStart = at + parts[1]!.length + 1 + parts[2]!.length;
      return [
        {
          start: cityStart,
          end: at + parts[1]!.length,
          type: "GEOGRAPHIC",
          action: "redacted",
          replacement: "[GEOGRAPHIC]",
        },
        {
          start: zipStart,
          end: at + match.length,
          type: "GEOGRAPHIC",
          action: "generalized",
          replacement: generalizeZip(parts[3]!),
        },
      ];
    },
  },
  {
    source: `(?<![\\w])(?:(?:${US_STATE_PATTERN})|(?i:zip(?:\\s?code)?|postal\\s?code|post\\s?code))[\\s:#]{1,4}\\d{5}(?:-\\d{4})?(?![\\w-])`,
    trigger: /\d{5}/,
    judge: (match, _text, at) => {
      const zip = /(\d{5})(?:-\d{4})?$/.exec(match)!;
      return [
        {
          start: at + zip.index,
          end: at + match.length,
          type: "GEOGRAPHIC",
          action: "generalized",
          replacement: generalizeZip(zip[1]!),
        },
      ];
    },
  },
  {
    // Whatever follows "Address:" up to the end of its clause is the address.
    source:
      "(?<=\\b(?:[Aa]ddress(?:es)?|ADDRESS|[Aa]ddr\\.?)\\s{0,2}[:#-]\\s{0,3})[^;\\n]{2,160}?(?=[;\\n]|\\.(?:\\s|$)|$)",
    trigger: /ddr/i,
    judge: redact("GEOGRAPHIC"),
  },
  {
    source: "(?<![\\w.])-?\\d{1,3}\\.\\d{4,8},\\s?-?\\d{1,3}\\.\\d{4,8}(?![\\w.])",
    trigger: /\.\d{4}/,
    judge: redact("GEOGRAPHIC"),
  },
  {
    source: `(?<![\\w/.-])(?:${DATE_SOURCES.join("|")})(?![\\w/]|-\\d)`,
    trigger: /\d/,
    judge: judgeDate(false),
  },
  {
    source: "(?<![\\w/.-])\\d{1,2}/\\d{1,2}(?![\\w/]|\\.\\d)",
    trigger: /\d\/\d/,
    judge: judgeDate(true),
  },
  {
    source: `(?<![\\w.])${AGE}(?=[- ]?(?:years?|yrs?|y/?o|yo)\\b)|(?<=\\b(?:[Aa]ged?|AGE|[Aa]ge:)\\s{0,3})${AGE}(?![\\w.])|(?<![\\w.])${AGE}(?=\\s?[MF]\\b)`,
    trigger: /\d/,
    judge: (match, _text, at) => [
      {
        start: at,
        end: at + match.length,
        type: "AGE_OVER_89",
        action: "generalized",
        replacement: "90+",
      },
    ],
  },
  {
    source:
      "(?<=\\b(?:[Bb]orn|[Bb]\\.|DOB|[Dd]ob|[Bb]irth\\s[Yy]ear|[Yy]ear\\sof\\sbirth)[:\\s]{1,3}(?:in\\s)?)(?:18|19|20)\\d{2}(?!\\d|\\.\\d)",
    trigger: /\d/,
    judge: (match, _text, at, context) =>
      context.now.getUTCFullYear() - Number(match) >= 90
        ? [
            {
              start: at,
              end: at + match.length,
              type: "AGE_OVER_89",
              action: "generalized",
              replacement: "90+",
            },
          ]
        : null,
  },
  {
    // A year so long ago that it may be a birth year of someone now over 89: flagged.
    source: "(?<![\\d.,/-])(?:18\\d{2}|19\\d{2})(?!\\d|[.,/-]\\d)",
    trigger: /\d/,
    judge: (match, _text, at, context) =>
      context.now.getUTCFullYear() - Number(match) >= 90
        ? [{ start: at, end: at + match.length, type: "AGE_OVER_89", action: "flagged" }]
        : null,
  },
  {
    source: "(?<![\\w.])\\d{16,64}(?![\\w.])",
    trigger: /\d{16}/,
    judge: (match, text, at) => redact(labelType(text, at) ?? "OTHER_ID")(match, text, at),
  },
  {
    source:
      "(?<![\\w.+/-])(?=[+(]?\\d(?:[ .()-]{0,2}\\d){3})(?:\\+\\d{1,3}[ .-]?)?(?:\\(\\d{1,5}\\)\\s?)?\\d{1,15}(?:[ .-]\\d{1,15}){0,7}(?:\\s?(?:x|ext\\.?)\\s?\\d{1,5})?(?![\\w]|[./-]\\d)",
    trigger: /\d/,
    judge: judgeDigits,
  },
  {
    source:
      "(?<![\\p{L}\\p{N}_])(?=[A-Za-z0-9_./-]{0,63}\\d)[A-Za-z0-9](?:[A-Za-z0-9]|[-_/.](?=[A-Za-z0-9])){4,63}(?![\\p{L}\\p{N}_])",
    trigger: /\d/,
    judge: judgeCode,
  },
];

const LEADING_NON_CITY = new Set(
  "seen moved lives living visited from in near at to of resident pt patient arrived returned travelled traveled born relocated home and the seen".split(
    " ",
  ),
);

/** Code systems name terminologies, not people: http://snomed.info/sct, http://loinc.org... */
const TERMINOLOGY_HOSTS =
  /^(?:https?:\/\/)?(?:www\.)?(?:snomed\.info|loinc\.org|hl7\.org|terminology\.hl7\.org|unitsofmeasure\.org|nlm\.nih\.gov|fdasis\.nlm\.nih\.gov|cdc\.gov|ama-assn\.org|who\.int|dicom\.nema\.org|ncimeta\.nci\.nih\.gov|fhir\.nhs\.uk|github\.com\/synthetichealth)(?:[/#?]|$)/i;

export function isTerminologyUri(uri: string): boolean {
  return TERMINOLOGY_HOSTS.test(uri);
}

/** How many capture groups a source has (detectors use none; this keeps it so). */
function captureGroups(source: string): number {
  return new RegExp(`${source}|`, "u").exec("")!.length - 1;
}
for (const detector of DETECTORS)
  if (captureGroups(detector.source) !== 0)
    throw new Error(`detector has a capture group: ${detector.source}`);

// Every identifier starts where a word starts: one shared look-behind lets the engine skip the
// inside of words at once instead of trying every alternative there. Numbered groups (one per
// detector) are much cheaper per match than named ones. Only the detectors whose trigger the
// value has take part: one expression per combination seen, compiled once.
type Combined = { expression: RegExp; detectors: Detector[] };
const combinedByMask = new Map<number, Combined>();

function combinedFor(text: string): Combined {
  let mask = 0;
  for (const [index, detector] of DETECTORS.entries())
    if (!detector.trigger || detector.trigger.test(text)) mask |= 1 << index;
  let combined = combinedByMask.get(mask);
  if (!combined) {
    const detectors = DETECTORS.filter((_detector, index) => (mask & (1 << index)) !== 0);
    const expression = new RegExp(
      detectors.length === 0
        ? "(?!)"
        : `(?<![\\p{L}\\p{N}_])(?:${detectors.map((detector) => `(${detector.source})`).join("|")})`,
      "gu",
    );
    combined = { expression, detectors };
    if (combinedByMask.size < 1024) combinedByMask.set(mask, combined);
  }
  return combined;
}

/** All pattern spans of a value, in order, not overlapping. */
export function findPatternSpans(text: string, context: PatternContext): Span[] {
  const spans: Span[] = [];
  const { expression, detectors } = combinedFor(text);
  expression.lastIndex = 0;
  let match = expression.exec(text);
  while (match) {
    let index = 1;
    while (match[index] === undefined) index += 1;
    const found = detectors[index - 1]!.judge(match[0], text, match.index, context);
    if (found) for (const span of found) spans.push(span);
    if (match[0].length === 0) expression.lastIndex += 1;
    match = expression.exec(text);
  }
  return spans;
}
