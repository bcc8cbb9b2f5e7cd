import { redirect } from "next/navigation";
import { getSession } from "~/server/auth";
import type { SessionUser } from "~/server/session";

/** Pages call this first: anonymous visitors go to sign-in, other roles get a clear notice. */
export async function requireRole(
  ...roles: SessionUser["role"][]
): Promise<{ user: SessionUser; isAllowed: boolean }> {
  const session = await getSession();
  if (!session) redirect("/sign-in");
  return { user: session.user, isAllowed: roles.length === 0 || roles.includes(session.user.role) };
}
