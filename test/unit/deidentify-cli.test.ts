import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { syntheaFile } from "../support/synthea";

/** The command a data manager runs, exactly: `npm run --silent deidentify -- ...`. */
const run = promisify(execFile);
let work: string;

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), "deid-cli-"));
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

async function deidentify(input: string, extra: string[] = []) {
  const out = path.join(work, "out.csv");
  const report = path.join(work, "report.json");
  try {
    const result = await run(
      "npm",
      ["run", "--silent", "deidentify", "--", input, "--out", out, "--report", report, ...extra],
      { cwd: path.resolve(import.meta.dirname, "../..") },
    );
    return { code: 0, stderr: result.stderr, out, report };
  } catch (error) {
    const failure = error as { code: number; stderr: string };
    return { code: failure.code, stderr: failure.stderr, out, report };
  }
}

async function leftovers() {
  return (await readdir(work)).filter(
    (name) => name.startsWith("out") || name.startsWith("report") || name.endsWith(".tmp"),
  );
}

async function input(name: string, content: string | Buffer) {
  const file = path.join(work, name);
  await writeFile(file, content);
  return file;
}

describe("npm run deidentify", () => {
  it("writes the de-identified CSV and the report for a Synthea CSV and a FHIR bundle", async () => {
    const csv = await deidentify(syntheaFile("csv/patients.csv"));
    expect(csv.code).toBe(0);
    const report = JSON.parse(await readFile(csv.report, "utf8")) as { rowsOut: number };
    expect(report.rowsOut).toBe(59);
    expect(await readFile(csv.out, "utf8")).not.toMatch(/999-\d\d-\d{4}/);
    await rm(csv.out);
    await rm(csv.report);

    const fhir = await deidentify(
      syntheaFile("fhir/Blaine377_Hickle134_92b47f6e-d4b0-47bd-bf6a-b944d4de48e6.json"),
    );
    expect(fhir.code).toBe(0);
    expect(await readFile(fhir.out, "utf8")).not.toContain("Blaine377");
    await rm(fhir.out);
    await rm(fhir.report);
  });

  it.each([
    ["empty.csv", "", /empty/],
    ["binary.csv", Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0x08, 0x00]), /binary file/],
    ["latin1.csv", Buffer.from("name,city\nJos\xe9,M\xe1laga\n", "latin1"), /not UTF-8/],
    ["header-only.csv", "a,b,c\n", /no data rows/],
    ["unclosed.csv", 'a,b\n1,"never closed\n', /quoted field is not closed/],
    [
      "all-identifiers.csv",
      "name,email,phone\nJane Doe,jane@example.com,555-123-4567\n",
      /Every column .* is an identifier/,
    ],
    [
      "not-a-bundle.json",
      JSON.stringify({ resourceType: "Patient", id: "x" }),
      /not a FHIR R4 Bundle \(resourceType is Patient\)/,
    ],
    ["broken.json", '{ "resourceType": "Bundle", ', /not valid JSON/],
  ])(
    "refuses %s with a one-line reason and leaves no output",
    async (name, content, reason) => {
      const result = await deidentify(await input(name, content));
      expect(result.code).toBe(1);
      expect(result.stderr.trim().split("\n")).toHaveLength(1);
      expect(result.stderr).toMatch(reason);
      expect(await leftovers()).toEqual([]);
    },
    30_000,
  );

  it("leaves out ragged rows and says how many in the report", async () => {
    const result = await deidentify(
      await input("ragged.csv", "code,value\n4548-4,6.1\n8480-6\n2093-3,201,extra\n39156-5,27\n"),
    );
    expect(result.code).toBe(0);
    const report = JSON.parse(await readFile(result.report, "utf8")) as {
      rowsOut: number;
      droppedRows: { count: number; examples: { line: number }[] };
    };
    expect(report.rowsOut).toBe(2);
    expect(report.droppedRows.count).toBe(2);
    expect(report.droppedRows.examples.map((example) => example.line)).toEqual([3, 4]);
    await rm(result.out);
    await rm(result.report);
  });

  it("exits 2 with usage on missing arguments, and 1 for a missing input file", async () => {
    const usage = await run("npm", ["run", "--silent", "deidentify", "--", "only-input.csv"]).catch(
      (error: unknown) => error as { code: number; stderr: string },
    );
    expect((usage as { code: number }).code).toBe(2);
    expect((usage as { stderr: string }).stderr).toMatch(/usage:/);
    const missing = await deidentify(path.join(work, "does-not-exist.csv"));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/cannot read/);
    expect(existsSync(missing.out)).toBe(false);
  });
});
