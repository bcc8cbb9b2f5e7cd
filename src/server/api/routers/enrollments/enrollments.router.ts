import { z } from "zod";
import { findTrialsForParticipant } from "~/server/services/enrollment/find-my-trials";
import { createTRPCRouter, participantProcedure } from "../../trpc";

export const enrollmentsRouter = createTRPCRouter({
  trials: participantProcedure
    .output(
      z.array(
        z.object({
          id: z.string(),
          registryId: z.string(),
          title: z.string(),
          phase: z.string(),
          conditions: z.array(z.string()),
          sponsorName: z.string(),
          currentVersion: z.number(),
          protocolHash: z.string().nullable(),
          enrollment: z
            .object({
              isEnrolled: z.boolean(),
              status: z.enum(["ACTIVE", "WITHDRAWN"]),
              protocolVersion: z.number(),
              needsReconsent: z.boolean(),
              pendingAction: z.string().nullable(),
              txHash: z.string().nullable(),
            })
            .nullable(),
        }),
      ),
    )
    .query(({ ctx }) =>
      findTrialsForParticipant({ db: ctx.db, participantId: ctx.session.user.id }),
    ),
});
