import "server-only";
import { z } from "zod";
import {
  describeInvitation,
  findTrialsForParticipant,
} from "~/server/services/enrollment/find-my-trials";
import { createTRPCRouter, participantProcedure } from "../../trpc";

const ZTrialSummary = z.object({
  id: z.string(),
  registryId: z.string(),
  title: z.string(),
  phase: z.string(),
  conditions: z.array(z.string()),
  sponsorName: z.string(),
  currentVersion: z.number(),
});

export const enrollmentsRouter = createTRPCRouter({
  /** The trials the participant enrolled in, and what waits for their re-consent. */
  trials: participantProcedure
    .output(
      z.array(
        ZTrialSummary.extend({
          protocolHash: z.string().nullable(),
          enrollment: z.object({
            isEnrolled: z.boolean(),
            status: z.enum(["ACTIVE", "WITHDRAWN"]),
            anchorStatus: z.enum(["PENDING", "CONFIRMED", "FAILED"]),
            protocolVersion: z.number(),
            needsReconsent: z.boolean(),
            waitingListings: z.number(),
            pendingAction: z.string().nullable(),
            txHash: z.string().nullable(),
          }),
        }),
      ),
    )
    .query(({ ctx }) =>
      findTrialsForParticipant({ db: ctx.db, participantId: ctx.session.user.id }),
    ),

  /** The trial an invitation code enrols into (nothing is recorded by reading it). */
  invitation: participantProcedure
    .input(z.object({ code: z.string().trim().min(1).max(200) }))
    .output(
      z.object({
        trial: ZTrialSummary.extend({ sites: z.array(z.string()) }),
        expiresAt: z.date(),
      }),
    )
    .query(({ ctx, input }) => describeInvitation({ db: ctx.db, code: input.code })),
});
