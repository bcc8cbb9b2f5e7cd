/**
 * `npm run --silent bench:deid`: de-identification throughput and memory, through the CLI's
 * code path. Generates realistic clinical CSVs (ids, dates, codes, values, free-text notes with
 * planted identifiers, names, ZIPs, ages), then:
 * - throughput: a 1,000,000-cell CSV through deidentifyFile (the function the CLI calls);
 * - memory: the CLI itself, as a child process, on a 200 MB CSV; it reports its peak RSS.
 * Targets: >= 500,000 cells/s and peak RSS < 300 MB. Last line: JSON.
 */
import { execFile } from "node:child_process";
import { createWriteStream } from "node:fs";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { promisify } from "node:util";
import { deidentifyFile } from "~/server/privacy/pipeline";
import { printTable } from "./table";

const HEADER = [
  "patient_id",
  "first_name",
  "last_name",
  "birth_date",
  "zip",
  "age",
  "visit_date",
  "code",
  "description",
  "value",
  "unit",
  "clinician_note",
];
const FIRST = ["Blaine", "Aletha", "Madelyn", "Horacio", "Yasmine", "Teodoro", "Silvia", "Donn"];
const LAST = ["Hickle", "Dooley", "Roberts", "Beatty", "Hahn", "Mayorga", "Farias", "Schimmel"];
const TESTS = [
  ["4548-4", "Hemoglobin A1c/Hemoglobin.total in Blood", "%"],
  ["8480-6", "Systolic blood pressure", "mm[Hg]"],
  ["2093-3", "Cholesterol [Mass/volume] in Serum or Plasma", "mg/dL"],
  ["39156-5", "Body mass index (BMI) [Ratio]", "kg/m2"],
];
const NOTES = [
  "Stable; continue current regimen.",
  "Patient reports mild fatigue, no chest pain.",
  "Follow up in 3 months; call 555-262-5593 if symptoms worsen.",
  "Seen with daughter Aletha; lives at 869 Koelpin Loaf Apt 1.",
  "Labs reviewed on 03/14/2021, HbA1c improving.",
  "Email results to patient.portal@example.org per request.",
];

function row(index: number): string {
  const test = TESTS[index % TESTS.length]!;
  const first = FIRST[index % FIRST.length]!;
  const last = LAST[(index * 3) % LAST.length]!;
  const note = NOTES[index % NOTES.length]!.replace("Aletha", FIRST[(index + 1) % FIRST.length]!);
  return [
    `7f${(index % 5000).toString(16).padStart(6, "0")}-4c1d-4d8e-9b2a-0242ac120002`,
    `${first}${index % 900}`,
    `${last}${index % 700}`,
    `19${40 + (index % 60)}-0${1 + (index % 9)}-1${index % 10}`,
    `0${2100 + (index % 800)}`,
    String(20 + (index % 80)),
    `2023-0${1 + (index % 9)}-2${index % 10}T10:3${index % 10}:00Z`,
    test[0],
    `"${test[1]}"`,
    (5 + (index % 100) / 10).toFixed(1),
    test[2],
    `"${note}"`,
  ].join(",");
}

async function writeCsv(file: string, options: { rows?: number; bytes?: number }) {
  const out = createWriteStream(file);
  const write = (text: string) =>
    out.write(text)
      ? Promise.resolve()
      : new Promise<void>((resolve) => out.once("drain", () => resolve()));
  await write(`${HEADER.join(",")}\n`);
  let rows = 0;
  let bytes = 0;
  while (
    (options.rows !== undefined && rows < options.rows) ||
    (options.bytes !== undefined && bytes < options.bytes)
  ) {
    const line = `${row(rows)}\n`;
    bytes += line.length;
    rows += 1;
    await write(line);
  }
  await new Promise((resolve) => out.end(resolve));
  return rows;
}

async function main() {
  const work = await mkdtemp(path.join(tmpdir(), "bench-deid-"));
  try {
    const cellsTarget = 1_000_000;
    const smallRows = Math.ceil(cellsTarget / HEADER.length);
    const small = path.join(work, "one-million-cells.csv");
    await writeCsv(small, { rows: smallRows });
    const sink = new Writable({ write: (_chunk, _encoding, callback) => callback() });
    const started = performance.now();
    const { report } = await deidentifyFile({ inputPath: small, format: "csv", output: sink });
    const seconds = (performance.now() - started) / 1000;
    const cells = smallRows * HEADER.length;
    const cellsPerSecond = Math.round(cells / seconds);

    const big = path.join(work, "two-hundred-mb.csv");
    const bigRows = await writeCsv(big, { bytes: 200 * 1024 * 1024 });
    const bigBytes = (await stat(big)).size;
    const run = promisify(execFile);
    const bigStarted = performance.now();
    // Exactly the command a person runs (npm script, with its memory settings).
    const { stderr } = await run(
      "npm",
      [
        "run",
        "--silent",
        "deidentify",
        "--",
        big,
        "--out",
        path.join(work, "big-out.csv"),
        "--report",
        path.join(work, "big-report.json"),
      ],
      { env: { ...process.env, DEIDENTIFY_PEAK_RSS: "1" }, maxBuffer: 1 << 20 },
    );
    const bigSeconds = (performance.now() - bigStarted) / 1000;
    const peak = /peak_rss_bytes=(\d+)/.exec(stderr);
    if (!peak) throw new Error(`the CLI did not report its peak memory: ${stderr}`);
    const peakRssMb = Math.round(Number(peak[1]) / 1024 / 1024);

    const lines = [
      ["measure", "value", "target"],
      ["cells (1M-cell CSV)", cells.toLocaleString("en-US"), ""],
      ["seconds", seconds.toFixed(2), ""],
      [
        "cells per second",
        cellsPerSecond.toLocaleString("en-US"),
        `>= 500,000 ${cellsPerSecond >= 500_000 ? "met" : "MISSED"}`,
      ],
      [
        "identifiers handled",
        report.findings.reduce((sum, finding) => sum + finding.count, 0).toLocaleString("en-US"),
        "",
      ],
      [
        "200 MB CSV (CLI)",
        `${(bigBytes / 1024 / 1024).toFixed(0)} MB, ${bigRows.toLocaleString("en-US")} rows, ${bigSeconds.toFixed(1)} s`,
        "",
      ],
      ["peak RSS", `${peakRssMb} MB`, `< 300 MB ${peakRssMb < 300 ? "met" : "MISSED"}`],
    ];
    printTable(lines);
    console.log(JSON.stringify({ cells_per_second: cellsPerSecond, peak_rss_mb: peakRssMb }));
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
