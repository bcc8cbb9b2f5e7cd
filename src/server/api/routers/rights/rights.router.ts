import "server-only";
import { z } from "zod";
import { getChain } from "~/server/chain/client";
import { describeErasure, eraseAccount, eraseListing } from "~/server/services/rights/erase-data";
import { createTRPCRouter, participantProcedure } from "../../trpc";

/**
 * A participant's rights over their data: what an erasure will do (shown before confirming),
 * erasing one listing, erasing the whole account. The export is a download: /api/my-data/FORMAT.
 */
const id = z.string().min(1).max(64);

export const rightsRouter = createTRPCRouter({
  describeErasure: participantProcedure
    .input(z.object({ listingId: id.optional() }))
    .output(
      z.object({
        listings: z.number(),
        deliveredUses: z.number(),
        researchersWithData: z.number(),
        pendingPayments: z.number(),
        deliveredNotice: z.string(),
        blockedBy: z.string().nullable(),
      }),
    )
    .query(({ ctx, input }) =>
      describeErasure({ db: ctx.db, userId: ctx.session.user.id, listingId: input.listingId }),
    ),

  eraseListing: participantProcedure
    .input(z.object({ listingId: id, confirm: z.literal(true) }))
    .output(z.object({ erasureId: z.string(), chainWrites: z.number() }))
    .mutation(async ({ ctx, input }) =>
      eraseListing({
        db: ctx.db,
        chain: await getChain(),
        user: ctx.session.user,
        listingId: input.listingId,
      }),
    ),

  eraseAccount: participantProcedure
    .input(z.object({ confirm: z.literal(true) }))
    .output(
      z.object({
        erasureId: z.string(),
        chainWrites: z.number(),
        keptWalletForTokens: z.boolean(),
      }),
    )
    .mutation(async ({ ctx }) =>
      eraseAccount({ db: ctx.db, chain: await getChain(), user: ctx.session.user }),
    ),
});
