import "server-only";
import {
  ANALYSIS_LIMITS,
  cellCount,
  designColumns,
  specVariables,
  ZAnalysisSpecSchema,
  type TAnalysisSpec,
} from "~/shared/analysis-spec";
import { AppError } from "~/server/errors";
import { describeCatalogue, type VariableCatalogue } from "./variable-catalogue";

/**
 * Refuses a spec before anything is read (docs/compute-to-data.md §1): shape and size first,
 * without recursion, so a deeply nested or huge input costs a bounded walk; then the schema;
 * then the cohort's catalogue. Every refusal is BAD_INPUT naming the field.
 */
export function parseAnalysisSpec(raw: unknown): TAnalysisSpec {
  let value = raw;
  if (typeof raw === "string") {
    if (Buffer.byteLength(raw, "utf8") > ANALYSIS_LIMITS.maxJsonBytes) throw tooLarge();
    try {
      value = JSON.parse(raw);
    } catch {
      throw new AppError("BAD_INPUT", "The analysis is not valid JSON");
    }
  }
  checkShape(value);
  const parsed = ZAnalysisSpecSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.map(String).join(".") || "analysis";
    throw new AppError("BAD_INPUT", `Invalid analysis at '${field}': ${issue.message}`);
  }
  return parsed.data;
}

const tooLarge = () =>
  new AppError("BAD_INPUT", `The analysis is larger than ${ANALYSIS_LIMITS.maxJsonBytes} bytes`);

/** An explicit stack: depth and size are bounded before JSON.stringify or zod see the value. */
function checkShape(value: unknown): void {
  const stack: [unknown, number][] = [[value, 1]];
  let bytes = 0;
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (depth > ANALYSIS_LIMITS.maxJsonDepth)
      throw new AppError(
        "BAD_INPUT",
        `The analysis is nested deeper than ${ANALYSIS_LIMITS.maxJsonDepth} levels`,
      );
    if (typeof node === "string") bytes += node.length + 2;
    else if (typeof node === "number") {
      if (!Number.isFinite(node))
        throw new AppError("BAD_INPUT", "Numbers must be finite (no NaN or Infinity)");
      bytes += 8;
    } else if (node !== null && typeof node === "object") {
      const children = Array.isArray(node) ? node : Object.values(node);
      bytes += 2 + (Array.isArray(node) ? 0 : Object.keys(node).join("").length);
      if (children.length > ANALYSIS_LIMITS.maxJsonBytes) throw tooLarge();
      for (const child of children) stack.push([child, depth + 1]);
    } else bytes += 5;
    if (bytes > ANALYSIS_LIMITS.maxJsonBytes) throw tooLarge();
  }
}

/** The rules that need the cohort: names, types, plausible ranges, table size, design width. */
export function validateAgainstCohort(spec: TAnalysisSpec, catalogue: VariableCatalogue): void {
  const names = [...specVariables(spec), ...spec.filter];
  for (const used of names) {
    const entry = catalogue.get(used.variable);
    if (!entry)
      throw new AppError(
        "BAD_INPUT",
        `Unknown variable '${used.variable}'; this cohort has: ${describeCatalogue(catalogue)}`,
      );
    const wantsCategories = !("min" in used);
    if (wantsCategories !== (entry.type === "categorical"))
      throw new AppError(
        "BAD_INPUT",
        `'${used.variable}' is ${entry.type}; use it as ${entry.type === "numeric" ? "a measurement with min and max" : "a category with levels"}`,
      );
    if ("min" in used && entry.type === "numeric") {
      const { min, max } = entry.plausible;
      if (used.min < min || used.max > max)
        throw new AppError(
          "BAD_INPUT",
          `The range of '${used.variable}' must lie within ${min}–${max}`,
        );
    }
  }
  const q = spec.query;
  if (q.kind === "count" && cellCount(q.by) > ANALYSIS_LIMITS.maxCells)
    throw new AppError(
      "BAD_INPUT",
      `The table would have ${cellCount(q.by)} cells; at most ${ANALYSIS_LIMITS.maxCells}`,
    );
  if (q.kind === "summary" && q.by && cellCount([q.by]) > ANALYSIS_LIMITS.maxCells)
    throw new AppError("BAD_INPUT", "Too many groups");
  if (q.kind === "linear" || q.kind === "logistic") {
    const width = designColumns(q.covariates);
    if (width > ANALYSIS_LIMITS.maxRegressionColumns)
      throw new AppError(
        "BAD_INPUT",
        `The regression has ${width} columns after coding categories; at most ${ANALYSIS_LIMITS.maxRegressionColumns}`,
      );
    if (q.kind === "logistic" && q.outcome.levels.length !== 2)
      throw new AppError("BAD_INPUT", "A logistic regression's outcome needs exactly 2 levels");
    const seen = new Set<string>([q.outcome.variable]);
    for (const c of q.covariates) {
      if (seen.has(c.variable))
        throw new AppError("BAD_INPUT", `'${c.variable}' is used twice in the regression`);
      seen.add(c.variable);
    }
  }
  if (q.kind === "count") {
    const seen = new Set(q.by.map((b) => b.variable));
    if (seen.size !== q.by.length)
      throw new AppError("BAD_INPUT", "Each variable may appear once in a table");
  }
}
