import { randomBytes } from "node:crypto";
import { classifyColumn, type ColumnRule } from "./column-rules";
import type { IdentifierType } from "./identifier-types";
import type { DeidReport, ReportFinding } from "./report";
import { birthYearOrAggregate, dateValueToYear, generalizeAge, generalizeZip } from "./transforms";
import { scanValue, type ScanContext } from "./value-scanner";

/**
 * Row-at-a-time de-identification of a table with known headers. Holds only the column
 * rules, the pseudonym map and counters, so memory does not grow with the number of rows
 * (the pseudonym map grows with the number of distinct subjects).
 */
export type DeidentifierOptions = {
  headers: string[];
  /** Lower-cased names collected from the data's own name fields. */
  knownNames: ReadonlySet<string>;
  /** Columns the participant chose to drop. */
  dropColumns?: readonly string[];
  /** Columns whose values are names although their headers do not say so. */
  nameColumns?: readonly string[];
  format: DeidReport["format"];
  now?: Date;
};

/** Measurements and counts: nothing to find in them, and they are most cells. */
const PLAIN_NUMBER = /^[-+]?\d{1,9}(?:\.\d+)?$/;

const TITLES = new Set([
  "mr",
  "mrs",
  "ms",
  "miss",
  "dr",
  "prof",
  "jr",
  "sr",
  "ii",
  "iii",
  "iv",
  "phd",
  "md",
]);

/** Name tokens from a name field, for seeding: "Blaine377 Hickle134" → blaine377, hickle134. */
export function nameTokens(value: string): string[] {
  return value
    .toLowerCase()
    .split(/[^\p{L}\d'’-]+/u)
    .map((token) => token.replace(/^['’-]+|['’-]+$/g, ""))
    .filter((token) => token.length >= 2 && !TITLES.has(token.replace(/\.$/, "")));
}

export class Deidentifier {
  readonly rules: ColumnRule[];
  readonly outputHeaders: string[];
  private readonly keep: number[];
  private readonly dropped: number[];
  private readonly context: ScanContext;
  /** Per column index, then "TYPE/action": how many cells. Flat keys keep the hot path cheap. */
  private readonly counts: Map<string, number>[];
  private readonly pseudonyms = new Map<string, string>();
  private readonly options: DeidentifierOptions;
  private rowsIn = 0;
  private rowsOut = 0;

  constructor(options: DeidentifierOptions) {
    this.options = options;
    const participantDrops = new Set(options.dropColumns ?? []);
    const nameColumns = new Set(options.nameColumns ?? []);
    this.rules = options.headers.map((header) => {
      if (participantDrops.has(header)) return { action: "drop", type: "OTHER_ID" } as const;
      if (nameColumns.has(header)) return { action: "drop", type: "NAME" } as const;
      return classifyColumn(header);
    });
    this.keep = this.rules.flatMap((rule, index) => (rule.action === "drop" ? [] : [index]));
    this.dropped = this.rules.flatMap((rule, index) => (rule.action === "drop" ? [index] : []));
    this.outputHeaders = this.keep.map((index) => options.headers[index]!);
    this.context = { knownNames: options.knownNames };
    this.counts = options.headers.map(() => new Map<string, number>());
  }

  static isNameColumn(header: string): boolean {
    const rule = classifyColumn(header);
    return rule.action === "drop" && rule.type === "NAME";
  }

  /** The pseudonym map (original subject id → pseudonym): kept off chain, encrypted. */
  pseudonymMap(): ReadonlyMap<string, string> {
    return this.pseudonyms;
  }

  private count(type: IdentifierType, column: number, action: ReportFinding["action"]) {
    const counts = this.counts[column]!;
    const key = `${type}/${action}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }

  private pseudonymFor(value: string): string {
    let pseudonym = this.pseudonyms.get(value);
    if (!pseudonym) {
      pseudonym = `S-${randomBytes(6).toString("hex")}`;
      // The parser's cells are slices of whole input chunks; a map key kept as a slice would
      // keep its chunk alive for the whole run. A copy keeps memory flat.
      this.pseudonyms.set(Buffer.from(value, "utf8").toString("utf8"), pseudonym);
    }
    return pseudonym;
  }

  private transformCell(value: string, rule: ColumnRule, column: number): string {
    if (value === "") return value;
    switch (rule.action) {
      case "pseudonym":
        this.count("OTHER_ID", column, "pseudonymized");
        return this.pseudonymFor(value);
      case "zip": {
        const zip = generalizeZip(value);
        this.count("GEOGRAPHIC", column, "generalized");
        return zip.value;
      }
      case "age": {
        const age = generalizeAge(value);
        if (age.isOver89) {
          this.count("AGE_OVER_89", column, "generalized");
          return age.value;
        }
        return this.scan(value, column);
      }
      case "birthdate":
      case "date": {
        const year = dateValueToYear(value);
        if (year === null) return this.scan(value, column);
        this.count("DATE", column, "generalized");
        if (rule.action === "birthdate") {
          const generalized = birthYearOrAggregate(year, this.options.now);
          if (generalized !== year) this.count("AGE_OVER_89", column, "generalized");
          return generalized;
        }
        return year;
      }
      default: {
        const year = dateValueToYear(value);
        if (year !== null) {
          this.count("DATE", column, "generalized");
          return year;
        }
        return this.scan(value, column);
      }
    }
  }

  private scan(value: string, column: number): string {
    if (PLAIN_NUMBER.test(value)) return value;
    const result = scanValue(value, this.context);
    for (const finding of result.findings) this.count(finding.type, column, finding.action);
    return result.value;
  }

  /** De-identifies one row (cells in header order); returns the kept, rewritten cells. */
  transform(row: readonly string[]): string[] {
    this.rowsIn += 1;
    const output = new Array<string>(this.keep.length);
    for (const [position, index] of this.keep.entries()) {
      output[position] = this.transformCell(row[index] ?? "", this.rules[index]!, index);
    }
    for (const index of this.dropped) {
      const rule = this.rules[index]!;
      if (rule.action === "drop" && (row[index] ?? "") !== "")
        this.count(rule.type, index, "removed");
    }
    this.rowsOut += 1;
    return output;
  }

  report(droppedRows: DeidReport["droppedRows"], notes: string[] = []): DeidReport {
    const participantDrops = new Set(this.options.dropColumns ?? []);
    const generalizedRules: Record<string, DeidReport["generalizedColumns"][number]["rule"]> = {
      pseudonym: "pseudonym",
      zip: "zip3",
      age: "age-90-plus",
      birthdate: "birth-year-90-plus",
      date: "date-to-year",
    };
    return {
      method: "HIPAA Safe Harbor, 45 CFR 164.514(b)(2)",
      format: this.options.format,
      rowsIn: this.rowsIn + droppedRows.count,
      rowsOut: this.rowsOut,
      columnsIn: this.options.headers,
      columnsOut: this.outputHeaders,
      removedColumns: this.rules.flatMap((rule, index) =>
        rule.action === "drop"
          ? [
              {
                column: this.options.headers[index]!,
                type: participantDrops.has(this.options.headers[index]!)
                  ? ("PARTICIPANT_CHOICE" as const)
                  : rule.type,
              },
            ]
          : [],
      ),
      generalizedColumns: this.rules.flatMap((rule, index) =>
        generalizedRules[rule.action]
          ? [{ column: this.options.headers[index]!, rule: generalizedRules[rule.action]! }]
          : [],
      ),
      findings: this.counts
        .flatMap((counts, index) =>
          [...counts.entries()].map(([key, count]) => {
            const [type, action] = key.split("/") as [IdentifierType, ReportFinding["action"]];
            return { type, column: this.options.headers[index]!, action, count };
          }),
        )
        .sort((a, b) => b.count - a.count),
      droppedRows,
      notes,
    };
  }
}
