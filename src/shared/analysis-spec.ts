import { z } from "zod";

/**
 * What a researcher may ask of a cohort (docs/compute-to-data.md §1): data, never code. The
 * browser builds and previews with this schema; the server parses with it before anything else.
 * Every object is strict, so an unknown key is an error rather than silently dropped.
 */
export const ANALYSIS_LIMITS = {
  /** Bytes of the spec's JSON; a real spec is a few kilobytes. */
  maxJsonBytes: 16_384,
  /** Nesting of the spec's JSON; the schema itself needs 5. */
  maxJsonDepth: 8,
  maxCells: 1_000,
  maxRegressionColumns: 12,
  /** The threshold no listing owner can lower. */
  minThreshold: 5,
  defaultThreshold: 10,
} as const;

export const STAT_KINDS = ["mean", "sd", "median", "q25", "q75", "q10", "q90"] as const;
export type TStatKind = (typeof STAT_KINDS)[number];

const variable = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,47}$/, "Variable names are lower-case catalogue names");

export const ZCategoricalSchema = z.strictObject({
  variable,
  levels: z
    .array(z.string().min(1).max(60))
    .min(2, "Give at least 2 levels")
    .max(20, "At most 20 levels per variable; combine levels")
    .refine((levels) => new Set(levels).size === levels.length, "Levels must differ"),
});

export const ZNumericSchema = z
  .strictObject({
    variable,
    min: z.number().finite("min must be a finite number"),
    max: z.number().finite("max must be a finite number"),
  })
  .refine((v) => v.max > v.min, "max must be above min");

const covariates = z
  .array(z.union([ZNumericSchema, ZCategoricalSchema]))
  .min(1)
  .max(8);

export const ZAnalysisQuerySchema = z.discriminatedUnion("kind", [
  z.strictObject({
    kind: z.literal("count"),
    by: z.array(ZCategoricalSchema).max(3, "Count by at most 3 variables"),
  }),
  z.strictObject({
    kind: z.literal("summary"),
    of: ZNumericSchema,
    by: ZCategoricalSchema.optional(),
    stats: z
      .array(z.enum(STAT_KINDS))
      .min(1)
      .max(5)
      .refine((stats) => new Set(stats).size === stats.length, "Each statistic once"),
  }),
  z.strictObject({
    kind: z.literal("histogram"),
    of: ZNumericSchema,
    bins: z.number().int().min(2).max(50),
  }),
  z.strictObject({ kind: z.literal("linear"), outcome: ZNumericSchema, covariates }),
  z.strictObject({ kind: z.literal("logistic"), outcome: ZCategoricalSchema, covariates }),
]);

export const ZAnalysisSpecSchema = z.strictObject({
  version: z.literal(1),
  /** ε in hundredths (0.05–2.00), charged to every listing used: integers end to end. */
  epsilonCentis: z.number().int().min(5).max(200),
  /** L: the most records one listing contributes; noise grows with it. */
  recordsPerListing: z.number().int().min(1).max(100).default(1),
  filter: z
    .array(z.strictObject({ variable, in: z.array(z.string().min(1).max(60)).min(1).max(20) }))
    .max(3)
    .default([]),
  query: ZAnalysisQuerySchema,
});

export type TAnalysisSpec = z.infer<typeof ZAnalysisSpecSchema>;
export type TAnalysisQuery = TAnalysisSpec["query"];
export type TCategorical = z.infer<typeof ZCategoricalSchema>;
export type TNumeric = z.infer<typeof ZNumericSchema>;

export const isCategorical = (v: TCategorical | TNumeric): v is TCategorical => "levels" in v;

/** Each variable the spec names, with how it is used, in a fixed order. */
export function specVariables(spec: TAnalysisSpec): (TCategorical | TNumeric)[] {
  const q = spec.query;
  switch (q.kind) {
    case "count":
      return q.by;
    case "summary":
      return q.by ? [q.of, q.by] : [q.of];
    case "histogram":
      return [q.of];
    case "linear":
    case "logistic":
      return [q.outcome, ...q.covariates];
  }
}

/** Columns of a regression's design after dummy coding (a level beyond the first, or `other`). */
export function designColumns(covs: (TCategorical | TNumeric)[]): number {
  return covs.reduce((n, c) => n + (isCategorical(c) ? c.levels.length : 1), 0);
}

/** Cells of a table: the product of level counts, the implicit `other` level included. */
export function cellCount(by: TCategorical[]): number {
  return by.reduce((n, c) => n * (c.levels.length + 1), 1);
}
