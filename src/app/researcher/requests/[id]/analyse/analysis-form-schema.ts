import { z } from "zod";
import { STAT_KINDS, ZAnalysisSpecSchema, type TAnalysisSpec } from "~/shared/analysis-spec";

/**
 * The analysis builder's form, and how it becomes a spec (`src/shared/analysis-spec.ts`). The
 * form speaks the researcher's terms (ε as 0.50, levels as "A, B"); the schema checks them
 * against the cohort's catalogue where a field can say what is wrong, then hands the spec to
 * the spec's own schema. The server checks everything again.
 */
export const ANALYSIS_KINDS = ["count", "summary", "histogram", "linear", "logistic"] as const;
export const KIND_LABELS: Record<(typeof ANALYSIS_KINDS)[number], string> = {
  count: "Count or cross-tabulation (up to 3 variables)",
  summary: "Mean, median, quantiles or SD of a measurement",
  histogram: "Histogram of a measurement",
  linear: "Linear regression",
  logistic: "Logistic regression",
};

export type CatalogueEntry = {
  name: string;
  type: "categorical" | "numeric";
  plausible: { min: number; max: number } | null;
};

const term = z.object({
  variable: z.string(),
  levels: z.string().max(2_000),
  min: z.string().max(30),
  max: z.string().max(30),
});
export type TTermInput = z.infer<typeof term>;
export const EMPTY_TERM: TTermInput = { variable: "", levels: "", min: "", max: "" };

const ZAnalysisFormFields = z.object({
  kind: z.enum(ANALYSIS_KINDS),
  epsilon: z.string().max(10),
  outcome: term,
  by: z.array(term).max(3, "At most 3 variables"),
  covariates: z.array(term).max(8, "At most 8 covariates"),
  stats: z.array(z.enum(STAT_KINDS)),
  bins: z.string().max(5),
});
export type TAnalysisFormInput = z.infer<typeof ZAnalysisFormFields>;

export const DEFAULT_FORM: TAnalysisFormInput = {
  kind: "count",
  epsilon: "0.50",
  outcome: EMPTY_TERM,
  by: [],
  covariates: [],
  stats: ["mean", "median"],
  bins: "10",
};

const splitLevels = (text: string) =>
  text
    .split(",")
    .map((level) => level.trim())
    .filter(Boolean);

type IssueSink = {
  addIssue(issue: { code: "custom"; path: (string | number)[]; message: string }): void;
};

/** The form's schema for one cohort: its output is a spec the server's schema accepts. */
export function analysisFormSchema(catalogue: readonly CatalogueEntry[]) {
  const byName = new Map(catalogue.map((entry) => [entry.name, entry]));

  /** One term as the spec wants it, or an issue on the field that is wrong. */
  function toTerm(
    input: TTermInput,
    path: (string | number)[],
    ctx: IssueSink,
    want?: "categorical" | "numeric",
  ) {
    const entry = byName.get(input.variable);
    if (!entry) {
      ctx.addIssue({ code: "custom", path: [...path, "variable"], message: "Choose a variable" });
      return undefined;
    }
    if (want && entry.type !== want) {
      ctx.addIssue({
        code: "custom",
        path: [...path, "variable"],
        message: want === "numeric" ? "Choose a measurement" : "Choose a category",
      });
      return undefined;
    }
    if (entry.type === "categorical") {
      const levels = splitLevels(input.levels);
      if (levels.length < 2) {
        ctx.addIssue({
          code: "custom",
          path: [...path, "levels"],
          message: "Give at least 2 levels, separated by commas",
        });
        return undefined;
      }
      return { variable: entry.name, levels };
    }
    const range = entry.plausible!;
    const min = input.min.trim() === "" ? range.min : Number(input.min);
    const max = input.max.trim() === "" ? range.max : Number(input.max);
    if (!Number.isFinite(min) || min < range.min || min > range.max) {
      ctx.addIssue({
        code: "custom",
        path: [...path, "min"],
        message: `A number from ${range.min} to ${range.max}`,
      });
      return undefined;
    }
    if (!Number.isFinite(max) || max > range.max || max <= min) {
      ctx.addIssue({
        code: "custom",
        path: [...path, "max"],
        message: `A number above min, at most ${range.max}`,
      });
      return undefined;
    }
    return { variable: entry.name, min, max };
  }

  return ZAnalysisFormFields.transform((input, outer): TAnalysisSpec => {
    let isFieldWrong = false;
    const ctx = {
      addIssue(issue: { code: "custom"; path: (string | number)[]; message: string }) {
        isFieldWrong = true;
        outer.addIssue(issue);
      },
    };
    const epsilon = Number(input.epsilon);
    const epsilonCentis = Math.round(epsilon * 100);
    if (!Number.isFinite(epsilon) || epsilonCentis < 5 || epsilonCentis > 200)
      ctx.addIssue({ code: "custom", path: ["epsilon"], message: "ε from 0.05 to 2.00" });
    const terms = (list: TTermInput[], name: string, want?: "categorical") =>
      list.map((entry, index) => toTerm(entry, [name, index], ctx, want));
    let query: unknown;
    switch (input.kind) {
      case "count":
        query = { kind: "count", by: terms(input.by, "by", "categorical") };
        break;
      case "summary": {
        const by = terms(input.by.slice(0, 1), "by", "categorical")[0];
        if (input.stats.length === 0)
          ctx.addIssue({ code: "custom", path: ["stats"], message: "Choose a statistic" });
        query = {
          kind: "summary",
          of: toTerm(input.outcome, ["outcome"], ctx, "numeric"),
          ...(by ? { by } : {}),
          stats: input.stats.slice(0, 5),
        };
        if (input.stats.length > 5)
          ctx.addIssue({ code: "custom", path: ["stats"], message: "At most 5 statistics" });
        break;
      }
      case "histogram": {
        const bins = Number(input.bins);
        if (!Number.isInteger(bins) || bins < 2 || bins > 50)
          ctx.addIssue({ code: "custom", path: ["bins"], message: "2 to 50 bins" });
        query = { kind: "histogram", of: toTerm(input.outcome, ["outcome"], ctx, "numeric"), bins };
        break;
      }
      case "linear":
      case "logistic":
        if (input.covariates.length === 0)
          ctx.addIssue({ code: "custom", path: ["covariates"], message: "Add a covariate" });
        query = {
          kind: input.kind,
          outcome: toTerm(
            input.outcome,
            ["outcome"],
            ctx,
            input.kind === "linear" ? "numeric" : "categorical",
          ),
          covariates: terms(input.covariates, "covariates"),
        };
    }
    if (isFieldWrong) return z.NEVER;
    const spec = ZAnalysisSpecSchema.safeParse({ version: 1, epsilonCentis, query });
    if (!spec.success) {
      // What no single field says (e.g. a variable used twice) is said beside the kind.
      outer.addIssue({
        code: "custom",
        path: ["kind"],
        message: spec.error.issues[0]?.message ?? "This analysis is not valid",
      });
      return z.NEVER;
    }
    return spec.data;
  });
}
