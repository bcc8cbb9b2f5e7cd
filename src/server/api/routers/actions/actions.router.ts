import "server-only";
import { z } from "zod";
import { getChain } from "~/server/chain/client";
import { handlerFor, ZActionSchema } from "~/server/services/actions/registry";
import { prepareAction, submitAction } from "~/server/services/actions/run-action";
import { createTRPCRouter, protectedProcedure } from "../../trpc";
import { ZPreparedActionSchema, ZSignedPermitSchema, ZSignedSchema } from "./actions.types";

/**
 * Two steps for every on-chain action: `prepare` returns the EIP-712 request for the user to
 * sign (a wallet user whose call must carry a token permit first gets the permit alone, and
 * prepares again with its signature); `submit` checks it and queues it. Role and ownership are
 * checked by each action's plan, on both steps.
 */
export const actionsRouter = createTRPCRouter({
  prepare: protectedProcedure
    .input(z.object({ action: ZActionSchema, permit: ZSignedPermitSchema.optional() }))
    .output(ZPreparedActionSchema)
    .mutation(async ({ ctx, input }) => {
      const { handler, input: actionInput } = handlerFor(input.action);
      return prepareAction(
        handler,
        { db: ctx.db, chain: await getChain(), user: ctx.session.user },
        actionInput,
        input.permit,
      );
    }),

  submit: protectedProcedure
    .input(ZSignedSchema.extend({ action: ZActionSchema }))
    .output(z.object({ entityId: z.string() }))
    .mutation(async ({ ctx, input }) => {
      const { handler, input: actionInput } = handlerFor(input.action);
      const { action: _action, ...signed } = input;
      return submitAction(
        handler,
        { db: ctx.db, chain: await getChain(), user: ctx.session.user },
        actionInput,
        signed,
      );
    }),
});
