import "server-only";
import { z } from "zod";
import { STAT_KINDS } from "~/shared/analysis-spec";
import type { AnalysisResult } from "../evaluate/run";

/**
 * What the parent accepts from the child: exactly the released shape, nothing more. A strict
 * schema means an answer carrying anything else (a raw count, a stray field) is malformed and
 * refused, not passed on.
 */
const count = z.number().int().nonnegative();
const cell = count.nullable();
const finite = z.number().finite();

const ZAnalysisOutputSchema = z.discriminatedUnion("kind", [
  z.strictObject({
    kind: z.literal("count"),
    dimensions: z.array(z.strictObject({ variable: z.string(), levels: z.array(z.string()) })),
    cells: z.array(cell),
  }),
  z.strictObject({
    kind: z.literal("histogram"),
    variable: z.string(),
    edges: z.array(finite),
    cells: z.array(cell),
  }),
  z.strictObject({
    kind: z.literal("summary"),
    variable: z.string(),
    groups: z.array(
      z.strictObject({
        level: z.string().nullable(),
        n: cell,
        stats: z.partialRecord(z.enum(STAT_KINDS), finite).nullable(),
      }),
    ),
  }),
  z.strictObject({
    kind: z.enum(["linear", "logistic"]),
    n: cell,
    coefficients: z
      .array(z.strictObject({ term: z.string(), estimate: finite, se: finite }))
      .nullable(),
  }),
]);

const ZDisclosureReportSchema = z.strictObject({
  threshold: count,
  noisyThreshold: finite.nonnegative(),
  suppressedCells: count,
  reasons: z.strictObject({ belowThreshold: count }),
  rounding: z.literal("midpoint-6"),
  epsilonCentis: count,
  recordsPerListing: count,
  noiseScale: finite,
  mechanism: z.enum(["discrete-laplace", "discrete-gaussian"]),
});

export const ZJobAnswerSchema = z.discriminatedUnion("ok", [
  z.strictObject({
    ok: z.literal(true),
    result: z.strictObject({
      output: ZAnalysisOutputSchema,
      disclosure: ZDisclosureReportSchema,
      allSuppressed: z.boolean(),
    }) satisfies z.ZodType<AnalysisResult>,
  }),
  z.strictObject({ ok: z.literal(false), error: z.string().max(1000) }),
]);
