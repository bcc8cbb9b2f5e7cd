import "server-only";
import { z } from "zod";
import { getChain } from "~/server/chain/client";
import { listingBudget } from "~/server/services/ledger/analysis-ledger";
import { getLedger } from "~/server/services/ledger/get-ledger";
import { createTRPCRouter, participantProcedure } from "../../trpc";

const ZBudget = z.object({
  listingId: z.string(),
  listing: z.string(),
  totalCentis: z.number(),
  spentCentis: z.number(),
  leftCentis: z.number(),
  analyses: z.number(),
});

export const ledgerRouter = createTRPCRouter({
  mine: participantProcedure
    .output(
      z.object({
        entries: z.array(
          z.object({
            id: z.string(),
            kind: z.string(),
            at: z.date(),
            listing: z.string().nullable(),
            researcher: z.string().nullable(),
            purpose: z.string().nullable(),
            detail: z.string(),
            txHash: z.string().nullable(),
            /** Where a registered result can be read (its DOI or https link). */
            link: z.string().nullable().optional(),
          }),
        ),
        earningsByMonth: z.array(z.object({ month: z.string(), amount: z.number() })),
        balance: z.string().nullable(),
        rewards: z.string().nullable(),
        /** Tokens already withdrawn, held in the user's accounts. */
        held: z.string().nullable(),
        /** Accounts with something to withdraw (each withdraws to itself). */
        accounts: z.array(
          z.object({ address: z.string(), earnings: z.string(), rewards: z.string() }),
        ),
        /** Each listing's privacy budget (centi-ε) for analyses run where the data lives. */
        budgets: z.array(ZBudget),
      }),
    )
    .query(async ({ ctx }) =>
      getLedger({
        db: ctx.db,
        chain: await getChain().catch(() => null),
        userId: ctx.session.user.id,
      }),
    ),

  /** One of the participant's own listings: its privacy budget and the analyses that used it. */
  listingBudget: participantProcedure
    .input(z.object({ listingId: z.string().min(1).max(64) }))
    .output(
      z.object({
        budget: ZBudget.nullable(),
        analyses: z.array(
          z.object({
            id: z.string(),
            at: z.date(),
            researcher: z.string().nullable(),
            purpose: z.string().nullable(),
            detail: z.string(),
            txHash: z.string().nullable(),
            epsilonCentis: z.number(),
          }),
        ),
      }),
    )
    .query(({ ctx, input }) => listingBudget(ctx.db, ctx.session.user.id, input.listingId)),
});
