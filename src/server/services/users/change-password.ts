import "server-only";
import { hash, verify } from "@node-rs/argon2";
import type { DbClient } from "~/server/db";
import { AppError } from "~/server/errors";
import { beginPasswordAttempt } from "~/server/sign-in-throttle";
import type { TChangePassword } from "~/shared/password";
import { forgetSessionVersion } from "./session-version";

/**
 * A new password ends every session of the account, this one included: whoever copied a
 * session token or knew the old password is out. The caller signs in again with the new one.
 */
export async function changePassword(options: {
  db: DbClient;
  userId: string;
  /** The client's address bucket: guesses of the current password are throttled like sign-ins. */
  client: string;
  input: TChangePassword;
}): Promise<{ isChanged: true }> {
  const { db, userId, input } = options;
  const user = await db.user.findUnique({
    where: { id: userId },
    select: { email: true, passwordHash: true, sessionVersion: true },
  });
  if (!user?.passwordHash || !user.email)
    throw new AppError(
      "BAD_INPUT",
      "This account signs in with a wallet and has no password to change.",
    );
  const attempt = await beginPasswordAttempt(db, { email: user.email, client: options.client });
  if (!(await verify(user.passwordHash, input.currentPassword)))
    throw new AppError("BAD_INPUT", "Your current password is wrong; nothing was changed.");
  await attempt.succeeded();
  if (input.newPassword === input.currentPassword)
    throw new AppError("BAD_INPUT", "Choose a password different from the current one.");
  const passwordHash = await hash(input.newPassword);
  // Only if nothing changed meanwhile: two changes at once must not both succeed.
  const { count } = await db.user.updateMany({
    where: { id: userId, sessionVersion: user.sessionVersion },
    data: { passwordHash, sessionVersion: { increment: 1 } },
  });
  forgetSessionVersion(userId);
  if (count === 0)
    throw new AppError("CONFLICT", "Your sessions changed meanwhile; sign in again and retry.");
  return { isChanged: true };
}
