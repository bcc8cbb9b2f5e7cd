import { z } from "zod";
import { getChain } from "~/server/chain/client";
import { runAudit } from "~/server/services/audit/run-audit";
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

export const auditRouter = createTRPCRouter({
  /** Runs the four checks now, from the chain's own logs; auditors any trial, sponsors their own. */
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
});
