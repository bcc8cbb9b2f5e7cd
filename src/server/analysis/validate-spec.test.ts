import { describe, expect, it } from "vitest";
import { AppError } from "~/server/errors";
import { parseAnalysisSpec, validateAgainstCohort } from "./validate-spec";
import { buildVariableCatalogue, normaliseHeader, roundOutward } from "./variable-catalogue";

const catalogue = buildVariableCatalogue([
  [
    { header: "Diagnosis", class: "category" },
    { header: "Sex", class: "category" },
    { header: "Site", class: "category" },
    { header: "Systolic BP (mm Hg)", class: "measurement", range: { min: 92, max: 187 } },
    { header: "Age", class: "age", range: { min: 21, max: 83 } },
    { header: "Email", class: "identifier" },
    { header: "Visit date", class: "date" },
    { header: "Notes", class: "free text" },
  ],
  [
    { header: "diagnosis", class: "category" },
    { header: "sex", class: "category" },
    { header: "site", class: "category" },
    { header: "systolic_bp_mm_hg", class: "measurement", range: { min: 88, max: 201 } },
    { header: "age", class: "age", range: { min: 30, max: 90 } },
    { header: "Email", class: "identifier" },
  ],
]);

const count = (by: unknown[], extra: Record<string, unknown> = {}) => ({
  version: 1,
  epsilonCentis: 50,
  query: { kind: "count", by },
  ...extra,
});
const sex = { variable: "sex", levels: ["F", "M"] };

function refusal(raw: unknown): string {
  try {
    validateAgainstCohort(parseAnalysisSpec(raw), catalogue);
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe("BAD_INPUT");
    return (error as AppError).message;
  }
  throw new Error("the spec was accepted");
}

describe("the variable catalogue", () => {
  it("offers only columns analysable in every listing, under their normalised names", () => {
    expect([...catalogue.keys()].sort()).toEqual([
      "age",
      "diagnosis",
      "sex",
      "site",
      "systolic_bp_mm_hg",
    ]);
    expect(normaliseHeader("Systolic BP (mm Hg)")).toBe("systolic_bp_mm_hg");
    expect(catalogue.get("systolic_bp_mm_hg")).toEqual({
      name: "systolic_bp_mm_hg",
      type: "numeric",
      plausible: { min: 88, max: 210 },
    });
    expect(roundOutward(0.0347, "down")).toBe(0.034);
    expect(roundOutward(-1234, "down")).toBe(-1300);
  });

  it("leaves out a column one listing classified differently", () => {
    const mixed = buildVariableCatalogue([
      [{ header: "code", class: "category" }],
      [{ header: "code", class: "identifier" }],
    ]);
    expect(mixed.size).toBe(0);
  });
});

describe("an attacker's bad specs are refused with a clear error", () => {
  it("accepts a well-formed cross-tab", () => {
    const spec = parseAnalysisSpec(
      count([sex, { variable: "diagnosis", levels: ["a", "b", "c"] }]),
    );
    expect(() => validateAgainstCohort(spec, catalogue)).not.toThrow();
    expect(spec.recordsPerListing).toBe(1);
  });

  it("an unknown variable, an identifier column, or a path names what the cohort has", () => {
    expect(refusal(count([{ variable: "email", levels: ["a", "b"] }]))).toBe(
      "Unknown variable 'email'; this cohort has: age, diagnosis, sex, site, systolic_bp_mm_hg",
    );
    expect(refusal(count([{ variable: "visit_date", levels: ["a", "b"] }]))).toMatch(
      /Unknown variable/,
    );
    expect(refusal(count([{ variable: "__proto__", levels: ["a", "b"] }]))).toMatch(
      /lower-case catalogue names/,
    );
    expect(refusal(count([{ variable: "../../etc/passwd", levels: ["a", "b"] }]))).toMatch(
      /'query.by.0.variable'/,
    );
    expect(refusal(count([{ variable: "constructor", levels: ["a", "b"] }]))).toMatch(
      /Unknown variable 'constructor'/,
    );
  });

  it("a huge number of levels, four grouping variables, or a table over 1,000 cells", () => {
    const many = Array.from({ length: 25 }, (_, i) => `level${i}`);
    expect(refusal(count([{ variable: "sex", levels: many }]))).toMatch(/At most 20 levels/);
    const d = (variable: string) => ({ variable, levels: ["a", "b"] });
    expect(refusal(count([d("sex"), d("diagnosis"), d("age"), d("sex")]))).toMatch(
      /at most 3 variables/,
    );
    const ten = Array.from({ length: 10 }, (_, i) => `l${i}`);
    const big = [
      { variable: "sex", levels: ten },
      { variable: "diagnosis", levels: ten },
      { variable: "site", levels: ten },
    ];
    expect(refusal(count(big))).toBe("The table would have 1331 cells; at most 1000");
  });

  it("NaN, Infinity and a reversed range are refused before any arithmetic", () => {
    const summary = (min: unknown, max: unknown) => ({
      version: 1,
      epsilonCentis: 50,
      query: { kind: "summary", of: { variable: "age", min, max }, stats: ["mean"] },
    });
    expect(refusal(summary(Number.NaN, 80))).toMatch(/finite/);
    expect(refusal(summary(20, Number.POSITIVE_INFINITY))).toMatch(/finite/);
    expect(
      refusal(
        '{"version":1,"epsilonCentis":50,"query":{"kind":"histogram","of":{"variable":"age","min":0,"max":1e999},"bins":5}}',
      ),
    ).toMatch(/finite/);
    expect(refusal(summary(80, 20))).toMatch(/max must be above min/);
    expect(refusal(summary(0, 80))).toMatch(/within 21–90/);
    expect(() =>
      validateAgainstCohort(parseAnalysisSpec(summary(25, 80)), catalogue),
    ).not.toThrow();
  });

  it("deeply nested, oversized, or malformed JSON is refused with a bounded walk", () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(refusal(count([sex], { junk: deep }))).toMatch(/nested deeper than 8 levels/);
    expect(refusal(count([sex], { junk: "x".repeat(20_000) }))).toMatch(/larger than 16384 bytes/);
    expect(refusal("x".repeat(20_000))).toMatch(/larger than 16384 bytes/);
    expect(refusal(count([sex], { junk: new Array(100_000).fill(0) }))).toMatch(/larger than/);
    expect(refusal("{not json")).toBe("The analysis is not valid JSON");
    expect(refusal(count([sex], { extra: 1 }))).toMatch(/Unrecognized key|extra/);
  });

  it("ε outside 0.05–2.00 or not an integer number of hundredths", () => {
    expect(refusal(count([sex], { epsilonCentis: 0 }))).toMatch(/epsilonCentis/);
    expect(refusal(count([sex], { epsilonCentis: 300 }))).toMatch(/epsilonCentis/);
    expect(refusal(count([sex], { epsilonCentis: 0.1 }))).toMatch(/epsilonCentis/);
  });

  it("a categorical used as a measurement, a logistic outcome of 3 levels, a wide design", () => {
    expect(
      refusal({
        version: 1,
        epsilonCentis: 50,
        query: { kind: "histogram", of: { variable: "sex", min: 0, max: 1 }, bins: 4 },
      }),
    ).toMatch(/'sex' is categorical/);
    const logistic = {
      version: 1,
      epsilonCentis: 50,
      query: {
        kind: "logistic",
        outcome: { variable: "diagnosis", levels: ["a", "b", "c"] },
        covariates: [{ variable: "age", min: 30, max: 80 }],
      },
    };
    expect(refusal(logistic)).toMatch(/exactly 2 levels/);
    const wide = {
      version: 1,
      epsilonCentis: 50,
      query: {
        kind: "linear",
        outcome: { variable: "age", min: 30, max: 80 },
        covariates: [
          { variable: "diagnosis", levels: Array.from({ length: 12 }, (_, i) => `d${i}`) },
          sex,
        ],
      },
    };
    expect(refusal(wide)).toMatch(/14 columns after coding categories; at most 12/);
  });
});
