import { encode } from "next-auth/jwt";
import { getEnv } from "~/env";
import type { SessionUser } from "~/server/session";

/** The next-auth session cookie a signed-in browser would send for `user`. */
export async function sessionCookie(
  user: SessionUser,
  secret = getEnv().NEXTAUTH_SECRET,
): Promise<string> {
  const token = await encode({
    token: {
      sub: user.id,
      role: user.role,
      walletAddress: user.walletAddress,
      displayName: user.displayName,
    },
    secret,
  });
  return `next-auth.session-token=${token}`;
}
