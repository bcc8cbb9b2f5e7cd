import "server-only";
import type { DateReading } from "./dates";
import type { IdentifierType } from "./identifier-types";
import { findNameSpans } from "./names";
import { findPatternSpans, type Span } from "./patterns";
import { hasMarkers, markFlag, stripMarkers, WITHHELD } from "./review-markers";

/**
 * Finds identifiers inside one value (a code, a measurement, a header or free text) and
 * rewrites it: direct identifiers become a placeholder such as "[PHONE]", dates keep their
 * year, ages over 89 become "90+", ZIP codes their first three digits. One pattern pass and
 * one word pass, each linear in the value's length; values longer than MAX_SCANNED_LENGTH are
 * withheld whole and counted rather than scanned.
 */
export type Finding = { type: IdentifierType; action: "redacted" | "generalized" | "flagged" };

export type ScanOptions = {
  /** Folded names from the file's own name fields: always redacted. */
  knownNames: ReadonlySet<string>;
  now: Date;
  dateReading?: DateReading;
  /** Free text: unknown proper nouns are flagged for review. */
  isFreeText: boolean;
  /** Flagged text: wrapped in review markers (uploads) or withheld (the CLI). */
  flags: "mark" | "withhold";
};

export type ScanResult = { value: string; findings: Finding[]; isTooLong?: boolean };

export const MAX_SCANNED_LENGTH = 65_536;
export const TOO_LONG = "[WITHHELD: value too long to check]";

const NON_ASCII = /[^\t-~]/;
/** Only these can start an identifier pattern or a name; a value without any is left alone. */
const MAY_HOLD = /[\dA-Z@:]|[^\t-~]|www|ddr/;

export function scanText(input: string, options: ScanOptions): ScanResult {
  if (input.length > MAX_SCANNED_LENGTH) return { value: TOO_LONG, findings: [], isTooLong: true };
  let text = hasMarkers(input) ? stripMarkers(input) : input;
  if (!MAY_HOLD.test(text) && !hasKnownName(text, options.knownNames))
    return { value: text, findings: [] };
  if (NON_ASCII.test(text)) text = text.normalize("NFC");
  const patternSpans = findPatternSpans(text, {
    now: options.now,
    dateReading: options.dateReading,
  });
  const nameSpans = findNameSpans(text, patternSpans, {
    knownNames: options.knownNames,
    isFreeText: options.isFreeText,
  });
  const spans = nameSpans.length === 0 ? patternSpans : mergeSpans(patternSpans, nameSpans);
  if (spans.length === 0) return { value: text, findings: [] };
  const findings: Finding[] = [];
  let output = "";
  let cursor = 0;
  for (const span of spans) {
    if (span.start < cursor) continue;
    output += text.slice(cursor, span.start);
    const original = text.slice(span.start, span.end);
    if (span.action === "kept") output += original;
    else if (span.action === "flagged")
      output += options.flags === "mark" ? markFlag(span.type, original) : WITHHELD;
    else output += span.replacement ?? `[${span.type}]`;
    if (span.action !== "kept") findings.push({ type: span.type, action: span.action });
    cursor = span.end;
  }
  return { value: output + text.slice(cursor), findings };
}

/** Lower-case ASCII text can only hold the file's own names ("o'hara248 missed the visit"). */
function hasKnownName(text: string, knownNames: ReadonlySet<string>): boolean {
  if (knownNames.size === 0) return false;
  for (const word of text.split(/[^a-z0-9'’-]+/))
    if (word.length >= 2 && knownNames.has(word)) return true;
  return false;
}

function mergeSpans(first: readonly Span[], second: readonly Span[]): Span[] {
  return [...first, ...second].sort((a, b) => a.start - b.start || b.end - a.end);
}
