import { encode } from "next-auth/jwt";
import { getEnv } from "~/env";
import { getDb } from "~/server/db";
import type { SessionUser } from "~/server/session";

/**
 * The next-auth session cookie a browser signed in as `user` right now would send; its session
 * version is read from this process's database unless given (a benchmark's app holds the DB).
 */
export async function sessionCookie(
  user: SessionUser,
  secret = getEnv().NEXTAUTH_SECRET,
  knownSessionVersion?: number,
): Promise<string> {
  const sessionVersion =
    knownSessionVersion ??
    (
      await getDb().user.findUniqueOrThrow({
        where: { id: user.id },
        select: { sessionVersion: true },
      })
    ).sessionVersion;
  const token = await encode({
    token: {
      sub: user.id,
      role: user.role,
      walletAddress: user.walletAddress,
      displayName: user.displayName,
      sessionVersion,
    },
    secret,
  });
  return `next-auth.session-token=${token}`;
}
