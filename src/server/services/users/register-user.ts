import "server-only";
import { hash } from "@node-rs/argon2";
import { z } from "zod";
import type { DbClient } from "~/server/db";
import { AppError } from "~/server/errors";
import { isUniqueViolation } from "~/server/prisma-errors";
import { consumeRateLimit } from "~/server/rate-limit";
import { ZPasswordSchema } from "~/shared/password";
import { ZEmailSchema } from "./email";
import { createManagedWallet } from "./managed-wallet";

/** Roles a person may choose for themselves; sponsors and auditors are vetted and seeded. */
export const SELF_SERVICE_ROLES = ["PARTICIPANT", "RESEARCHER"] as const;

export const ZRegisterUserSchema = z.object({
  email: ZEmailSchema,
  password: ZPasswordSchema,
  displayName: z.string().trim().min(1, "Enter a display name").max(80),
  role: z.enum(SELF_SERVICE_ROLES),
});
export type TRegisterUser = z.infer<typeof ZRegisterUserSchema>;

export async function registerUser(options: {
  db: DbClient;
  input: TRegisterUser;
  /** The client's address bucket, when the request came over the network (rate-limited). */
  client?: string;
}) {
  const { input } = options;
  if (options.client !== undefined) await consumeRateLimit(options.db, "register", options.client);
  const passwordHash = await hash(input.password);
  try {
    return await options.db.user.create({
      data: {
        email: input.email,
        passwordHash,
        displayName: input.displayName,
        role: input.role,
        ...createManagedWallet(),
      },
      select: { id: true, role: true, walletAddress: true, displayName: true },
    });
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new AppError(
        "CONFLICT",
        "An account with this email already exists; sign in instead.",
        {
          field: "email",
        },
      );
    }
    throw error;
  }
}
