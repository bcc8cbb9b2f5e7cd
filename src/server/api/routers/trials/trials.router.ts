import { z } from "zod";
import { findTrials } from "~/server/services/trials/find-trials";
import { auditorProcedure, createTRPCRouter, publicProcedure } from "../../trpc";

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
});
