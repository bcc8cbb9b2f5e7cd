import type { IdentifierType } from "./identifier-types";

/** What de-identification found and did; its hash is anchored with the listing. */
export type DeidReport = {
  method: "HIPAA Safe Harbor, 45 CFR 164.514(b)(2)";
  format: "csv" | "fhir";
  rowsIn: number;
  rowsOut: number;
  columnsIn: string[];
  columnsOut: string[];
  removedColumns: { column: string; type: IdentifierType | "PARTICIPANT_CHOICE" }[];
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
};

export type ReportFinding = DeidReport["findings"][number];
