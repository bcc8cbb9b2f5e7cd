import { z } from "zod";
import { findTrials } from "~/server/services/trials/find-trials";
import { createTRPCRouter, publicProcedure } from "../../trpc";

export const trialsRouter = createTRPCRouter({
  list: publicProcedure
    .output(
      z.array(
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
      ),
    )
    .query(({ ctx }) => findTrials({ db: ctx.db })),
});
