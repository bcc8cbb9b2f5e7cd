import "server-only";
import { IDENTIFIER_TYPES, type IdentifierType } from "./identifier-types";

/**
 * Text the scanner is not sure about stays in the stored (encrypted) upload wrapped in
 * private-use characters, so the review page can show it highlighted and publishing can keep
 * or withhold each flagged value exactly. Nothing marked ever leaves the upload: publishing
 * resolves every marker. Input text never contains these characters (the scanner strips them).
 */
const START = "\uE000";
const END = "\uE001";
const TYPE_BASE = 0xe010;
const TYPES = Object.keys(IDENTIFIER_TYPES) as IdentifierType[];
const MARKED = /\uE000([\uE010-\uE03F])([^\uE000\uE001]*)\uE001/g;
const ANY_MARKER = /[\uE000-\uE03F]/;

/** What a withheld flagged value becomes. */
export const WITHHELD = "[WITHHELD]";

export function markFlag(type: IdentifierType, text: string): string {
  return `${START}${String.fromCharCode(TYPE_BASE + TYPES.indexOf(type))}${text}${END}`;
}

export function hasMarkers(text: string): boolean {
  return ANY_MARKER.test(text);
}

export function stripMarkers(text: string): string {
  return text.replace(/[\uE000-\uE03F]/g, "");
}

export type FlaggedPart = { text: string; type: IdentifierType | null };

/** A cell as parts: plain text (type null) and flagged values, in order. */
export function splitFlags(cell: string): FlaggedPart[] {
  if (!hasMarkers(cell)) return [{ text: cell, type: null }];
  const parts: FlaggedPart[] = [];
  let cursor = 0;
  MARKED.lastIndex = 0;
  for (let match = MARKED.exec(cell); match; match = MARKED.exec(cell)) {
    if (match.index > cursor) parts.push({ text: cell.slice(cursor, match.index), type: null });
    parts.push({ text: match[2]!, type: TYPES[match[1]!.charCodeAt(0) - TYPE_BASE] ?? "OTHER_ID" });
    cursor = match.index + match[0].length;
  }
  if (cursor < cell.length) parts.push({ text: cell.slice(cursor), type: null });
  return parts;
}

/** Resolves every marker: kept values become plain text, the rest are withheld. */
export function resolveFlags(cell: string, isKept: (text: string) => boolean): string {
  if (!hasMarkers(cell)) return cell;
  return stripMarkers(
    cell.replace(MARKED, (_whole, _type: string, text: string) => (isKept(text) ? text : WITHHELD)),
  );
}
