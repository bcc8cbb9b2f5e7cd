import { z } from "zod";
import { getChain } from "~/server/chain/client";
import { findTrials } from "~/server/services/trials/find-trials";
import { getTrialOverview } from "~/server/services/trials/trial-overview";
import { auditorProcedure, createTRPCRouter, publicProcedure, sponsorProcedure } from "../../trpc";
import { ZTrialOverview } from "./trials.types";

const ZTrials = z.array(
  z.object({
    id: z.string(),
    registryId: z.string(),
    title: z.string(),
    phase: z.string(),
    conditions: z.array(z.string()),
    currentVersion: z.number(),
    anchorStatus: z.enum(["PENDING", "CONFIRMED", "FAILED"]),
    sponsorName: z.string(),
  }),
);

export const trialsRouter = createTRPCRouter({
  list: publicProcedure.output(ZTrials).query(({ ctx }) => findTrials({ db: ctx.db })),
  /** The trials this user may audit: every trial for an auditor, its own for a sponsor. */
  auditable: auditorProcedure.output(ZTrials).query(({ ctx }) =>
    findTrials({
      db: ctx.db,
      sponsorId: ctx.session.user.role === "SPONSOR" ? ctx.session.user.id : undefined,
    }),
  ),
  /** The sponsor's own trials. */
  mine: sponsorProcedure
    .output(ZTrials)
    .query(({ ctx }) => findTrials({ db: ctx.db, sponsorId: ctx.session.user.id })),
  /** Enrolment, rewards and data use of one of the sponsor's trials. */
  overview: sponsorProcedure
    .input(z.object({ trialId: z.string().min(1).max(64) }))
    .output(ZTrialOverview)
    .query(async ({ ctx, input }) =>
      getTrialOverview({
        db: ctx.db,
        chain: await getChain(),
        sponsorId: ctx.session.user.id,
        trialId: input.trialId,
      }),
    ),
});
