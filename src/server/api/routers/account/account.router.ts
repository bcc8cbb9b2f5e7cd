import { z } from "zod";
import { registerUser, ZRegisterUserSchema } from "~/server/services/users/register-user";
import { createTRPCRouter, protectedProcedure, publicProcedure } from "../../trpc";

const ZSessionUserSchema = z.object({
  id: z.string(),
  role: z.enum(["PARTICIPANT", "RESEARCHER", "SPONSOR", "AUDITOR"]),
  walletAddress: z.string(),
  displayName: z.string(),
});

export const accountRouter = createTRPCRouter({
  register: publicProcedure
    .input(ZRegisterUserSchema)
    .output(ZSessionUserSchema)
    .mutation(({ ctx, input }) => registerUser({ db: ctx.db, input })),

  me: protectedProcedure.output(ZSessionUserSchema).query(({ ctx }) => ctx.session.user),
});
