import "server-only";
import { randomBytes } from "node:crypto";
import type { ColumnPlan } from "./column-classifier";
import { parseWholeDate, yearOf } from "./dates";
import type { IdentifierType } from "./identifier-types";
import type { DeidReport, ReportFinding } from "./report";
import { scanText, type ScanOptions, type ScanResult } from "./text-scanner";
import { birthYearOrAggregate, generalizeAge, generalizeZip } from "./transforms";

/**
 * Row-at-a-time de-identification of a table whose columns are already planned. Holds only
 * the plans, the pseudonym map and counters, so memory does not grow with the number of rows
 * (the pseudonym map grows with the number of distinct subjects).
 */
export type DeidentifierOptions = {
  headers: string[];
  plans: ColumnPlan[];
  /** Folded names from the data's own name fields. */
  knownNames: ReadonlySet<string>;
  format: DeidReport["format"];
  now: Date;
  /** Flagged text: kept in review markers (uploads) or withheld (the CLI). */
  flags: ScanOptions["flags"];
};

/** Measurements and counts: nothing to find in them, and they are most cells. */
const PLAIN_NUMBER = /^[-+]?\d{1,9}(?:[.,]\d+)?$/;
/** A code in a code column: one token of letters, digits, dots and dashes. */
const CODE_VALUE = /^[A-Za-z0-9][A-Za-z0-9.-]{0,24}$/;
/** Distinct short values remembered per column (bounded, so memory stays flat). */
const SCAN_CACHE_SIZE = 2_000;
const YEAR_ONLY = /^\s*(1[89]\d{2}|20\d{2})\s*$/;
const GENERALIZED_RULES: Partial<
  Record<ColumnPlan["action"], DeidReport["generalizedColumns"][number]["rule"]>
> = {
  pseudonym: "pseudonym",
  zip: "zip3",
  age: "age-90-plus",
};

export class Deidentifier {
  readonly plans: ColumnPlan[];
  /** The output's headers: kept columns, with identifiers in header cells rewritten. */
  readonly outputHeaders: string[];
  /** For each output column, its index in the input. */
  readonly sourceColumns: number[];
  private readonly safeHeaders: string[];
  private readonly dropped: number[];
  private readonly counts: Map<string, number>[];
  private readonly flagged: Map<IdentifierType, number>[];
  private readonly uncertainDates: number[];
  private readonly pseudonyms = new Map<string, string>();
  private readonly options: DeidentifierOptions;
  private readonly scanBase: Omit<ScanOptions, "isFreeText">;
  private readonly scanCache: Map<string, ScanResult>[];
  private headersRewritten = 0;
  private longValues = 0;
  private rowsIn = 0;
  private rowsOut = 0;

  constructor(options: DeidentifierOptions) {
    this.options = options;
    this.plans = options.plans;
    this.scanBase = { knownNames: options.knownNames, now: options.now, flags: options.flags };
    this.safeHeaders = uniqueHeaders(
      options.headers.map((header) => {
        const scanned = scanText(header, {
          ...this.scanBase,
          isFreeText: false,
          flags: "withhold",
        });
        if (scanned.value !== header) this.headersRewritten += 1;
        return scanned.value;
      }),
    );
    this.sourceColumns = this.plans.flatMap((plan, index) =>
      plan.action === "drop" ? [] : [index],
    );
    this.dropped = this.plans.flatMap((plan, index) => (plan.action === "drop" ? [index] : []));
    this.outputHeaders = this.sourceColumns.map((index) => this.safeHeaders[index]!);
    this.counts = options.headers.map(() => new Map<string, number>());
    this.flagged = options.headers.map(() => new Map<IdentifierType, number>());
    this.uncertainDates = options.headers.map(() => 0);
    this.scanCache = options.headers.map(() => new Map<string, ScanResult>());
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

  private randomPool = Buffer.alloc(0);
  private randomAt = 0;

  /** Twelve random hex digits, from a pool refilled 6 KB at a time (one call per 1,024 ids). */
  private randomHex(): string {
    if (this.randomAt + 6 > this.randomPool.length) {
      this.randomPool = randomBytes(6 * 1024);
      this.randomAt = 0;
    }
    this.randomAt += 6;
    return this.randomPool.toString("hex", this.randomAt - 6, this.randomAt);
  }

  private pseudonymFor(value: string): string {
    let pseudonym = this.pseudonyms.get(value);
    if (!pseudonym) {
      pseudonym = `S-${this.randomHex()}`;
      // The parser's cells are slices of whole input chunks; a map key kept as a slice would
      // keep its chunk alive for the whole run. A copy keeps memory flat.
      this.pseudonyms.set(Buffer.from(value, "utf8").toString("utf8"), pseudonym);
    }
    return pseudonym;
  }

  private transformCell(value: string, plan: ColumnPlan, column: number): string {
    if (value === "") return value;
    switch (plan.action) {
      case "pseudonym":
        this.count("OTHER_ID", column, "pseudonymized");
        return this.pseudonymFor(value.trim());
      case "zip": {
        this.count("GEOGRAPHIC", column, "generalized");
        return generalizeZip(value).value;
      }
      case "age": {
        const age = generalizeAge(value, plan.unit);
        if (!age) return this.scan(value, column, false);
        if (age.isOver89) this.count("AGE_OVER_89", column, "generalized");
        return age.value;
      }
      case "date": {
        const yearOnly = YEAR_ONLY.exec(value);
        const parsed = yearOnly ? null : parseWholeDate(value);
        const year = yearOnly
          ? Number(yearOnly[1])
          : parsed
            ? yearOf(parsed, this.options.now, plan.reading)
            : undefined;
        if (year === undefined) return this.scan(value, column, false);
        if (year === null) {
          // A two-digit year that cannot be read with certainty: removed and counted, never guessed.
          this.uncertainDates[column]! += 1;
          this.count("DATE", column, "removed");
          return "";
        }
        this.count("DATE", column, "generalized");
        if (plan.isBirth) {
          const generalized = birthYearOrAggregate(year, this.options.now);
          if (generalized !== String(year)) this.count("AGE_OVER_89", column, "generalized");
          return generalized;
        }
        return String(year);
      }
      case "keep":
        if (PLAIN_NUMBER.test(value) || (plan.class === "code" && CODE_VALUE.test(value)))
          return value;
        return this.scan(value, column, false);
      case "scan":
        if (PLAIN_NUMBER.test(value)) return value;
        return this.scan(value, column, plan.isFreeText);
      case "drop":
        return "";
    }
  }

  private scan(value: string, column: number, isFreeText: boolean): string {
    // Short values repeat (categories, test names, drugs): scan each once per column.
    const cache = value.length <= 80 ? this.scanCache[column]! : null;
    let result = cache?.get(value);
    if (!result) {
      result = scanText(value, { ...this.scanBase, isFreeText: isFreeText || value.length > 60 });
      if (cache && cache.size < SCAN_CACHE_SIZE)
        cache.set(Buffer.from(value, "utf8").toString("utf8"), result);
    }
    if (result.isTooLong) {
      this.longValues += 1;
      this.count("OTHER_ID", column, "removed");
    }
    for (const finding of result.findings) {
      if (finding.action === "flagged") {
        const flagged = this.flagged[column]!;
        flagged.set(finding.type, (flagged.get(finding.type) ?? 0) + 1);
      } else this.count(finding.type, column, finding.action);
    }
    return result.value;
  }

  /** De-identifies one row (cells in header order); returns the kept, rewritten cells. */
  transform(row: readonly string[]): string[] {
    this.rowsIn += 1;
    const output = new Array<string>(this.sourceColumns.length);
    for (const [position, index] of this.sourceColumns.entries())
      output[position] = this.transformCell(row[index] ?? "", this.plans[index]!, index);
    for (const index of this.dropped) {
      const plan = this.plans[index]!;
      if (plan.action === "drop" && (row[index] ?? "") !== "" && plan.type !== "PARTICIPANT_CHOICE")
        this.count(plan.type, index, "removed");
    }
    this.rowsOut += 1;
    return output;
  }

  report(droppedRows: DeidReport["droppedRows"], notes: string[] = []): DeidReport {
    const header = (index: number) => this.safeHeaders[index]!;
    const longNote =
      this.longValues > 0
        ? [
            `${this.longValues} value(s) longer than 65,536 characters were withheld whole, unchecked.`,
          ]
        : [];
    return {
      method: "HIPAA Safe Harbor, 45 CFR 164.514(b)(2)",
      format: this.options.format,
      rowsIn: this.rowsIn + droppedRows.count,
      rowsOut: this.rowsOut,
      columnsIn: [...this.safeHeaders],
      columnsOut: [...this.outputHeaders],
      removedColumns: this.plans.flatMap((plan, index) =>
        plan.action === "drop" ? [{ column: header(index), type: plan.type }] : [],
      ),
      generalizedColumns: this.plans.flatMap((plan, index) => {
        const rule =
          plan.action === "date"
            ? plan.isBirth
              ? "birth-year-90-plus"
              : "date-to-year"
            : GENERALIZED_RULES[plan.action];
        return rule ? [{ column: header(index), rule }] : [];
      }),
      findings: this.counts
        .flatMap((counts, index) =>
          [...counts.entries()].map(([key, count]) => {
            const [type, action] = key.split("/") as [IdentifierType, ReportFinding["action"]];
            return { type, column: header(index), action, count };
          }),
        )
        .sort((a, b) => b.count - a.count),
      droppedRows,
      notes: [...notes, ...longNote],
      columns: this.plans.map((plan, index) => ({
        column: header(index),
        class: plan.class,
        action: plan.action,
        reason: plan.reason,
      })),
      flagged: this.flagged.flatMap((counts, index) =>
        [...counts.entries()].map(([type, count]) => ({ column: header(index), type, count })),
      ),
      dates: this.plans.flatMap((plan, index) =>
        plan.action === "date"
          ? [
              {
                column: header(index),
                order: plan.reading.order,
                century:
                  plan.reading.century === null ? "four-digit years" : String(plan.reading.century),
                removed: this.uncertainDates[index]!,
              },
            ]
          : [],
      ),
      longValues: this.longValues,
      headersRewritten: this.headersRewritten,
    };
  }
}

/** Rewritten headers may collide ("[NAME]" twice): number the repeats. */
function uniqueHeaders(headers: string[]): string[] {
  const seen = new Map<string, number>();
  return headers.map((header) => {
    const count = (seen.get(header) ?? 0) + 1;
    seen.set(header, count);
    return count === 1 ? header : `${header} (${count})`;
  });
}
