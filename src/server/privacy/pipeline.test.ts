import { readFile, writeFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { syntheaFile } from "../../../test/support/synthea";
import { deidentifyFile } from "./pipeline";
import { dictionaries } from "./dictionaries";

// The word lists load once per process; on a busy machine that takes seconds.
beforeAll(() => void dictionaries(), 120_000);

let work: string;

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), "deid-"));
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

async function run(inputPath: string, format: "csv" | "fhir", dropColumns?: string[]) {
  const chunks: Buffer[] = [];
  const output = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk);
      callback();
    },
  });
  const result = await deidentifyFile({
    inputPath,
    format,
    output,
    dropColumns,
    now: new Date("2026-11-21T00:00:00Z"),
  });
  const text = Buffer.concat(chunks).toString("utf8");
  return { ...result, text, rows: parse<Record<string, string>>(text, { columns: true }) };
}

/** Every identifier of every Synthea patient, as it appears in the source CSV. */
async function syntheaIdentifiers() {
  const patients = parse<Record<string, string>>(await readFile(syntheaFile("csv/patients.csv")), {
    columns: true,
  });
  return patients.flatMap((patient) =>
    ["SSN", "DRIVERS", "PASSPORT", "FIRST", "LAST", "MAIDEN", "ADDRESS", "CITY", "LAT", "LON"]
      .map((column) => patient[column] ?? "")
      .filter((value) => value.length >= 3),
  );
}

describe("de-identifying the Synthea CSV export", () => {
  it("removes every direct identifier of every patient and keeps year, ZIP3 and clinical fields", async () => {
    const { rows, text, report } = await run(syntheaFile("csv/patients.csv"), "csv");
    for (const identifier of await syntheaIdentifiers()) expect(text).not.toContain(identifier);
    expect(Object.keys(rows[0]!)).toEqual([
      "Id",
      "BIRTHDATE",
      "DEATHDATE",
      "MARITAL",
      "RACE",
      "ETHNICITY",
      "GENDER",
      "STATE",
      "ZIP",
      "HEALTHCARE_EXPENSES",
      "HEALTHCARE_COVERAGE",
    ]);
    for (const row of rows) {
      expect(row.BIRTHDATE).toMatch(/^(\d{4}|90\+)$/);
      expect(row.ZIP).toMatch(/^(\d{3})?$/);
      expect(row.Id).toMatch(/^S-[0-9a-f]{12}$/);
    }
    expect(report.rowsIn).toBe(59);
    expect(report.removedColumns.map((column) => column.column)).toEqual(
      expect.arrayContaining([
        "SSN",
        "DRIVERS",
        "PASSPORT",
        "FIRST",
        "LAST",
        "ADDRESS",
        "CITY",
        "COUNTY",
        "LAT",
        "LON",
      ]),
    );
  });

  it("finds identifiers planted under misleading headers and inside free text, and keeps clinical values", async () => {
    const source = path.join(work, "planted.csv");
    await writeFile(
      source,
      [
        "subject,field2,surname,code,result,units,comments,extra_info,field7",
        'P-001,Blaine377,Hickle134,4548-4,6.1,%,"Blaine377 says call 555-262-5593 or blaine@example.com","999-12-3456","1040 Tremblay Passage Unit 96"',
        'P-002,Aletha771,Dooley940,8480-6,128,mm[Hg],"Visit 03/14/2021 with daughter Aletha771; DL S99951234","https://aletha.example.net","192.168.1.20"',
        'P-003,Madelyn308,Roberts511,2093-3,201,mg/dL,"Born 1919; a 107-year-old woman, MRN: 7734512","passport X12345678X","ZIP: 02134"',
      ].join("\n"),
    );
    const { rows, text, report } = await run(source, "csv");
    for (const planted of [
      "Blaine377",
      "Hickle134",
      "Aletha771",
      "Dooley940",
      "Madelyn308",
      "Roberts511",
      "555-262-5593",
      "blaine@example.com",
      "999-12-3456",
      "Tremblay Passage",
      "03/14",
      "S99951234",
      "aletha.example.net",
      "192.168.1.20",
      "107-year",
      "7734512",
      "X12345678X",
      "02134",
      "P-001",
    ]) {
      expect(text).not.toContain(planted);
    }
    expect(rows.map((row) => [row.code, row.result, row.units])).toEqual([
      ["4548-4", "6.1", "%"],
      ["8480-6", "128", "mm[Hg]"],
      ["2093-3", "201", "mg/dL"],
    ]);
    expect(rows[2]!.comments).toContain("90+-year-old");
    expect(rows[1]!.comments).toContain("2021");
    expect(report.removedColumns).toContainEqual({ column: "field2", type: "NAME" });
    const types = new Set(report.findings.map((finding) => finding.type));
    // extra_info (an SSN, a URL, a passport) goes whole as a column of distinct codes.
    expect(report.removedColumns).toContainEqual({ column: "extra_info", type: "OTHER_ID" });
    for (const type of [
      "NAME",
      "PHONE",
      "EMAIL",
      "GEOGRAPHIC",
      "DATE",
      "LICENSE",
      "IP",
      "MRN",
      "AGE_OVER_89",
      "OTHER_ID",
    ]) {
      expect(types).toContain(type);
    }
  });

  it("drops the columns a participant chooses to drop and says so", async () => {
    const { rows, report } = await run(syntheaFile("csv/patients.csv"), "csv", [
      "HEALTHCARE_EXPENSES",
    ]);
    expect(Object.keys(rows[0]!)).not.toContain("HEALTHCARE_EXPENSES");
    expect(report.removedColumns).toContainEqual({
      column: "HEALTHCARE_EXPENSES",
      type: "PARTICIPANT_CHOICE",
    });
  });
});

describe("de-identifying FHIR R4 Bundles", () => {
  it("flattens a Synthea bundle and removes its patient's identifiers", async () => {
    const file = syntheaFile("fhir/Aletha771_Dooley940_95bb0833-636d-7616-11b8-483c6212f852.json");
    const bundle = JSON.parse(await readFile(file, "utf8")) as {
      entry: {
        resource: {
          resourceType: string;
          name?: { given?: string[]; family?: string }[];
          telecom?: { value: string }[];
          identifier?: { value: string }[];
          address?: { line: string[] }[];
        };
      }[];
    };
    const patient = bundle.entry.find(
      (entry) => entry.resource.resourceType === "Patient",
    )!.resource;
    const { text, rows, report } = await run(file, "fhir");
    const identifiers = [
      ...(patient.name ?? []).flatMap((name) => [...(name.given ?? []), name.family ?? ""]),
      ...(patient.telecom ?? []).map((item) => item.value),
      ...(patient.identifier ?? []).map((item) => item.value),
      ...(patient.address ?? []).flatMap((address) => address.line),
    ].filter((value) => value.length >= 4);
    expect(identifiers.length).toBeGreaterThan(5);
    for (const identifier of identifiers) expect(text).not.toContain(identifier);
    expect(new Set(rows.map((row) => row.resource_type))).toEqual(
      new Set(
        [
          "Patient",
          "Observation",
          "Condition",
          "MedicationRequest",
          "Procedure",
          "Immunization",
        ].filter((type) => rows.some((row) => row.resource_type === type)),
      ),
    );
    expect(rows.some((row) => row.code_system === "http://loinc.org")).toBe(true);
    expect(report.format).toBe("fhir");
  });

  it("aggregates a patient born in 1919 as 90+", async () => {
    const { rows } = await run(
      syntheaFile("fhir/Madelyn308_Roberts511_92e6d72a-f584-e1bb-fec0-6cfe2c486631.json"),
      "fhir",
    );
    expect(new Set(rows.map((row) => row.birth_date))).toEqual(new Set(["90+"]));
  });
});
