/**
 * `npm run --silent deidentify -- INPUT --out OUTPUT.csv --report REPORT.json`
 * De-identifies a CSV or FHIR R4 Bundle (.json) with the same engine as uploads. Exit 0 on
 * success; otherwise 1 (bad input) or 2 (bad arguments) with a one-line reason on stderr, and
 * no output file left behind. The npm script caps V8's old generation (and widens the young
 * one, where almost all of this work's garbage dies): streaming keeps the live set small, but
 * V8 otherwise lets the heap grow well past 300 MB before collecting.
 */
import { createReadStream, createWriteStream } from "node:fs";
import { open, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { isAppError } from "~/server/errors";
import { deidentifyFile, detectFormat } from "~/server/privacy/pipeline";

const USAGE =
  "usage: npm run --silent deidentify -- INPUT(.csv|.json) --out OUTPUT.csv --report REPORT.json [--drop COLUMN]...";

function fail(code: number, message: string): never {
  process.stderr.write(`deidentify: ${message}\n`);
  process.exit(code);
}

async function firstBytes(file: string): Promise<Buffer> {
  const handle = await open(file, "r");
  try {
    const buffer = Buffer.alloc(64);
    const { bytesRead } = await handle.read(buffer, 0, 64, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

async function main() {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        out: { type: "string" },
        report: { type: "string" },
        drop: { type: "string", multiple: true },
      },
    });
  } catch (error) {
    fail(2, `${(error as Error).message}\n${USAGE}`);
  }
  const [input] = parsed.positionals;
  const { out, report, drop } = parsed.values;
  if (!input || !out || !report || parsed.positionals.length !== 1) fail(2, USAGE);

  let head: Buffer;
  try {
    head = await firstBytes(input);
    createReadStream(input).destroy();
  } catch (error) {
    fail(
      1,
      `cannot read ${input}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  const temporaryOut = path.join(
    path.dirname(path.resolve(out)),
    `.${path.basename(out)}.${process.pid}.tmp`,
  );
  const temporaryReport = path.join(
    path.dirname(path.resolve(report)),
    `.${path.basename(report)}.${process.pid}.tmp`,
  );
  try {
    const result = await deidentifyFile({
      inputPath: input,
      format: detectFormat(input, head),
      output: createWriteStream(temporaryOut),
      dropColumns: drop,
    });
    await writeFile(temporaryReport, `${JSON.stringify(result.report, null, 2)}\n`);
    await rename(temporaryOut, out);
    await rename(temporaryReport, report);
    const { rowsIn, rowsOut, columnsOut, removedColumns } = result.report;
    process.stderr.write(
      `deidentify: ${rowsOut} of ${rowsIn} rows written with ${columnsOut.length} columns; ${removedColumns.length} columns removed; report in ${report}\n`,
    );
    // For bench:deid, which measures this very process.
    if (process.env.DEIDENTIFY_PEAK_RSS === "1") {
      process.stderr.write(`peak_rss_bytes=${process.resourceUsage().maxRSS * 1024}\n`);
    }
  } catch (error) {
    await rm(temporaryOut, { force: true });
    await rm(temporaryReport, { force: true });
    fail(1, isAppError(error) ? error.message : `failed: ${(error as Error).message}`);
  }
}

void main();
