import "server-only";
import { getChain } from "~/server/chain/client";
import { getAnalysis, listAnalyses } from "~/server/services/analyses/get-analysis";
import { getAnalysisCatalogue } from "~/server/services/analyses/get-analysis-catalogue";
import { runAnalysis } from "~/server/services/analyses/run-analysis";
import { createTRPCRouter, researcherProcedure } from "../../trpc";
import {
  ZAnalysesOfRequestSchema,
  ZAnalysisCatalogueSchema,
  ZAnalysisDetailSchema,
  ZAnalysisJobSchema,
  ZAnalysisSummarySchema,
  ZRunAnalysisResultSchema,
  ZRunAnalysisSchema,
} from "./analyses.types";

export const analysesRouter = createTRPCRouter({
  /** Reserves ε, runs in the isolated engine and queues the charge; poll `get` for the result. */
  run: researcherProcedure
    .input(ZRunAnalysisSchema)
    .output(ZRunAnalysisResultSchema)
    .mutation(async ({ ctx, input }) =>
      runAnalysis({
        db: ctx.db,
        chain: await getChain(),
        researcher: ctx.session.user,
        requestId: input.requestId,
        spec: input.spec,
      }),
    ),
  get: researcherProcedure
    .input(ZAnalysisJobSchema)
    .output(ZAnalysisDetailSchema)
    .query(({ ctx, input }) =>
      getAnalysis({ db: ctx.db, researcherId: ctx.session.user.id, jobId: input.jobId }),
    ),
  list: researcherProcedure
    .input(ZAnalysesOfRequestSchema)
    .output(ZAnalysisSummarySchema.array())
    .query(({ ctx, input }) =>
      listAnalyses({ db: ctx.db, researcherId: ctx.session.user.id, requestId: input.requestId }),
    ),
  /** What the builder offers: the cohort's variables, t, ε left per listing, credits left. */
  catalogue: researcherProcedure
    .input(ZAnalysesOfRequestSchema)
    .output(ZAnalysisCatalogueSchema)
    .query(async ({ ctx, input }) =>
      getAnalysisCatalogue({
        db: ctx.db,
        chain: await getChain(),
        researcherId: ctx.session.user.id,
        requestId: input.requestId,
      }),
    ),
});
