import "server-only";
import { z } from "zod";

const id = z.string().min(1).max(64);

export const ZRunAnalysisSchema = z.object({
  requestId: id,
  /** Parsed and checked in the service (size, depth, schema, the cohort's catalogue). */
  spec: z.unknown(),
});

export const ZAnalysisJobSchema = z.object({ jobId: id });
export const ZAnalysesOfRequestSchema = z.object({ requestId: id });

export const ZAnalysisSummarySchema = z.object({
  id: z.string(),
  requestId: z.string(),
  analysisId: z.string(),
  status: z.string(),
  reason: z.string().nullable(),
  epsilon: z.number(),
  listings: z.number(),
  queryHash: z.string().nullable(),
  outputHash: z.string().nullable(),
  createdAt: z.date(),
  finishedAt: z.date().nullable(),
});

export const ZAnalysisDetailSchema = ZAnalysisSummarySchema.extend({
  /** Only when RELEASED. */
  output: z.unknown(),
  disclosure: z.unknown(),
});

export const ZRunAnalysisResultSchema = z.object({
  jobId: z.string(),
  excluded: z.array(z.object({ title: z.string(), reason: z.string() })),
});

export const ZAnalysisCatalogueSchema = z.object({
  requestId: z.string(),
  variables: z.array(
    z.object({
      name: z.string(),
      type: z.enum(["categorical", "numeric"]),
      plausible: z.object({ min: z.number(), max: z.number() }).nullable(),
    }),
  ),
  /** The smallest group shown: the largest minimum cell count of the usable listings. */
  threshold: z.number(),
  listings: z.array(z.object({ title: z.string(), epsilonLeft: z.number(), usable: z.boolean() })),
  creditsLeft: z.number(),
});
