import { describe, expect, it } from "vitest";
import { cohortOf, specOf } from "../disclosure/test-cohort";
import { seededRandom } from "../noise/random";
import { evaluateAnalysis } from "./run";

const rng = seededRandom(2024);
const uniform = () => rng.nextUint32() / 2 ** 32;
/** 2,000 listings, one record each: age 20–80, a sex, sometimes a missing age. */
const rows = Array.from({ length: 2_000 }, (_, i) => [
  {
    age: i % 50 === 0 ? null : 20 + 60 * uniform(),
    sex: i % 3 === 0 ? "F" : "M",
    site: i < 8 ? "tiny" : "big",
  },
]);

describe("evaluating each kind of analysis", () => {
  it("summary: noisy mean, sd and median near the truth, per group, small groups suppressed", () => {
    const spec = specOf({
      version: 1,
      epsilonCentis: 100,
      query: {
        kind: "summary",
        of: { variable: "age", min: 20, max: 80 },
        by: { variable: "site", levels: ["big", "tiny"] },
        stats: ["mean", "sd", "median"],
      },
    });
    const result = evaluateAnalysis(spec, cohortOf(rows, spec), {
      threshold: 10,
      rng: seededRandom(1),
    });
    if (result.output.kind !== "summary") throw new Error("summary");
    const [big, tiny, other] = result.output.groups;
    expect(big!.level).toBe("big");
    expect(big!.n! % 6).toBe(3);
    expect(big!.stats!.mean).toBeGreaterThan(47);
    expect(big!.stats!.mean).toBeLessThan(53);
    // The sd of a uniform over 60 years is 60/√12 ≈ 17.3.
    expect(big!.stats!.sd).toBeGreaterThan(15);
    expect(big!.stats!.sd).toBeLessThan(19.5);
    expect(big!.stats!.median).toBeGreaterThan(45);
    expect(big!.stats!.median).toBeLessThan(55);
    expect(tiny).toEqual({ level: "tiny", n: null, stats: null });
    expect(other).toEqual({ level: "other", n: null, stats: null });
    expect(result.disclosure.suppressedCells).toBe(2);
    expect(result.allSuppressed).toBe(false);
  });

  it("histogram and cross-tab: released cells only, with the disclosure report", () => {
    const histogram = specOf({
      version: 1,
      epsilonCentis: 100,
      query: { kind: "histogram", of: { variable: "age", min: 20, max: 80 }, bins: 6 },
    });
    const h = evaluateAnalysis(histogram, cohortOf(rows, histogram), {
      threshold: 10,
      rng: seededRandom(2),
    });
    if (h.output.kind !== "histogram") throw new Error("histogram");
    expect(h.output.edges).toEqual([20, 30, 40, 50, 60, 70, 80]);
    for (const cell of h.output.cells) expect(Math.abs(cell! - 327)).toBeLessThan(90);

    const table = specOf({
      version: 1,
      epsilonCentis: 50,
      query: {
        kind: "count",
        by: [
          { variable: "sex", levels: ["F", "M"] },
          { variable: "site", levels: ["big", "tiny"] },
        ],
      },
    });
    const t = evaluateAnalysis(table, cohortOf(rows, table), {
      threshold: 10,
      rng: seededRandom(3),
    });
    if (t.output.kind !== "count") throw new Error("count");
    expect(t.output.dimensions[1]!.levels).toEqual(["big", "tiny", "other"]);
    // F×big ≈ 664, F×tiny 3 (suppressed), F×other 0, M×big ≈ 1328, M×tiny 5, M×other 0,
    // and a row of zeros for sex `other`.
    expect(t.output.cells.map((c) => c === null)).toEqual([
      false,
      true,
      true,
      false,
      true,
      true,
      true,
      true,
      true,
    ]);
    expect(t.disclosure).toMatchObject({
      threshold: 10,
      suppressedCells: 7,
      rounding: "midpoint-6",
      epsilonCentis: 50,
      noiseScale: 2,
      mechanism: "discrete-laplace",
    });
  });

  it("a grouping that leaves every cell suppressed says so, for the caller to refuse", () => {
    const spec = specOf({
      version: 1,
      epsilonCentis: 50,
      query: { kind: "count", by: [{ variable: "site", levels: ["tiny", "none"] }] },
    });
    const few = rows.slice(0, 8);
    const result = evaluateAnalysis(spec, cohortOf(few, spec), {
      threshold: 10,
      rng: seededRandom(4),
    });
    expect(result.allSuppressed).toBe(true);
  });

  it("one listing contributes at most L records, whatever it holds", () => {
    const spec = specOf({
      version: 1,
      epsilonCentis: 200,
      recordsPerListing: 2,
      query: { kind: "count", by: [] },
    });
    // One listing with 5,000 records and 20 with one each: the total seen is 22, not 5,020.
    const flood = [
      Array.from({ length: 5_000 }, () => ({})),
      ...Array.from({ length: 20 }, () => [{}]),
    ];
    const totals = Array.from({ length: 50 }, (_, seed) => {
      const out = evaluateAnalysis(spec, cohortOf(flood, spec), {
        threshold: 5,
        rng: seededRandom(seed),
      }).output;
      return out.kind === "count" ? (out.cells[0] ?? 0) : 0;
    });
    expect(Math.max(...totals)).toBeLessThan(60);
  });

  it("a filter keeps only the records it names, before contributions are bounded", () => {
    const spec = specOf({
      version: 1,
      epsilonCentis: 200,
      filter: [{ variable: "sex", in: ["F"] }],
      query: { kind: "count", by: [{ variable: "site", levels: ["big", "tiny"] }] },
    });
    const result = evaluateAnalysis(spec, cohortOf(rows, spec), {
      threshold: 10,
      rng: seededRandom(5),
    });
    if (result.output.kind !== "count") throw new Error("count");
    // 667 women, 3 of them at the tiny site: about 664 released, the rest suppressed.
    expect(Math.abs(result.output.cells[0]! - 664)).toBeLessThan(30);
    expect(result.output.cells.slice(1)).toEqual([null, null]);
  });
});
