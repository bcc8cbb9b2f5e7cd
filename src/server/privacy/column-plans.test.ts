import { beforeAll, describe, expect, it } from "vitest";
import { csv, deidentifyContent } from "../../../test/support/deidentify";
import { dictionaries } from "./dictionaries";

// The word lists load once per process; on a busy machine that takes seconds.
beforeAll(() => void dictionaries(), 120_000);

/** Ten rows of a column, so that its values can be profiled. */
const rows = (count: number, make: (index: number) => string[]) =>
  Array.from({ length: count }, (_unused, index) => make(index));

describe("columns are judged by what they hold (issue 14)", () => {
  it("removes identifier columns with ordinary names", async () => {
    const data = rows(12, (index) => [
      `${4_000_000 + index * 7919}`, // hospital_no
      `MR-2021-00${4512 + index}`, // chart_no
      `XEH${100_000_000 + index * 31}`, // payer_member_no
      `PJN${123_456 + index}S`, // pacemaker_sn
      ["Springfield", "Island Pond", "Port Kaley", "East Lorenzo"][index % 4]! +
        (index > 3 ? ` ${index}` : ""), // hometown
      `B-${40_521 + index}`, // badge_number
      `BB21-${100_000 + index}-X`, // biobank_barcode
      `0${2134 + index}`, // zipcd
      `617555${String(1000 + index)}`, // ph_no
      `MRN${8_336_870 + index}`, // record
      `Dr. ${["Hiroshi Tanaka", "Megan Holloway", "Amy Chen"][index % 3]}`, // referring
      `${["Grace", "Will", "Bobby"][index % 3]} ${["Holloway", "Nguyen", "Smith"][index % 3]}`, // relative
      String(100 + index), // sbp
    ]);
    const headers = [
      "hospital_no",
      "chart_no",
      "payer_member_no",
      "pacemaker_sn",
      "hometown",
      "badge_number",
      "biobank_barcode",
      "zipcd",
      "ph_no",
      "record",
      "referring",
      "relative",
      "Systolic BP (mm Hg)",
    ];
    const { rows: output, report, text } = await deidentifyContent(csv(headers, ...data));
    for (const row of data)
      for (const value of row.slice(0, 12))
        if (!/^\d{1,3}$/.test(value)) expect(text).not.toContain(value);
    expect(Object.keys(output[0]!)).toEqual(["zipcd", "Systolic BP (mm Hg)"]);
    expect(output.map((row) => row.zipcd)).toContain("021");
    expect(output.map((row) => row["Systolic BP (mm Hg)"])).toEqual(data.map((row) => row[12]));
    expect(report.columns?.find((column) => column.column === "record")?.class).toBe("identifier");
  });

  it("keeps measurements, relative times, 0/1 flags and ages in days", async () => {
    const headers = [
      "Systolic BP (mm Hg)",
      "tumor_size_mm",
      "study_day",
      "visit_month",
      "MAC_culture",
      "ip_dose_mg",
      "case",
      "age_days",
      "snomed_code",
      "test",
    ];
    const data = rows(12, (index) => [
      String(110 + index),
      String(3 + index),
      String(index * 7 - 14),
      String(index * 2),
      index % 2 ? "positive" : "negative",
      ["5", "10", "20"][index % 3]!,
      String(index % 2),
      String(120 + index * 40),
      ["44054006", "38341003", "195967001", "73211009"][index % 4]!,
      ["6 Minute Walk Test", "Gleason score", "Timed Up and Go"][index % 3]!,
    ]);
    const { rows: output } = await deidentifyContent(csv(headers, ...data));
    expect(output.map((row) => headers.map((header) => row[header]))).toEqual(data);
  });

  it("turns a year-only age into 90+ only when the unit says years", async () => {
    const { rows: output } = await deidentifyContent(
      csv(
        ["age", "age_days", "value"],
        ["93", "120", "1"],
        ["45", "33000", "2"],
        ["89", "35", "3"],
      ),
    );
    expect(output.map((row) => [row.age, row.age_days])).toEqual([
      ["90+", "120"],
      ["45", "90+"],
      ["89", "35"],
    ]);
  });

  it("reads a two-digit-year date column by its own values, and removes what it cannot read", async () => {
    const dates = ["14/07/48", "03/04/21", "25/12/63", "01/02/99"];
    const { rows: output, report } = await deidentifyContent(
      csv(["when", "n"], ...dates.map((date, index) => [date, String(index)])),
    );
    expect(output.map((row) => row.when)).toEqual(["1948", "", "1963", "1999"]);
    expect(report.dates).toContainEqual({
      column: "when",
      order: "day/month",
      century: "mixed",
      removed: 1,
    });
  });

  it("scans header cells like values and never reports the raw header", async () => {
    const { report, text } = await deidentifyContent(
      csv(
        ["subject_id", "John Smith 123-45-6789", "note"],
        ["p1", "7", "stable"],
        ["p2", "9", "stable"],
      ),
    );
    expect(text).not.toContain("John");
    expect(text).not.toContain("123-45-6789");
    expect(JSON.stringify(report)).not.toMatch(/John|Smith|123-45-6789/);
    expect(report.columnsOut).toContain("[NAME] [NAME] [SSN]");
    expect(report.headersRewritten).toBe(1);
  });
});
