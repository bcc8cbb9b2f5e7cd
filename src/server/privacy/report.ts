import "server-only";
import type { ColumnClass } from "./column-classifier";
import type { IdentifierType } from "./identifier-types";

/**
 * What de-identification found and did; its hash is anchored with the listing. Column names
 * here are the de-identified headers: a header that held an identifier is reported rewritten.
 * Flagged text is counted, never quoted.
 */
export type DeidReport = {
  method: "HIPAA Safe Harbor, 45 CFR 164.514(b)(2)";
  format: "csv" | "fhir";
  rowsIn: number;
  rowsOut: number;
  columnsIn: string[];
  columnsOut: string[];
  removedColumns: {
    column: string;
    type: IdentifierType | "PARTICIPANT_CHOICE" | "WITHHELD_FOR_REVIEW";
  }[];
  generalizedColumns: {
    column: string;
    rule: "date-to-year" | "birth-year-90-plus" | "zip3" | "age-90-plus" | "pseudonym";
  }[];
  findings: {
    type: IdentifierType;
    column: string;
    action: "removed" | "redacted" | "generalized" | "pseudonymized";
    count: number;
  }[];
  droppedRows: { count: number; examples: { line: number; reason: string }[] };
  notes: string[];
  /** How each column was classified and why (added with the column profiler). */
  columns?: { column: string; class: ColumnClass; action: string; reason: string }[];
  /** Text the scanner was not sure about: withheld unless the participant keeps it. */
  flagged?: { column: string; type: IdentifierType; count: number }[];
  /** Date columns: how their dates were read, and how many could not be read with certainty. */
  dates?: { column: string; order: string; century: string; removed: number }[];
  /** Values too long to check, withheld whole. */
  longValues?: number;
  /** Header cells that held identifiers and were rewritten. */
  headersRewritten?: number;
  /** After review: flagged values kept and withheld, and columns withheld (set at publishing). */
  review?: { keptValues: number; withheldValues: number; withheldColumns: string[] };
};

export type ReportFinding = DeidReport["findings"][number];
