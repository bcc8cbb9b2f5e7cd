import "server-only";
import { z } from "zod";
import { getChain } from "~/server/chain/client";
import { findAuditableTrial } from "~/server/services/audit/auditable-trial";
import { runAudit } from "~/server/services/audit/run-audit";
import { listTrialAnalyses } from "~/server/services/audit/trial-analyses";
import { readTrialTimeline } from "~/server/services/audit/timeline";
import { TIMELINE_CATEGORIES, TIMELINE_PAGE_LIMIT } from "~/shared/timeline-categories";
import { auditorProcedure, createTRPCRouter } from "../../trpc";

const ZAuditReport = z.object({
  trial: z.object({
    id: z.string(),
    registryId: z.string(),
    title: z.string(),
    chainKey: z.string(),
  }),
  chainId: z.number(),
  checkedAt: z.string(),
  passed: z.boolean(),
  checks: z.array(
    z.object({
      name: z.string(),
      passed: z.boolean(),
      evidence: z.record(z.string(), z.unknown()),
      failures: z.array(z.string()),
    }),
  ),
});

const ZTimeline = z.array(
  z.object({
    id: z.string(),
    time: z.date(),
    blockNumber: z.number(),
    txHash: z.string(),
    logIndex: z.number(),
    event: z.string(),
    category: z.enum(TIMELINE_CATEGORIES),
    summary: z.string(),
    actor: z.string().nullable(),
  }),
);

const ZTrialAnalyses = z.object({
  analyses: z.array(
    z.object({
      jobId: z.string(),
      analysisId: z.string(),
      requestId: z.string(),
      researcher: z.string(),
      status: z.string(),
      reason: z.string().nullable(),
      kind: z.string(),
      epsilonCentis: z.number(),
      trialListings: z.number(),
      listings: z.number(),
      queryHash: z.string().nullable(),
      outputHash: z.string().nullable(),
      txHash: z.string().nullable(),
      at: z.date(),
    }),
  ),
  budgets: z.array(
    z.object({
      listingId: z.string(),
      listing: z.string(),
      chainKey: z.string(),
      totalCentis: z.number(),
      spentCentis: z.number(),
      databaseSpentCentis: z.number(),
      reservedCentis: z.number(),
    }),
  ),
});

export const auditRouter = createTRPCRouter({
  /** Every indexed on-chain event of a trial, oldest first, optionally of some categories. */
  timeline: auditorProcedure
    .input(
      z.object({
        trialId: z.string().min(1).max(64),
        categories: z.array(z.enum(TIMELINE_CATEGORIES)).max(TIMELINE_CATEGORIES.length).optional(),
      }),
    )
    .output(ZTimeline)
    .query(async ({ ctx, input }) => {
      const trial = await findAuditableTrial({
        db: ctx.db,
        trial: input.trialId,
        requestedBy: ctx.session.user,
      });
      const chain = await getChain();
      return readTrialTimeline({
        db: ctx.db,
        chainId: chain.chainId,
        trial,
        categories: input.categories,
        limit: TIMELINE_PAGE_LIMIT,
      });
    }),

  /** Runs the five checks now, from the chain's own logs; auditors any trial, sponsors their own. */
  run: auditorProcedure
    .input(z.object({ trialId: z.string().min(1).max(64) }))
    .output(ZAuditReport)
    .mutation(async ({ ctx, input }) =>
      runAudit({
        db: ctx.db,
        chain: await getChain(),
        trial: input.trialId,
        requestedBy: ctx.session.user,
      }),
    ),

  /** The trial's analyses run where the data lives, and each listing's privacy budget use. */
  analyses: auditorProcedure
    .input(z.object({ trialId: z.string().min(1).max(64) }))
    .output(ZTrialAnalyses)
    .query(async ({ ctx, input }) =>
      listTrialAnalyses({
        db: ctx.db,
        chain: await getChain(),
        trial: input.trialId,
        requestedBy: ctx.session.user,
      }),
    ),
});
