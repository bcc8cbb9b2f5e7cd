import { readFile, stat } from "node:fs/promises";
import type { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { stringify } from "csv-stringify";
import { AppError } from "~/server/errors";
import { Deidentifier, nameTokens } from "./deidentifier";
import { flattenBundle, FHIR_COLUMNS, parseBundle } from "./fhir";
import type { DeidReport } from "./report";
import { readCsvRows } from "./csv-reader";
import { decodeUtf8Text } from "./text-input";
import { nameOnlyTokens } from "./value-scanner";

/**
 * De-identifies a CSV file or a FHIR R4 Bundle into CSV, streaming CSV in two passes (names
 * first, so a name seen anywhere in a name column is redacted everywhere, then the rewrite),
 * so memory stays flat whatever the file size. The same function serves uploads and the CLI.
 */
export type DeidProgress = {
  phase: "reading names" | "de-identifying";
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
};

export type DeidentifyResult = {
  report: DeidReport;
  pseudonyms: ReadonlyMap<string, string>;
  columns: string[];
};

const MAX_EXAMPLES = 20;

export function detectFormat(fileName: string, firstBytes: Buffer): "csv" | "fhir" {
  if (/\.json$/i.test(fileName)) return "fhir";
  if (/\.csv$/i.test(fileName)) return "csv";
  return firstBytes.toString("utf8").trimStart().startsWith("{") ? "fhir" : "csv";
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

async function deidentifyCsv(
  options: DeidentifyFileOptions,
  totalBytes: number,
): Promise<DeidentifyResult> {
  // Pass 1: headers, names from name columns, rows.
  // Pass 1: headers, names from name columns, and columns that hold names under another header.
  let headers = null as string[] | null;
  let nameColumns: number[] = [];
  let filled: number[] = [];
  let nameLike: number[] = [];
  const namesByColumn: (Set<string> | undefined)[] = [];
  const knownNames = new Set<string>();
  let rows = 0;
  await readCsvRows(
    options.inputPath,
    (record) => {
      if (!headers) {
        headers = record.map((header) => header.trim());
        nameColumns = headers.flatMap((header, index) =>
          Deidentifier.isNameColumn(header) ? [index] : [],
        );
        filled = headers.map(() => 0);
        nameLike = headers.map(() => 0);
        for (let index = 0; index < headers.length; index += 1) namesByColumn.push(new Set());
        return;
      }
      rows += 1;
      for (const index of nameColumns)
        for (const token of nameTokens(record[index] ?? "")) knownNames.add(token);
      for (let index = 0; index < record.length && index < filled.length; index += 1) {
        const value = record[index]!;
        const names = namesByColumn[index];
        if (value === "" || value.length > 60 || !names) continue;
        filled[index]! += 1;
        if (nameOnlyTokens(value)) nameLike[index]! += 1;
        // Every value of a column that may turn out to be a name column is a name to look for,
        // including unusual names the dictionary lacks; clearly non-name columns stop early.
        if (filled[index]! >= 200 && nameLike[index]! * 10 < filled[index]! * 3)
          namesByColumn[index] = undefined;
        else if (names.size < 100_000) for (const token of nameTokens(value)) names.add(token);
      }
    },
    progressReporter(totalBytes, "reading names", options.onProgress, () => rows),
  );
  const header: string[] | null = headers;
  if (!header) throw new AppError("BAD_INPUT", "The file is empty.");
  if (rows === 0) throw new AppError("BAD_INPUT", "The CSV has a header row but no data rows.");
  if (new Set(header).size !== header.length) {
    throw new AppError(
      "BAD_INPUT",
      "The CSV header repeats a column name; give every column a distinct name.",
    );
  }

  // Pass 2: rewrite, streaming into the output with back-pressure.
  // A column most of whose values are nothing but personal names is a name column.
  const hiddenNameColumns = header.filter(
    (_column, index) =>
      !nameColumns.includes(index) && filled[index]! > 0 && nameLike[index]! * 2 > filled[index]!,
  );
  for (const column of hiddenNameColumns)
    for (const token of namesByColumn[header.indexOf(column)] ?? []) knownNames.add(token);
  const deidentifier = new Deidentifier({
    headers: header,
    knownNames,
    dropColumns: options.dropColumns,
    nameColumns: hiddenNameColumns,
    format: "csv",
    now: options.now,
  });
  if (deidentifier.outputHeaders.length === 0) {
    throw new AppError(
      "BAD_INPUT",
      "Every column of this file is an identifier; nothing would be left to publish.",
    );
  }
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
          if (dropped.examples.length < MAX_EXAMPLES) {
            dropped.examples.push({
              line: rowNumber,
              reason: `has ${record.length} fields, the header has ${expected}`,
            });
          }
          return;
        }
        written += 1;
        if (!output.write(deidentifier.transform(record))) {
          return new Promise<void>((resolve) => output.once("drain", () => resolve()));
        }
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
  };
}

async function deidentifyFhir(
  options: DeidentifyFileOptions,
  totalBytes: number,
): Promise<DeidentifyResult> {
  const flattened = flattenBundle(parseBundle(decodeUtf8Text(await readFile(options.inputPath))));
  if (flattened.rows.length === 0)
    throw new AppError(
      "BAD_INPUT",
      "The Bundle holds no Patient or clinical resources this app reads.",
    );
  options.onProgress?.({ phase: "de-identifying", bytes: totalBytes, totalBytes, rows: 0 });
  const deidentifier = new Deidentifier({
    headers: [...FHIR_COLUMNS],
    knownNames: flattened.knownNames,
    dropColumns: options.dropColumns,
    format: "fhir",
    now: options.now,
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
  };
}

export async function deidentifyFile(options: DeidentifyFileOptions): Promise<DeidentifyResult> {
  const { size } = await stat(options.inputPath);
  if (size === 0) throw new AppError("BAD_INPUT", "The file is empty.");
  return options.format === "fhir" ? deidentifyFhir(options, size) : deidentifyCsv(options, size);
}
