import "server-only";
import { z } from "zod";
import { PURPOSE_KEYS } from "~/server/services/consent/purposes";
import { createRequestDraft } from "~/server/services/requests/create-request-draft";
import { ZCreateRequestDraftSchema } from "~/shared/request-draft";
import { RESULTS_STATUSES, ZResearchOutputSchema } from "~/shared/research-output";
import { findIncomingItems, findMyRequests } from "~/server/services/requests/find-requests";
import { createTRPCRouter, participantProcedure, researcherProcedure } from "../../trpc";

const ZItemStatus = z.enum(["EXCLUDED", "PENDING", "APPROVED", "REJECTED", "EXPIRED"]);

export const requestsRouter = createTRPCRouter({
  /** A cohort request before signing; submitting it is the signed action "request.create". */
  createDraft: researcherProcedure
    .input(ZCreateRequestDraftSchema)
    .output(z.object({ id: z.string() }))
    .mutation(({ ctx, input }) =>
      createRequestDraft({ db: ctx.db, researcherId: ctx.session.user.id, input }),
    ),

  mine: researcherProcedure
    .output(
      z.array(
        z.object({
          id: z.string(),
          purpose: z.enum(PURPOSE_KEYS),
          planSummary: z.string(),
          total: z.string(),
          maxTotal: z.string().nullable(),
          accessUntil: z.date(),
          status: z.enum(["PENDING", "OPEN", "SETTLED", "CANCELLED"]),
          anchorStatus: z.enum(["PENDING", "CONFIRMED", "FAILED"]),
          txHash: z.string().nullable(),
          submission: z
            .object({
              status: z.enum(["PENDING", "SENT", "CONFIRMED", "FAILED"]),
              lastError: z.string().nullable(),
            })
            .nullable(),
          createdAt: z.date(),
          items: z.array(
            z.object({
              id: z.string(),
              status: ZItemStatus,
              price: z.string(),
              settlement: z
                .object({ at: z.date(), paid: z.string(), refunded: z.string() })
                .nullable(),
              listing: z.object({ id: z.string(), title: z.string() }),
            }),
          ),
          /** A data use is on chain: outputs can be registered (signed action "output.register"). */
          hasDataUse: z.boolean(),
          outputs: z.array(ZResearchOutputSchema),
          resultsStatus: z.enum(RESULTS_STATUSES),
        }),
      ),
    )
    .query(({ ctx }) => findMyRequests({ db: ctx.db, researcherId: ctx.session.user.id })),

  incoming: participantProcedure
    .output(
      z.array(
        z.object({
          id: z.string(),
          status: ZItemStatus,
          isDecisionQueued: z.boolean(),
          price: z.string(),
          listing: z.object({ id: z.string(), title: z.string() }),
          decisionTxHash: z.string().nullable(),
          request: z.object({
            id: z.string(),
            purpose: z.enum(PURPOSE_KEYS),
            planSummary: z.string(),
            planHash: z.string(),
            planDocumentId: z.string().nullable(),
            accessUntil: z.date(),
            decisionDeadline: z.date().nullable(),
            txHash: z.string().nullable(),
            createdAt: z.date(),
            researcherName: z.string(),
          }),
        }),
      ),
    )
    .query(({ ctx }) => findIncomingItems({ db: ctx.db, ownerId: ctx.session.user.id })),
});
