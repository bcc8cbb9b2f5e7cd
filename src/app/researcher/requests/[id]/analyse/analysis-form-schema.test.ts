import { describe, expect, it } from "vitest";
import { analysisFormSchema, DEFAULT_FORM, EMPTY_TERM } from "./analysis-form-schema";

const schema = analysisFormSchema([
  { name: "arm", type: "categorical", plausible: null },
  { name: "hba1c_pct", type: "numeric", plausible: { min: 5, max: 9.9 } },
]);

const issues = (input: unknown) => {
  const result = schema.safeParse(input);
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
};

describe("the analysis builder's form", () => {
  it("turns a cross-tab into the spec the server takes", () => {
    const spec = schema.parse({
      ...DEFAULT_FORM,
      epsilon: "1.5",
      by: [{ ...EMPTY_TERM, variable: "arm", levels: " A, B ,," }],
    });
    expect(spec).toEqual({
      version: 1,
      epsilonCentis: 150,
      recordsPerListing: 1,
      filter: [],
      query: { kind: "count", by: [{ variable: "arm", levels: ["A", "B"] }] },
    });
  });

  it("a measurement without a range takes the cohort's plausible range", () => {
    const spec = schema.parse({
      ...DEFAULT_FORM,
      kind: "histogram",
      outcome: { ...EMPTY_TERM, variable: "hba1c_pct" },
    });
    expect(spec.query).toEqual({
      kind: "histogram",
      of: { variable: "hba1c_pct", min: 5, max: 9.9 },
      bins: 10,
    });
  });

  it("says beside each field what is wrong", () => {
    expect(issues({ ...DEFAULT_FORM, epsilon: "3" })).toEqual(["epsilon: ε from 0.05 to 2.00"]);
    expect(
      issues({ ...DEFAULT_FORM, by: [{ ...EMPTY_TERM, variable: "arm", levels: "A" }] }),
    ).toEqual(["by.0.levels: Give at least 2 levels, separated by commas"]);
    expect(
      issues({
        ...DEFAULT_FORM,
        kind: "summary",
        outcome: { ...EMPTY_TERM, variable: "hba1c_pct", min: "2" },
      }),
    ).toEqual(["outcome.min: A number from 5 to 9.9"]);
    expect(
      issues({ ...DEFAULT_FORM, kind: "linear", outcome: { ...EMPTY_TERM, variable: "arm" } }),
    ).toEqual(["covariates: Add a covariate", "outcome.variable: Choose a measurement"]);
    expect(
      issues({ ...DEFAULT_FORM, by: [{ ...EMPTY_TERM, variable: "etc_passwd", levels: "a,b" }] }),
    ).toEqual(["by.0.variable: Choose a variable"]);
  });

  it("what no single field says is said beside the kind", () => {
    expect(
      issues({
        ...DEFAULT_FORM,
        kind: "logistic",
        outcome: { ...EMPTY_TERM, variable: "arm", levels: "A,B" },
        covariates: [{ ...EMPTY_TERM, variable: "hba1c_pct" }],
      }),
    ).toEqual([]);
    expect(
      issues({
        ...DEFAULT_FORM,
        kind: "histogram",
        bins: "2",
        outcome: { ...EMPTY_TERM, variable: "hba1c_pct", min: "5", max: "5" },
      }),
    ).toEqual(["outcome.max: A number above min, at most 9.9"]);
  });
});
