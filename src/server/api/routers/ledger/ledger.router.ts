import "server-only";
import { z } from "zod";
import { getChain } from "~/server/chain/client";
import { getLedger } from "~/server/services/ledger/get-ledger";
import { createTRPCRouter, participantProcedure } from "../../trpc";

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
      }),
    )
    .query(async ({ ctx }) =>
      getLedger({
        db: ctx.db,
        chain: await getChain().catch(() => null),
        userId: ctx.session.user.id,
      }),
    ),
});
