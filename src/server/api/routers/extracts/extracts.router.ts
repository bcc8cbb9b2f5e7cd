import "server-only";
import { z } from "zod";
import { getChain } from "~/server/chain/client";
import { createExtract } from "~/server/services/extracts/create-extract";
import { createTRPCRouter, researcherProcedure } from "../../trpc";

const ZExtractReportSchema = z.object({
  k: z.number(),
  kAchieved: z.number(),
  suppressedRecords: z.number(),
  recordsOut: z.number(),
  recordsIn: z.number(),
  listings: z.number(),
  quasiIdentifiers: z.array(z.object({ column: z.string(), kind: z.string(), level: z.number() })),
  risk: z.object({
    prosecutorMax: z.number(),
    prosecutorAverage: z.number(),
    shareAbove20Percent: z.number(),
  }),
});

export const extractsRouter = createTRPCRouter({
  /** Builds the pooled extract; the data use is durable in the outbox before this returns. */
  create: researcherProcedure
    .input(
      z.object({
        requestId: z.string().min(1).max(64),
        k: z.number().int().min(2).max(20).default(5),
      }),
    )
    .output(z.object({ id: z.string(), extractRoot: z.string(), report: ZExtractReportSchema }))
    .mutation(async ({ ctx, input }) => {
      const extract = await createExtract({
        db: ctx.db,
        chain: await getChain(),
        researcherId: ctx.session.user.id,
        requestId: input.requestId,
        k: input.k,
      });
      return { ...extract, report: ZExtractReportSchema.parse(extract.report) };
    }),
});
