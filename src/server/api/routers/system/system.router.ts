import "server-only";
import { z } from "zod";
import { createTRPCRouter, publicProcedure } from "../../trpc";

export const systemRouter = createTRPCRouter({
  /** No database, no chain: the cost of tRPC itself (bench:api's baseline). */
  ping: publicProcedure
    .output(z.object({ ok: z.literal(true) }))
    .query(() => ({ ok: true as const })),
});
