import "server-only";
import { readFile, stat } from "node:fs/promises";
import type { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { stringify } from "csv-stringify";
import { AppError } from "~/server/errors";
import { planColumn, type ColumnPlan } from "./column-classifier";
import { ColumnProfile } from "./column-profile";
import { readCsvRows } from "./csv-reader";
import { Deidentifier } from "./deidentifier";
import { dictionaries } from "./dictionaries";
import { flattenBundle, FHIR_COLUMNS, parseBundle } from "./fhir";
import type { DeidReport } from "./report";
import type { ScanOptions } from "./text-scanner";
import { decodeUtf8Text } from "./text-input";

/**
 * De-identifies a CSV file or a FHIR R4 Bundle into CSV. CSV streams in two passes: the first
 * profiles every column with bounded memory (shapes, a distinct-count sketch, date evidence,
 * name tokens of name columns), the second rewrites rows under each column's plan; so memory
 * stays flat whatever the file size. The same function serves uploads and the CLI.
 */
export type DeidProgress = {
  phase: "profiling columns" | "de-identifying";
  bytes: number;
  totalBytes: number;
  rows: number;
};

export type DeidentifyFileOptions = {
  inputPath: string;
  format: "csv" | "fhir";
  output: Writable;
  dropColumns?: readonly string[];
  onProgress?: (progress: DeidProgress) => void;
  now?: Date;
  /** Flagged text: kept in review markers for the review page, or withheld (default). */
  flags?: ScanOptions["flags"];
};

export type DeidentifyResult = {
  report: DeidReport;
  pseudonyms: ReadonlyMap<string, string>;
  /** The output's headers. */
  columns: string[];
  /** For each output column, its index among the input's columns. */
  sourceColumns: number[];
};

const MAX_EXAMPLES = 20;

/** The format a file holds, checked against what its name says. */
export function detectFormat(fileName: string, firstBytes: Buffer): "csv" | "fhir" {
  const start = firstBytes
    .toString("utf8")
    .replace(/^\uFEFF/, "")
    .trimStart();
  const looksLikeJson = start.startsWith("{") || start.startsWith("[");
  if (/\.json$/i.test(fileName)) {
    if (!looksLikeJson && start !== "")
      throw new AppError(
        "BAD_INPUT",
        "The file is named .json but does not hold JSON; a CSV file must be named .csv.",
      );
    return "fhir";
  }
  if (/\.csv$/i.test(fileName) && looksLikeJson)
    throw new AppError(
      "BAD_INPUT",
      "The file is named .csv but holds JSON (a FHIR Bundle?); name it .json to have it read as FHIR.",
    );
  return looksLikeJson ? "fhir" : "csv";
}

function progressReporter(
  totalBytes: number,
  phase: DeidProgress["phase"],
  onProgress: DeidentifyFileOptions["onProgress"],
  rows: () => number,
) {
  let lastReport = 0;
  return (bytes: number) => {
    if (onProgress && (bytes - lastReport > 1_000_000 || bytes === totalBytes)) {
      lastReport = bytes;
      onProgress({ phase, bytes, totalBytes, rows: rows() });
    }
  };
}

/** Plans for every column, and the file's own names (from the columns that hold names). */
function planColumns(
  headers: readonly string[],
  profiles: readonly ColumnProfile[],
  options: DeidentifyFileOptions,
  now: Date,
) {
  const participantDrops = new Set(options.dropColumns ?? []);
  const knownNames = new Set<string>();
  const plans = headers.map((header, index): ColumnPlan => {
    const plan = planColumn(header, profiles[index]!, now);
    if (plan.action === "drop" && plan.type === "NAME")
      for (const token of profiles[index]!.nameTokens ?? []) knownNames.add(token);
    if (participantDrops.has(header))
      return {
        action: "drop",
        type: "PARTICIPANT_CHOICE",
        class: plan.class,
        reason: "the participant's choice",
      };
    return plan;
  });
  return { plans, knownNames };
}

async function deidentifyCsv(
  options: DeidentifyFileOptions,
  totalBytes: number,
  now: Date,
): Promise<DeidentifyResult> {
  let headers = null as string[] | null;
  let profiles: ColumnProfile[] = [];
  let rows = 0;
  await readCsvRows(
    options.inputPath,
    (record) => {
      if (!headers) {
        headers = record.map((header) => header.trim());
        profiles = headers.map(() => new ColumnProfile());
        return;
      }
      rows += 1;
      if (record.length !== profiles.length) return;
      for (let index = 0; index < record.length; index += 1) profiles[index]!.add(record[index]!);
    },
    progressReporter(totalBytes, "profiling columns", options.onProgress, () => rows),
  );
  const header: string[] | null = headers;
  if (!header) throw new AppError("BAD_INPUT", "The file is empty.");
  if (rows === 0) throw new AppError("BAD_INPUT", "The CSV has a header row but no data rows.");
  if (new Set(header).size !== header.length)
    throw new AppError(
      "BAD_INPUT",
      "The CSV header repeats a column name; give every column a distinct name.",
    );

  const { plans, knownNames } = planColumns(header, profiles, options, now);
  const deidentifier = new Deidentifier({
    headers: header,
    plans,
    knownNames,
    format: "csv",
    now,
    flags: options.flags ?? "withhold",
  });
  if (deidentifier.outputHeaders.length === 0)
    throw new AppError(
      "BAD_INPUT",
      "Every column of this file is an identifier; nothing would be left to publish.",
    );
  const dropped: DeidReport["droppedRows"] = { count: 0, examples: [] };
  const expected = header.length;
  let written = 0;
  const output = stringify();
  const done = pipeline(output, options.output);
  output.write(deidentifier.outputHeaders);
  try {
    await readCsvRows(
      options.inputPath,
      (record, rowNumber) => {
        if (rowNumber === 1) return;
        if (record.length !== expected) {
          dropped.count += 1;
          if (dropped.examples.length < MAX_EXAMPLES)
            dropped.examples.push({
              line: rowNumber,
              reason: `has ${record.length} fields, the header has ${expected}`,
            });
          return;
        }
        written += 1;
        if (!output.write(deidentifier.transform(record)))
          return new Promise<void>((resolve) => output.once("drain", () => resolve()));
      },
      progressReporter(totalBytes, "de-identifying", options.onProgress, () => written),
    );
  } finally {
    output.end();
  }
  await done;
  if (written === 0)
    throw new AppError(
      "BAD_INPUT",
      `No row has as many fields as the header (${expected}); check the delimiter and quoting.`,
    );
  const notes =
    dropped.count > 0
      ? [`${dropped.count} row(s) with the wrong number of fields were left out.`]
      : [];
  return {
    report: deidentifier.report(dropped, notes),
    pseudonyms: deidentifier.pseudonymMap(),
    columns: deidentifier.outputHeaders,
    sourceColumns: deidentifier.sourceColumns,
  };
}

async function deidentifyFhir(
  options: DeidentifyFileOptions,
  totalBytes: number,
  now: Date,
): Promise<DeidentifyResult> {
  const flattened = flattenBundle(parseBundle(decodeUtf8Text(await readFile(options.inputPath))));
  if (flattened.rows.length === 0)
    throw new AppError(
      "BAD_INPUT",
      "The Bundle holds no Patient or clinical resources this app reads.",
    );
  options.onProgress?.({ phase: "de-identifying", bytes: totalBytes, totalBytes, rows: 0 });
  const headers = [...FHIR_COLUMNS];
  const profiles = headers.map(() => new ColumnProfile());
  for (const row of flattened.rows)
    for (const [index, value] of row.entries()) profiles[index]!.add(value);
  const { plans, knownNames } = planColumns(headers, profiles, options, now);
  for (const name of flattened.knownNames) knownNames.add(name);
  const deidentifier = new Deidentifier({
    headers,
    plans,
    knownNames,
    format: "fhir",
    now,
    flags: options.flags ?? "withhold",
  });
  const output = stringify();
  const done = pipeline(output, options.output);
  output.write(deidentifier.outputHeaders);
  for (const row of flattened.rows) {
    if (!output.write(deidentifier.transform(row)))
      await new Promise((resolve) => output.once("drain", resolve));
  }
  output.end();
  await done;
  const skipped = Object.entries(flattened.skipped).map(
    ([type, count]) => `${count} ${type} resource(s) are not read by this app and were left out.`,
  );
  return {
    report: deidentifier.report({ count: 0, examples: [] }, skipped),
    pseudonyms: deidentifier.pseudonymMap(),
    columns: deidentifier.outputHeaders,
    sourceColumns: deidentifier.sourceColumns,
  };
}

export async function deidentifyFile(options: DeidentifyFileOptions): Promise<DeidentifyResult> {
  const { size } = await stat(options.inputPath);
  if (size === 0) throw new AppError("BAD_INPUT", "The file is empty.");
  dictionaries(); // loaded once per process, before the clock of the first file starts
  const now = options.now ?? new Date();
  return options.format === "fhir"
    ? deidentifyFhir(options, size, now)
    : deidentifyCsv(options, size, now);
}
