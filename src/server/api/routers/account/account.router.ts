import "server-only";
import { z } from "zod";
import { changePassword } from "~/server/services/users/change-password";
import { ZChangePasswordSchema } from "~/shared/password";
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
    .mutation(({ ctx, input }) => registerUser({ db: ctx.db, input, client: ctx.clientAddress })),

  me: protectedProcedure.output(ZSessionUserSchema).query(({ ctx }) => ctx.session.user),

  /** Ends every session of the account, this one too: the page signs in again afterwards. */
  changePassword: protectedProcedure
    .input(ZChangePasswordSchema)
    .output(z.object({ isChanged: z.literal(true) }))
    .mutation(({ ctx, input }) =>
      changePassword({
        db: ctx.db,
        userId: ctx.session.user.id,
        client: ctx.clientAddress,
        input,
      }),
    ),
});
