/**
 * `npm run --silent bench:deid`: de-identification throughput and memory, through the CLI's
 * code path. Generates realistic clinical CSVs (20 columns: ids, names, dates, ZIPs, ages,
 * codes, values, two free-text columns with planted identifiers), then:
 * - throughput: a 1,000,000-cell CSV through deidentifyFile (the function the CLI calls);
 * - memory: the CLI itself (`npm run --silent deidentify`) on a 200 MB CSV, its peak RSS
 *   measured from outside by `/usr/bin/time -f %M` (the largest process of the run).
 * Target: peak RSS < 300 MB. BENCH_SMOKE=1: a 20,000-cell file and a 2 MB CLI run.
 * Temporary files are removed on failure and on SIGINT/SIGTERM too. Last line: JSON.
 */
import { execFile } from "node:child_process";
import { createWriteStream, existsSync } from "node:fs";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { promisify } from "node:util";
import { dictionaries } from "~/server/privacy/dictionaries";
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
  "site",
  "arm",
  "study_day",
  "Systolic BP (mm Hg)",
  "weight_kg",
  "case",
  "snomed_code",
  "nurse_note",
];
const SNOMED = ["44054006", "38341003", "195967001", "73211009"];
const NURSE_NOTES = [
  "Vitals stable; Gleason score 3+4=7 reviewed with the patient.",
  "Foley catheter removed on day 3. Ambulating, 6 Minute Walk Test 410 m.",
  "Daughter Grace called from 617-555-0188 about Eliquis 5 mg BID.",
  "Seen by Dr. Hiroshi Tanaka; moved to Island Pond, VT 05901 in March.",
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
    `SITE-${index % 7}`,
    index % 2 ? "placebo" : "active",
    String((index % 400) - 14),
    String(100 + (index % 80)),
    (50 + (index % 60) + 0.5).toFixed(1),
    String(index % 2),
    SNOMED[index % SNOMED.length]!,
    `"${NURSE_NOTES[index % NURSE_NOTES.length]!}"`,
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

const isSmoke = process.env.BENCH_SMOKE === "1";
let work: string | null = null;
async function cleanUp() {
  if (work) await rm(work, { recursive: true, force: true });
  work = null;
}
for (const signal of ["SIGINT", "SIGTERM"] as const)
  process.once(signal, () => void cleanUp().finally(() => process.exit(130)));

/** Runs the CLI as a person does, under /usr/bin/time when there is one: peak RSS in MB. */
async function peakRssOfCli(
  input: string,
  directory: string,
): Promise<{ megabytes: number; how: string }> {
  const run = promisify(execFile);
  const cli = [
    "npm",
    "run",
    "--silent",
    "deidentify",
    "--",
    input,
    "--out",
    path.join(directory, "big-out.csv"),
    "--report",
    path.join(directory, "big-report.json"),
  ];
  if (existsSync("/usr/bin/time")) {
    const { stderr } = await run("/usr/bin/time", ["-f", "peak_kb=%M", ...cli], {
      maxBuffer: 1 << 20,
    });
    const peak = /peak_kb=(\d+)/.exec(stderr);
    if (!peak) throw new Error(`/usr/bin/time printed no peak: ${stderr}`);
    return { megabytes: Math.round(Number(peak[1]) / 1024), how: "/usr/bin/time -f %M" };
  }
  const { stderr } = await run(cli[0]!, cli.slice(1), {
    env: { ...process.env, DEIDENTIFY_PEAK_RSS: "1" },
    maxBuffer: 1 << 20,
  });
  const peak = /peak_rss_bytes=(\d+)/.exec(stderr);
  if (!peak) throw new Error(`the CLI did not report its peak memory: ${stderr}`);
  return { megabytes: Math.round(Number(peak[1]) / 1024 / 1024), how: "the CLI's own maxRSS" };
}

async function main() {
  work = await mkdtemp(path.join(tmpdir(), "bench-deid-"));
  const cellsTarget = isSmoke ? 20_000 : 1_000_000;
  const smallRows = Math.ceil(cellsTarget / HEADER.length);
  const small = path.join(work, "one-million-cells.csv");
  await writeCsv(small, { rows: smallRows });
  const sink = new Writable({ write: (_chunk, _encoding, callback) => callback() });
  dictionaries(); // once per process, as in a running server
  const started = performance.now();
  const { report } = await deidentifyFile({ inputPath: small, format: "csv", output: sink });
  const seconds = (performance.now() - started) / 1000;
  const cells = smallRows * HEADER.length;
  const cellsPerSecond = Math.round(cells / seconds);

  const big = path.join(work, "two-hundred-mb.csv");
  const bigRows = await writeCsv(big, { bytes: (isSmoke ? 2 : 200) * 1024 * 1024 });
  const bigBytes = (await stat(big)).size;
  const bigStarted = performance.now();
  const peak = await peakRssOfCli(big, work);
  const bigSeconds = (performance.now() - bigStarted) / 1000;

  printTable([
    ["measure", "value", "target"],
    [`cells (${HEADER.length} columns)`, cells.toLocaleString("en-US"), ""],
    ["seconds", seconds.toFixed(2), ""],
    ["cells per second", cellsPerSecond.toLocaleString("en-US"), ""],
    [
      "identifiers handled",
      report.findings.reduce((sum, finding) => sum + finding.count, 0).toLocaleString("en-US"),
      "",
    ],
    [
      `${(bigBytes / 1024 / 1024).toFixed(0)} MB CSV (CLI)`,
      `${bigRows.toLocaleString("en-US")} rows, ${bigSeconds.toFixed(1)} s`,
      "",
    ],
    [
      `peak RSS (${peak.how})`,
      `${peak.megabytes} MB`,
      `< 300 MB ${peak.megabytes < 300 ? "met" : "MISSED"}`,
    ],
  ]);
  console.log(
    JSON.stringify({
      cells_per_second: cellsPerSecond,
      peak_rss_mb: peak.megabytes,
      csv_mb: Math.round(bigBytes / 1024 / 1024),
      smoke: isSmoke,
    }),
  );
}

main()
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => cleanUp());
