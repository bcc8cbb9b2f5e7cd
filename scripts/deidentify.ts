/**
 * `npm run --silent deidentify -- INPUT --out OUTPUT.csv --report REPORT.json`
 * De-identifies a CSV or FHIR R4 Bundle (.json) with the same engine as uploads. Text the
 * scanner is not sure about is withheld ("[WITHHELD]") and counted in the report. Exit 0 on
 * success; any failure (bad arguments, unreadable or malformed input, a missing output
 * folder, SIGTERM or SIGINT mid-run) prints one line on stderr, exits 2 and leaves no output
 * or temporary file. The npm script caps V8's old generation (and widens the young one,
 * where almost all of this work's garbage dies): streaming keeps the live set small, but V8
 * otherwise lets the heap grow well past 300 MB before collecting.
 */
import { createWriteStream, openSync, rmSync, type WriteStream } from "node:fs";
import { open, rename, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { isAppError } from "~/server/errors";
import { deidentifyFile, detectFormat } from "~/server/privacy/pipeline";

const USAGE =
  "usage: npm run --silent deidentify -- INPUT(.csv|.json) --out OUTPUT.csv --report REPORT.json [--drop COLUMN]...";

const temporaryFiles: string[] = [];
let output: WriteStream | null = null;

function removeTemporaryFiles() {
  output?.destroy();
  for (const file of temporaryFiles) rmSync(file, { force: true });
}

function fail(message: string): never {
  removeTemporaryFiles();
  process.stderr.write(`deidentify: ${message.replace(/\s*\n\s*/g, " ")}\n`);
  process.exit(2);
}

for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"] as const)
  process.once(signal, () => fail(`stopped by ${signal}; nothing was written`));

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

async function isFolder(folder: string): Promise<boolean> {
  try {
    return (await stat(folder)).isDirectory();
  } catch {
    return false;
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
    fail(`${(error as Error).message} ${USAGE}`);
  }
  const [input] = parsed.positionals;
  const { out, report, drop } = parsed.values;
  if (!input || !out || !report || parsed.positionals.length !== 1) fail(USAGE);
  for (const file of [out, report]) {
    const folder = path.dirname(path.resolve(file));
    if (!(await isFolder(folder)))
      fail(`the output folder ${folder} does not exist; create it first`);
  }

  let head: Buffer;
  try {
    head = await firstBytes(input);
  } catch (error) {
    fail(
      `cannot read ${input}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  const temporary = (file: string) =>
    path.join(path.dirname(path.resolve(file)), `.${path.basename(file)}.${process.pid}.tmp`);
  const temporaryOut = temporary(out);
  const temporaryReport = temporary(report);
  temporaryFiles.push(temporaryOut, temporaryReport);
  try {
    const format = detectFormat(input, head);
    // Opened here, not by the stream later: a refusal right after must find the file to remove
    // (an asynchronous open could create it after the clean-up, leaving it behind).
    output = createWriteStream(temporaryOut, { fd: openSync(temporaryOut, "w") });
    const result = await deidentifyFile({
      inputPath: input,
      format,
      output,
      dropColumns: drop,
      flags: "withhold",
    });
    await writeFile(temporaryReport, `${JSON.stringify(result.report, null, 2)}\n`);
    await rename(temporaryOut, out);
    await rename(temporaryReport, report);
    temporaryFiles.length = 0;
    const { rowsIn, rowsOut, columnsOut, removedColumns, flagged = [] } = result.report;
    const withheld = flagged.reduce((sum, item) => sum + item.count, 0);
    process.stderr.write(
      `deidentify: ${rowsOut} of ${rowsIn} rows written with ${columnsOut.length} columns; ${removedColumns.length} columns removed; ${withheld} uncertain values withheld; report in ${report}\n`,
    );
    // For bench:deid, which measures this very process.
    if (process.env.DEIDENTIFY_PEAK_RSS === "1") {
      process.stderr.write(`peak_rss_bytes=${process.resourceUsage().maxRSS * 1024}\n`);
    }
  } catch (error) {
    fail(isAppError(error) ? error.message : `failed: ${(error as Error).message}`);
  }
}

void main();
