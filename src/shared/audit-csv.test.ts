import Papa from "papaparse";
import { describe, expect, it } from "vitest";
import { auditReportCsv } from "~/shared/audit-csv";

describe("auditReportCsv", () => {
  it("writes a verdict, each failure and each piece of evidence per check, quoting commas", () => {
    const csv = auditReportCsv({
      trial: { registryId: "T-1" },
      chainId: 31337,
      checkedAt: "2026-11-21T00:00:00.000Z",
      checks: [
        { name: "integrity", passed: true, evidence: { listings: 2 }, failures: [] },
        {
          name: "consent",
          passed: false,
          evidence: {},
          failures: ['use u1: consent had expired, "late"'],
        },
      ],
    });
    const parsed = Papa.parse<string[]>(csv.trim()).data;
    expect(parsed[0]).toEqual([
      "trial",
      "chain_id",
      "checked_at",
      "check",
      "result",
      "kind",
      "detail",
    ]);
    expect(parsed.slice(1).map((row) => row.slice(3))).toEqual([
      ["integrity", "passed", "verdict", ""],
      ["integrity", "passed", "evidence:listings", "2"],
      ["consent", "failed", "verdict", ""],
      ["consent", "failed", "failure", 'use u1: consent had expired, "late"'],
    ]);
  });

  it("escapes formulas in every cell, a formula followed by a line break included", () => {
    const csv = auditReportCsv({
      trial: { registryId: "T-1" },
      chainId: 31337,
      checkedAt: "2026-11-21T00:00:00.000Z",
      checks: [
        {
          name: "consent",
          passed: false,
          evidence: { note: '=HYPERLINK("https://evil.example")\nsecond line' },
          failures: ["@SUM(1+1)\nmore", "-2+3"],
        },
      ],
    });
    const cells = Papa.parse<string[]>(csv.trim()).data.flat();
    expect(cells.filter((cell) => /^[=+\-@]/.test(cell))).toEqual([]);
  });
});
