import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { parse } from "csv-parse/sync";
import { deidentifyFile, type DeidentifyFileOptions } from "~/server/privacy/pipeline";

/** Today, for the tests: ages and two-digit years are judged against it. */
export const TEST_NOW = new Date("2026-11-21T00:00:00Z");

/** De-identifies `content` (CSV text or a FHIR Bundle object) through the real pipeline. */
export async function deidentifyContent(
  content: string | object,
  options: Partial<Pick<DeidentifyFileOptions, "dropColumns" | "flags">> = {},
) {
  const work = await mkdtemp(path.join(tmpdir(), "deid-case-"));
  try {
    const isFhir = typeof content !== "string";
    const inputPath = path.join(work, isFhir ? "input.json" : "input.csv");
    await writeFile(inputPath, isFhir ? JSON.stringify(content) : content);
    const chunks: Buffer[] = [];
    const output = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        chunks.push(chunk);
        callback();
      },
    });
    const result = await deidentifyFile({
      inputPath,
      format: isFhir ? "fhir" : "csv",
      output,
      now: TEST_NOW,
      ...options,
    });
    const text = Buffer.concat(chunks).toString("utf8");
    const rows = parse<Record<string, string>>(text, { columns: true });
    return { ...result, text, rows };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** A CSV of one header row and data rows, quoting every cell. */
export function csv(header: string[], ...rows: string[][]): string {
  const quote = (cell: string) => `"${cell.replace(/"/g, '""')}"`;
  return [header, ...rows].map((row) => row.map(quote).join(",")).join("\n");
}
