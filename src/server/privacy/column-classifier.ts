import "server-only";
import type { ColumnProfile } from "./column-profile";
import { headerHint, type AgeUnit, type HeaderHint } from "./column-rules";
import { resolveDateReading, type DateReading } from "./dates";
import type { IdentifierType } from "./identifier-types";

/**
 * Decides what to do with a column from what its header says and what its values hold: a
 * column of near-unique codes is an identifier whatever its header, a measurement with a unit
 * in its header is a measurement, a column of dates keeps years read with the column's own
 * day/month order and century.
 */
export type ColumnClass =
  "identifier" | "quasi-identifier" | "date" | "free text" | "measurement" | "code" | "category";

export type ColumnPlan = { class: ColumnClass; reason: string } & (
  | { action: "drop"; type: IdentifierType | "PARTICIPANT_CHOICE" }
  | { action: "pseudonym" }
  | { action: "date"; isBirth: boolean; reading: DateReading }
  | { action: "zip" }
  | { action: "age"; unit: AgeUnit }
  /** Plain numbers and codes kept as they are; anything else in the column is scanned. */
  | { action: "keep" }
  | { action: "scan"; isFreeText: boolean }
);

const VALUE_IDENTIFIERS: [Parameters<ColumnProfile["share"]>[0], IdentifierType][] = [
  ["email", "EMAIL"],
  ["url", "URL"],
  ["ip", "IP"],
  ["mac", "DEVICE"],
  ["ssn", "SSN"],
  ["phone", "PHONE"],
  ["name", "NAME"],
];

const drop = (type: IdentifierType, reason: string): ColumnPlan => ({
  action: "drop",
  type,
  class: "identifier",
  reason,
});

export function planColumn(header: string, profile: ColumnProfile, now: Date): ColumnPlan {
  const hint = headerHint(header);
  const filled = profile.filled;
  const reading = resolveDateReading(profile.dates, now);
  const idLike = profile.share("digits", "code", "phone", "ssn", "uuid");
  const distinct = profile.distinctRatio();
  const isNumeric = filled > 0 && profile.share("integer", "decimal") >= 0.9;

  if (hint.kind === "identifier" && hint.isStrong) return drop(hint.type, "header");
  if (hint.kind === "pseudonym" && hint.isStrong)
    return { action: "pseudonym", class: "identifier", reason: "header" };
  if (hint.kind === "birthdate")
    return {
      action: "date",
      isBirth: true,
      reading,
      class: "quasi-identifier",
      reason: "header: date of birth",
    };
  if (hint.kind === "zip") return { action: "zip", class: "quasi-identifier", reason: "header" };
  if (filled === 0) return { action: "keep", class: "category", reason: "empty" };

  for (const [shape, type] of VALUE_IDENTIFIERS)
    if (profile.share(shape) >= 0.5)
      return drop(
        type,
        `values: ${Math.round(100 * profile.share(shape))} % ${shape === "name" ? "personal names" : shape}`,
      );
  if (profile.share("uuid") >= 0.5)
    return distinct < 0.9
      ? { action: "pseudonym", class: "identifier", reason: "values: repeated UUIDs" }
      : drop("OTHER_ID", "values: UUIDs");

  if (hint.kind === "identifier" && hintAgrees(hint, profile))
    return drop(hint.type, "header, and the values agree");

  if (
    (hint.kind === "code" && profile.share("clinical code", "integer", "digits") >= 0.8) ||
    profile.share("clinical code") >= 0.6
  )
    return {
      action: "keep",
      class: "code",
      reason: hint.kind === "code" ? "header: code system" : "values: clinical codes",
    };

  if (idLike >= 0.6 && (distinct >= 0.5 || profile.distinctCount() >= 1000)) {
    if (hint.kind === "pseudonym" && distinct < 0.95)
      return { action: "pseudonym", class: "identifier", reason: "values: repeated record codes" };
    return drop(
      hint.kind === "identifier" ? hint.type : "OTHER_ID",
      `values: ${Math.round(100 * distinct)} % distinct codes`,
    );
  }
  if (hint.kind === "pseudonym" && idLike >= 0.6)
    return { action: "pseudonym", class: "identifier", reason: "header, and the values are codes" };

  if (profile.share("address") >= 0.5) return drop("GEOGRAPHIC", "values: street addresses");
  if (
    profile.share("name", "proper noun") >= 0.6 &&
    distinct >= 0.3 &&
    profile.distinctCount() >= 5
  )
    return drop(
      profile.share("name") >= profile.share("proper noun") ? "NAME" : "GEOGRAPHIC",
      "values: proper nouns, mostly distinct",
    );

  if (profile.fiveDigits >= 0.8 * filled && profile.leadingZeros > 0 && !isNumeric)
    return {
      action: "zip",
      class: "quasi-identifier",
      reason: "values: five-digit codes with leading zeros",
    };

  if (profile.share("date") >= 0.6 || (hint.kind === "date" && profile.share("date") >= 0.3))
    return {
      action: "date",
      isBirth: false,
      reading,
      class: "date",
      reason: hint.kind === "date" ? "header and values" : "values: dates",
    };

  if (hint.kind === "date part") {
    if (hint.isBirth) return drop("DATE", "header: part of a birth date");
    const isDayOrMonth = isNumeric && profile.min >= 1 && profile.max <= 31;
    if (isDayOrMonth || !isNumeric) return drop("DATE", "header: a day or month");
    return {
      action: "keep",
      class: "measurement",
      reason: "header names a day or month, the values count time",
    };
  }
  if (hint.kind === "age")
    return {
      action: "age",
      unit: hint.unit,
      class: "quasi-identifier",
      reason: `header: age in ${hint.unit}`,
    };
  if (hint.kind === "relative time")
    return { action: "keep", class: "measurement", reason: "header: relative study time" };
  if (hint.kind === "measurement" || isNumeric)
    return {
      action: "keep",
      class: "measurement",
      reason: hint.kind === "measurement" ? "header: unit or measure" : "values: numbers",
    };
  if (hint.kind === "code")
    return { action: "scan", isFreeText: false, class: "code", reason: "header: code" };
  if (hint.kind === "free text" || profile.share("text") >= 0.3 || profile.averageWords() >= 4)
    return {
      action: "scan",
      isFreeText: true,
      class: "free text",
      reason: hint.kind === "free text" ? "header" : "values: running text",
    };
  return { action: "scan", isFreeText: false, class: "category", reason: "values: short text" };
}

/** A weak header hint ("ip", "mac", "link", "case") counts only when the values look the part. */
function hintAgrees(
  hint: Extract<HeaderHint, { kind: "identifier" }>,
  profile: ColumnProfile,
): boolean {
  switch (hint.type) {
    case "IP":
      return profile.share("ip") >= 0.5;
    case "DEVICE":
      return profile.share("mac", "code") >= 0.5;
    case "URL":
      return profile.share("url") >= 0.5;
    default:
      return profile.share("digits", "code") >= 0.5;
  }
}
