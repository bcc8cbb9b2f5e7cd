import { parse } from "csv-parse/sync";
import { AppError } from "~/server/errors";

export const MAX_INLINE_ROWS = 5_000;

/** Parses a small CSV (header row first) into records of strings, or says what is wrong. */
export function parseCsvRecords(csv: string): Record<string, string>[] {
  let records: Record<string, string>[];
  try {
    records = parse<Record<string, string>>(csv, {
      columns: true,
      skip_empty_lines: true,
      trim: true,
      bom: true,
    });
  } catch (error) {
    throw new AppError("BAD_INPUT", `The CSV could not be read: ${(error as Error).message}`);
  }
  if (records.length === 0) {
    throw new AppError("BAD_INPUT", "The CSV has a header but no data rows; add at least one row.");
  }
  if (records.length > MAX_INLINE_ROWS) {
    throw new AppError(
      "TOO_LARGE",
      `The CSV has ${records.length} rows; at most ${MAX_INLINE_ROWS} fit in a listing.`,
    );
  }
  return records;
}
