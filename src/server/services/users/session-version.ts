import type { DbClient } from "~/server/db";

/**
 * Session tokens are JWTs: valid until they expire, wherever they were copied to. Each carries
 * its user's session version at sign-in; sign-out and a password change raise the version, so
 * every token issued before is refused from then on.
 */
export async function isSessionCurrent(
  db: DbClient,
  options: { userId: string; sessionVersion: unknown },
): Promise<boolean> {
  if (typeof options.sessionVersion !== "number") return false;
  const user = await db.user.findUnique({
    where: { id: options.userId },
    select: { sessionVersion: true },
  });
  return user?.sessionVersion === options.sessionVersion;
}

/** Ends every session of the user that carries `sessionVersion` (sign-out). */
export async function endSessions(
  db: DbClient,
  options: { userId: string; sessionVersion: number },
): Promise<void> {
  await db.user.updateMany({
    where: { id: options.userId, sessionVersion: options.sessionVersion },
    data: { sessionVersion: { increment: 1 } },
  });
}
