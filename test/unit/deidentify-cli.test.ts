import { execFile, spawn } from "node:child_process";
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
    [
      "fhir-named.csv",
      JSON.stringify({
        resourceType: "Bundle",
        entry: [
          {
            resource: { resourceType: "Patient", name: [{ given: ["Megan"], family: "Holloway" }] },
          },
        ],
      }),
      /named \.csv but holds JSON/,
    ],
    [
      "null-entry.json",
      JSON.stringify({ resourceType: "Bundle", entry: [null] }),
      /malformed at entry\[0\]/,
    ],
    [
      "name-object.json",
      JSON.stringify({
        resourceType: "Bundle",
        entry: [{ resource: { resourceType: "Patient", name: { family: "Holloway" } } }],
      }),
      /malformed at entry\[0\]\.resource\.name/,
    ],
    [
      "given-string.json",
      JSON.stringify({
        resourceType: "Bundle",
        entry: [
          { resource: { resourceType: "Patient", name: [{ given: "Megan", family: "Holloway" }] } },
        ],
      }),
      /malformed at .*given/,
    ],
  ])("refuses %s with a one-line reason and leaves no output", async (name, content, reason) => {
    const result = await deidentify(await input(name, content));
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).not.toMatch(/Holloway|Megan/);
    expect(result.stderr).toMatch(reason);
    expect(await leftovers()).toEqual([]);
  });

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

  it("exits 2 with usage on missing arguments, a missing input file or a missing output folder", async () => {
    const usage = await run("npm", ["run", "--silent", "deidentify", "--", "only-input.csv"]).catch(
      (error: unknown) => error as { code: number; stderr: string },
    );
    expect((usage as { code: number }).code).toBe(2);
    expect((usage as { stderr: string }).stderr).toMatch(/usage:/);
    const missing = await deidentify(path.join(work, "does-not-exist.csv"));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot read/);
    expect(existsSync(missing.out)).toBe(false);
    const source = await input("fine.csv", "code,value\n4548-4,6.1\n");
    const noFolder = await run("npm", [
      "run",
      "--silent",
      "deidentify",
      "--",
      source,
      "--out",
      path.join(work, "no-such-folder", "out.csv"),
      "--report",
      path.join(work, "report.json"),
    ]).catch((error: unknown) => error as { code: number; stderr: string });
    expect((noFolder as { code: number }).code).toBe(2);
    expect((noFolder as { stderr: string }).stderr.trim().split("\n")).toEqual([
      expect.stringMatching(/output folder .*no-such-folder does not exist/),
    ]);
    expect(await leftovers()).toEqual([]);
  });

  it("withholds a 400 KB value whole, in linear time, and says so in the report", async () => {
    const huge = `Pt Megan Holloway ${"call 617-555-0188 or write to megan@example.org; ".repeat(8_000)}`;
    const result = await deidentify(await input("huge.csv", `id,note\np1,"${huge}"\np2,stable\n`));
    expect(result.code).toBe(0);
    const text = await readFile(result.out, "utf8");
    expect(text).not.toMatch(/Megan|617-555-0188/);
    const report = JSON.parse(await readFile(result.report, "utf8")) as {
      longValues: number;
      notes: string[];
    };
    expect(report.longValues).toBe(1);
    expect(report.notes.join(" ")).toMatch(/withheld whole/);
    await rm(result.out);
    await rm(result.report);
  });

  it("stopped by SIGTERM mid-run, exits 2 and leaves no output or temporary file", async () => {
    const rows = Array.from(
      { length: 150_000 },
      (_unused, index) => `${index},"Pt Megan Holloway seen; call 617-555-0188 on 03/04/2021"`,
    );
    const source = await input("long-run.csv", `id,note\n${rows.join("\n")}\n`);
    const child = spawn(
      "npm",
      [
        "run",
        "--silent",
        "deidentify",
        "--",
        source,
        "--out",
        path.join(work, "out.csv"),
        "--report",
        path.join(work, "report.json"),
      ],
      {
        cwd: path.resolve(import.meta.dirname, "../.."),
      },
    );
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) =>
      child.once("exit", (code) => resolve(code)),
    );
    // The CLI's own process writes its temporary output as .out.csv.PID.tmp.
    let pid: number | null = null;
    await expect
      .poll(
        async () => {
          const temporary = (await readdir(work)).find((name) =>
            /^\.out\.csv\.\d+\.tmp$/.test(name),
          );
          pid = temporary ? Number(/\.(\d+)\.tmp$/.exec(temporary)![1]) : null;
          return pid;
        },
        { timeout: 300_000, interval: 50 },
      )
      .not.toBeNull();
    process.kill(pid!, "SIGTERM");
    expect(await exited).toBe(2);
    expect(stderr.trim().split("\n")).toEqual([
      "deidentify: stopped by SIGTERM; nothing was written",
    ]);
    expect(await leftovers()).toEqual([]);
    await rm(source);
  });
});
