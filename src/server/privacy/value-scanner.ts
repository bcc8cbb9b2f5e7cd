import type { IdentifierType } from "./identifier-types";
import { birthYearOrAggregate, DATE_PATTERN, yearOfDate } from "./transforms";
import { AMBIGUOUS_NAME_WORDS, NAME_CUES, NAME_DICTIONARY, STREET_SUFFIXES } from "./vocabulary";

/**
 * Finds identifiers inside a value (a code, a measurement or free text) and rewrites them:
 * direct identifiers become a bracketed placeholder such as "[PHONE]", dates keep their
 * year, ages over 89 become "90+". One combined regular expression does the pattern kinds in
 * a single pass; names are found by token lookup afterwards.
 */
export type Finding = { type: IdentifierType; action: "redacted" | "generalized" };

type Detector = {
  type: IdentifierType;
  source: string;
  replace: (match: string) => string;
  action: Finding["action"];
};

const placeholder = (type: IdentifierType) => () => `[${type}]`;
const suffixes = STREET_SUFFIXES.map((suffix) =>
  suffix.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"),
).join("|");
const ID_LABELS = {
  MRN: "mrn|medical record(?: number| no\\.?| #)?|chart(?: number| no\\.?)",
  HEALTH_PLAN:
    "member(?: id| number| no\\.?)|policy(?: number| no\\.?| #)?|plan(?: id| number)|beneficiary(?: id| number)|medicaid(?: id)?|medicare(?: id)?",
  ACCOUNT: "account(?: number| no\\.?| #)?|acct\\.?(?: no\\.?| #)?",
  LICENSE:
    "licen[cs]e(?: number| no\\.?| #)?|driver'?s licen[cs]e|passport(?: number| no\\.?)?|certificate(?: number| no\\.?)?|dl",
  VEHICLE: "vin|licen[cs]e plate|plate(?: number| no\\.?)?",
  DEVICE: "serial(?: number| no\\.?| #)?|device(?: id| serial)|udi|imei",
  SSN: "ssn|social security(?: number| no\\.?)?",
};

const DETECTORS: Detector[] = [
  {
    type: "EMAIL",
    source: "[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}",
    replace: placeholder("EMAIL"),
    action: "redacted",
  },
  {
    type: "URL",
    source: "(?:https?|ftp)://[^\\s<>\"']+|www\\.[^\\s<>\"']+",
    replace: (match) => (isTerminologyUri(match) ? match : "[URL]"),
    action: "redacted",
  },
  {
    type: "IP",
    source:
      "(?<![\\d.])(?:(?:25[0-5]|2[0-4]\\d|1?\\d?\\d)\\.){3}(?:25[0-5]|2[0-4]\\d|1?\\d?\\d)(?![\\d.])|(?<![:\\w])(?:[0-9a-fA-F]{1,4}:){7}[0-9a-fA-F]{1,4}(?![:\\w])",
    replace: placeholder("IP"),
    action: "redacted",
  },
  ...Object.entries(ID_LABELS).map(([type, labels]): Detector => ({
    type: type as IdentifierType,
    // The label must end at a word boundary and be followed by a separator: "Platelets" is no plate.
    source: `\\b(?i:${labels})\\b(?:\\s*[#:]\\s*|\\s+(?:(?i:no|number)\\.?\\s*[#:]?\\s*)?)[A-Za-z0-9][A-Za-z0-9-]{3,}`,
    replace: placeholder(type as IdentifierType),
    action: "redacted",
  })),
  {
    type: "SSN",
    source: "(?<![\\d-])\\d{3}-\\d{2}-\\d{4}(?![\\d-])",
    replace: placeholder("SSN"),
    action: "redacted",
  },
  {
    type: "FAX",
    source:
      "\\b(?i:fax)\\s*(?:#|:|no\\.?|number)?\\s*(?:\\+?1[\\s.-]?)?\\(?\\d{3}\\)?[\\s.-]?\\d{3}[\\s.-]\\d{4}\\b",
    replace: placeholder("FAX"),
    action: "redacted",
  },
  {
    type: "PHONE",
    source:
      "(?<![\\w-])(?:\\+?1[\\s.-])?(?:\\(\\d{3}\\)\\s?|\\d{3}[\\s.-])\\d{3}[\\s.-]\\d{4}(?:\\s*(?:x|ext\\.?)\\s*\\d{1,5})?(?![\\w-])",
    replace: placeholder("PHONE"),
    action: "redacted",
  },
  {
    type: "OTHER_ID",
    source: "\\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\\b",
    replace: placeholder("OTHER_ID"),
    action: "redacted",
  },
  // Licence and passport shapes: a letter and 8+ digits, optionally a trailing letter (S99912345, X12345678X).
  {
    type: "LICENSE",
    source: "\\b[A-Z]\\d{8,9}[A-Z]?\\b",
    replace: placeholder("LICENSE"),
    action: "redacted",
  },
  {
    type: "GEOGRAPHIC",
    source: `\\b\\d{1,6}\\s+(?:[A-Z][A-Za-z'.-]*\\s+){1,4}(?:${suffixes})\\b\\.?(?:,?\\s*(?:(?i:apt|apartment|suite|ste|unit|#)\\s*[A-Za-z0-9-]+))?`,
    replace: placeholder("GEOGRAPHIC"),
    action: "redacted",
  },
  {
    type: "GEOGRAPHIC",
    source: "\\b(?:[A-Z]{2}|(?i:zip|zip code|postal code))[:\\s]+\\d{5}(?:-\\d{4})?\\b",
    replace: (match) => match.replace(/(\d{3})\d{2}(?:-\d{4})?$/, "$1"),
    action: "generalized",
  },
  {
    type: "DATE",
    source: `(?<![\\w/.-])${DATE_PATTERN}(?![\\w/-])`,
    replace: (match) => yearOfDate(match) ?? "[DATE]",
    action: "generalized",
  },
  {
    type: "AGE_OVER_89",
    source:
      "\\b(?:9\\d|1[0-4]\\d)(?=[- ](?i:years?|yrs?|y/?o)\\b)|(?<=\\b(?i:age[d:]?|aged)\\s{0,3})(?:9\\d|1[0-4]\\d)\\b",
    replace: () => "90+",
    action: "generalized",
  },
];

/** Code systems name terminologies, not people: http://snomed.info/sct, http://loinc.org... */
const TERMINOLOGY_HOSTS =
  /^(?:https?:\/\/)?(?:www\.)?(?:snomed\.info|loinc\.org|hl7\.org|terminology\.hl7\.org|unitsofmeasure\.org|nlm\.nih\.gov|www\.nlm\.nih\.gov|fdasis\.nlm\.nih\.gov|cdc\.gov|www\.cdc\.gov|hl7\.org\/fhir|ama-assn\.org|www\.ama-assn\.org|who\.int|www\.who\.int|dicom\.nema\.org|ncimeta\.nci\.nih\.gov|fhir\.nhs\.uk|github\.com\/synthetichealth)(?:[/#?]|$)/i;

function isTerminologyUri(uri: string): boolean {
  return TERMINOLOGY_HOSTS.test(uri);
}

/** Long digit runs inside running text (record, account or seed numbers). */
const LONG_NUMBER_IN_TEXT = /(?<![\w.])-?\d{10,}(?![\w.-])/g;

const COMBINED = new RegExp(
  DETECTORS.map((detector, index) => `(?<d${index}>${detector.source})`).join("|"),
  "g",
);
/** Cheap test that a value may hold something for the combined expression. */
const MAYBE_PATTERN = /[@:/.\d]|www/;
const WORD = /\p{L}[\p{L}'’-]*\d*/gu;

export type ScanContext = {
  /** Lower-cased names seen in the data's own name fields: always redacted. */
  knownNames: ReadonlySet<string>;
};

export type ScanResult = { value: string; findings: Finding[] };

export function scanValue(value: string, context: ScanContext): ScanResult {
  const findings: Finding[] = [];
  let text = value;
  if (MAYBE_PATTERN.test(text)) text = replacePatterns(text, findings);
  if (text.includes(" ") && /\d{10}/.test(text)) {
    text = text.replace(LONG_NUMBER_IN_TEXT, () => {
      findings.push({ type: "OTHER_ID", action: "redacted" });
      return "[OTHER_ID]";
    });
  }
  if (/\p{L}/u.test(text)) text = redactNames(text, context, findings);
  return { value: text, findings };
}

/** Most values match nothing: exec once and return the same string, allocating nothing. */
function replacePatterns(text: string, findings: Finding[]): string {
  COMBINED.lastIndex = 0;
  let match = COMBINED.exec(text);
  if (!match) return text;
  let output = "";
  let cursor = 0;
  while (match) {
    const groups = match.groups!;
    const index = DETECTORS.findIndex((_detector, at) => groups[`d${at}`] !== undefined);
    const detector = DETECTORS[index]!;
    const replaced = detector.replace(match[0]);
    if (replaced !== match[0]) findings.push({ type: detector.type, action: detector.action });
    output += text.slice(cursor, match.index) + replaced;
    cursor = match.index + match[0].length;
    if (match[0].length === 0) COMBINED.lastIndex += 1;
    match = COMBINED.exec(text);
  }
  return output + text.slice(cursor);
}

function isCapitalized(word: string): boolean {
  const first = word.charAt(0);
  return first !== first.toLowerCase();
}

function bareName(word: string): string {
  return word.toLowerCase().replace(/['’]s$/, "");
}

function withoutDigits(word: string): string {
  return word.replace(/\d+$/, "");
}

/**
 * A word is a name when the data's own name fields contain it. A capitalised dictionary name
 * needs context: a cue before it ("Dr", "daughter"), another name next to it, or running text
 * around it (in Title Case strings such as drug descriptions, capitals say nothing).
 * Dictionary names that are also common words need a cue or a neighbouring name.
 */
function redactNames(text: string, context: ScanContext, findings: Finding[]): string {
  // A first, allocation-light pass: most values hold no candidate at all.
  let hasCandidate = false;
  WORD.lastIndex = 0;
  for (let match = WORD.exec(text); match && !hasCandidate; match = WORD.exec(text)) {
    const word = bareName(match[0]);
    hasCandidate =
      context.knownNames.has(word) ||
      (isCapitalized(match[0]) && NAME_DICTIONARY.has(withoutDigits(word)));
  }
  if (!hasCandidate) return text;

  WORD.lastIndex = 0; // matchAll starts where the shared expression last stopped
  const words = [...text.matchAll(WORD)];
  const lower = words.map((match) => bareName(match[0]));
  const isDictionaryName = lower.map(
    (word, index) => isCapitalized(words[index]![0]) && NAME_DICTIONARY.has(withoutDigits(word)),
  );
  const isKnown = lower.map(
    // The data's own names count even in lower case, unless they are also common words.
    (word, index) =>
      context.knownNames.has(word) &&
      (isCapitalized(words[index]![0]) || !AMBIGUOUS_NAME_WORDS.has(word)),
  );
  const lowercaseWords = words.filter((match) => !isCapitalized(match[0])).length;
  const isRunningText = words.length >= 3 && lowercaseWords * 2 >= words.length;
  const neighbourIsName = (at: number) =>
    isKnown[at] === true ||
    (isDictionaryName[at] === true && !AMBIGUOUS_NAME_WORDS.has(withoutDigits(lower[at]!)));
  const isName = lower.map((word, index) => {
    if (isKnown[index]) return true;
    if (!isDictionaryName[index]) return false;
    const previous = lower[index - 1];
    if (
      (previous !== undefined && NAME_CUES.has(previous)) ||
      neighbourIsName(index - 1) ||
      neighbourIsName(index + 1)
    )
      return true;
    return !AMBIGUOUS_NAME_WORDS.has(withoutDigits(word)) && isRunningText;
  });
  if (!isName.includes(true)) return text;
  let output = "";
  let cursor = 0;
  for (const [index, match] of words.entries()) {
    if (!isName[index]) continue;
    output += `${text.slice(cursor, match.index)}[NAME]`;
    cursor = match.index + match[0].length;
    findings.push({ type: "NAME", action: "redacted" });
  }
  return output + text.slice(cursor);
}

/**
 * The name tokens of a value that is nothing but a personal name ("Blaine377 Hickle134",
 * "Mary-Jane O'Hara"): one to four capitalised words, each a dictionary name once trailing
 * digits are dropped. Used to spot name columns whose header does not say so.
 */
export function nameOnlyTokens(value: string): string[] | null {
  const words = value.trim().split(/\s+/);
  if (words.length === 0 || words.length > 4) return null;
  const tokens: string[] = [];
  for (const word of words) {
    if (!isCapitalized(word)) return null;
    const parts = bareName(word).replace(/[.,]$/, "").split(/[-']/);
    if (!parts.every((part) => NAME_DICTIONARY.has(withoutDigits(part)))) return null;
    tokens.push(bareName(word).replace(/[.,]$/, ""));
  }
  return tokens;
}

export { birthYearOrAggregate };
