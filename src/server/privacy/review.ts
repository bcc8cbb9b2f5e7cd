import "server-only";
import Papa from "papaparse";
import type { IdentifierType } from "./identifier-types";
import {
  hasMarkers,
  resolveFlags,
  splitFlags,
  stripMarkers,
  type FlaggedPart,
} from "./review-markers";

/**
 * The participant's review of flagged text: what the stored upload holds in review markers,
 * gathered per column and value (bounded, whatever the file's size), and the rows as they
 * will be published once the participant has kept or dropped each flagged value. A flagged
 * column is withheld unless the participant keeps it; in a kept column, a flagged value is
 * withheld unless kept too.
 */
export type FlaggedValue = {
  text: string;
  type: IdentifierType;
  count: number;
  /** Up to three places it occurs: the text around it, flagged values there shown plain. */
  examples: { before: string; after: string }[];
};

export type FlaggedColumn = {
  column: string;
  count: number;
  values: FlaggedValue[];
  isTruncated: boolean;
};

export type ReviewDecisions = {
  /** Flagged columns to publish (the others are withheld). */
  keepColumns: readonly string[];
  /** Flagged values to publish as written, per column. */
  keepValues: readonly { column: string; text: string }[];
};

const MAX_VALUES_PER_COLUMN = 200;
const MAX_EXAMPLES = 3;
const CONTEXT = 40;

const plain = (parts: FlaggedPart[]) => parts.map((part) => part.text).join("");

/** Flagged values of a stored de-identified CSV, per column (header row first). */
export function collectFlaggedValues(csvText: string): FlaggedColumn[] {
  if (!hasMarkers(csvText)) return [];
  const columns = new Map<
    number,
    { count: number; values: Map<string, FlaggedValue>; isTruncated: boolean }
  >();
  let headers: string[] | null = null;
  Papa.parse<string[]>(csvText, {
    skipEmptyLines: "greedy",
    step(results) {
      const row = results.data;
      if (!headers) {
        headers = row;
        return;
      }
      for (const [index, cell] of row.entries()) {
        if (!hasMarkers(cell)) continue;
        const parts = splitFlags(cell);
        const column = columns.get(index) ?? {
          count: 0,
          values: new Map<string, FlaggedValue>(),
          isTruncated: false,
        };
        columns.set(index, column);
        let offset = 0;
        const text = plain(parts);
        for (const part of parts) {
          if (part.type !== null) {
            column.count += 1;
            let value = column.values.get(part.text);
            if (!value && column.values.size < MAX_VALUES_PER_COLUMN) {
              value = { text: part.text, type: part.type, count: 0, examples: [] };
              column.values.set(part.text, value);
            } else if (!value) column.isTruncated = true;
            if (value) {
              value.count += 1;
              if (value.examples.length < MAX_EXAMPLES)
                value.examples.push({
                  before: text.slice(Math.max(0, offset - CONTEXT), offset),
                  after: text.slice(offset + part.text.length, offset + part.text.length + CONTEXT),
                });
            }
          }
          offset += part.text.length;
        }
      }
    },
  });
  const header: string[] = headers ?? [];
  return [...columns.entries()]
    .sort(([a], [b]) => a - b)
    .map(([index, column]) => ({
      column: header[index] ?? `column ${index + 1}`,
      count: column.count,
      values: [...column.values.values()].sort((a, b) => b.count - a.count),
      isTruncated: column.isTruncated,
    }));
}

/** A preview cell as parts a page can show, flagged parts marked with their type. */
export function previewParts(cell: string): FlaggedPart[] {
  return splitFlags(cell);
}

export type ReviewOutcome = { keptValues: number; withheldValues: number };

/**
 * Resolves rows' markers under the participant's decisions: kept values become plain text,
 * every other flagged value is withheld. Cells without markers pass through.
 */
export function createReviewResolver(columns: readonly string[], decisions: ReviewDecisions) {
  const kept = new Set(decisions.keepValues.map((value) => `${value.column}\u0000${value.text}`));
  const outcome: ReviewOutcome = { keptValues: 0, withheldValues: 0 };
  const resolve = (row: readonly string[]): string[] =>
    row.map((cell, index) => {
      if (!hasMarkers(cell)) return cell;
      const column = columns[index] ?? "";
      return stripMarkers(
        resolveFlags(cell, (text) => {
          const isKept = kept.has(`${column}\u0000${text}`);
          if (isKept) outcome.keptValues += 1;
          else outcome.withheldValues += 1;
          return isKept;
        }),
      );
    });
  return { resolve, outcome };
}
