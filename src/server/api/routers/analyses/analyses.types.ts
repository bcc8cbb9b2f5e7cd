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
