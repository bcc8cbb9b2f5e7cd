import { describe, expect, it } from "vitest";
import { anonymize, quasiIdentifierKind } from "./k-anonymity";

function cohort(size: number, spread: (index: number) => Record<string, string>) {
  return Array.from({ length: size }, (_, index) => ({
    ...spread(index),
    hba1c: (5 + (index % 30) / 10).toFixed(1),
  }));
}

describe("k-anonymity", () => {
  it("recognises quasi-identifiers by column name", () => {
    expect(
      ["age", "zip", "birth_date", "gender", "hba1c", "code"].map(quasiIdentifierKind),
    ).toEqual(["age", "zip", "year", "category", null, null]);
  });

  it("generalises until every class has k records, and reports k and the risk", () => {
    const rows = cohort(200, (index) => ({
      age: String(30 + (index % 37)),
      zip: String(100 + (index % 13) * 71).padStart(3, "0"),
      gender: index % 2 ? "F" : "M",
    }));
    const result = anonymize(rows, { k: 5, maxSuppressionShare: 0.05 });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.report.kAchieved).toBeGreaterThanOrEqual(5);
    expect(result.report.suppressedRecords).toBeLessThanOrEqual(10);
    expect(result.report.risk.prosecutorMax).toBeLessThanOrEqual(1 / 5);
    const counts = new Map<string, number>();
    for (const row of result.rows)
      counts.set(
        `${row.age}|${row.zip}|${row.gender}`,
        (counts.get(`${row.age}|${row.zip}|${row.gender}`) ?? 0) + 1,
      );
    expect(Math.min(...counts.values())).toBeGreaterThanOrEqual(5);
    expect(result.rows[0]!.hba1c).toBe(
      rows.find((row) => row.hba1c === result.rows[0]!.hba1c)!.hba1c,
    );
  });

  it("suppresses a few outliers within the budget", () => {
    const rows = [
      ...cohort(98, () => ({ age: "40", gender: "F" })),
      { age: "91", gender: "M", hba1c: "6.0" },
      { age: "17", gender: "X", hba1c: "6.1" },
    ];
    const result = anonymize(rows, { k: 5, maxSuppressionShare: 0.05 });
    expect(result.ok && result.report.suppressedRecords).toBe(2);
  });

  it("refuses when k cannot be met within the budget, and says why", () => {
    const rows = cohort(4, (index) => ({ age: String(20 + index), gender: "F" }));
    const result = anonymize(rows, { k: 5, maxSuppressionShare: 0.05 });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(/k = 5 cannot be reached/);
  });
});
