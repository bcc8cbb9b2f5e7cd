import Papa from "papaparse";
import { describe, expect, it } from "vitest";
import { resultCsv, resultTable, ZReleasedOutputSchema, type TDisclosure } from "./analysis-result";

const disclosure: TDisclosure = {
  threshold: 10,
  noisyThreshold: 28,
  suppressedCells: 2,
  rounding: "midpoint-6",
  epsilonCentis: 150,
  recordsPerListing: 1,
  noiseScale: 0.67,
  mechanism: "discrete-laplace",
};

describe("released result tables and CSV", () => {
  it("labels a cross-tab's cells in the engine's order (the first variable slowest)", () => {
    const output = ZReleasedOutputSchema.parse({
      kind: "count",
      dimensions: [
        { variable: "arm", levels: ["A", "other"] },
        { variable: "sex", levels: ["f", "m", "other"] },
      ],
      cells: [33, 39, null, 45, null, 3],
    });
    const table = resultTable(output);
    expect(table.header).toEqual(["arm", "sex", "count"]);
    expect(table.rows.map((row) => row.values)).toEqual([
      ["A", "f", 33],
      ["A", "m", 39],
      ["A", "other", null],
      ["other", "f", 45],
      ["other", "m", null],
      ["other", "other", 3],
    ]);
  });

  it("writes a suppressed cell as suppressed, never as a number, and the ε spent", () => {
    const output = ZReleasedOutputSchema.parse({
      kind: "count",
      dimensions: [{ variable: "arm", levels: ["A", "B", "other"] }],
      cells: [57, null, null],
    });
    const csv = resultCsv(output, disclosure);
    const rows = Papa.parse<string[]>(csv.trim()).data;
    expect(rows.slice(0, 4)).toEqual([
      ["arm", "count"],
      ["A", "57"],
      ["B", "< 10 (suppressed)"],
      ["other", "< 10 (suppressed)"],
    ]);
    expect(rows).toContainEqual(["epsilon", "1.50"]);
  });

  it("neutralises a level that a spreadsheet would run as a formula", () => {
    const output = ZReleasedOutputSchema.parse({
      kind: "count",
      dimensions: [{ variable: "arm", levels: ["=HYPERLINK(1)", "other"] }],
      cells: [21, 33],
    });
    expect(resultCsv(output, disclosure)).not.toMatch(/^=HYPERLINK/m);
  });

  it("a whole-cohort count, a histogram, a summary and a regression each make one table", () => {
    expect(
      resultTable(ZReleasedOutputSchema.parse({ kind: "count", dimensions: [], cells: [81] })).rows,
    ).toEqual([{ label: "all records", values: [81] }]);
    const histogram = resultTable(
      ZReleasedOutputSchema.parse({
        kind: "histogram",
        variable: "hba1c_pct",
        edges: [5, 6, 7],
        cells: [null, 15],
      }),
    );
    expect(histogram.rows.map((row) => row.values)).toEqual([
      [5, 6, null],
      [6, 7, 15],
    ]);
    const summary = resultTable(
      ZReleasedOutputSchema.parse({
        kind: "summary",
        variable: "hba1c_pct",
        groups: [
          { level: "A", n: 21, stats: { mean: 6.2 } },
          { level: "other", n: null, stats: null },
        ],
      }),
    );
    expect(summary.header).toEqual(["group", "n", "mean of hba1c_pct"]);
    expect(summary.rows[1]!.values).toEqual(["other", null, null]);
    const regression = resultTable(
      ZReleasedOutputSchema.parse({
        kind: "linear",
        n: 99,
        coefficients: [{ term: "(intercept)", estimate: 1.5, se: 0.2 }],
      }),
    );
    expect(regression.rows[0]!.values).toEqual(["(intercept)", 1.5, 0.2]);
  });

  it("refuses a shape it does not know rather than guessing", () => {
    expect(ZReleasedOutputSchema.safeParse({ kind: "count", cells: "1" }).success).toBe(false);
  });
});
