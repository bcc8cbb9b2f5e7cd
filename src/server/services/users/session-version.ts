import "server-only";
import type { DbClient } from "~/server/db";

/**
 * Session tokens are JWTs: valid until they expire, wherever they were copied to. Each carries
 * its user's session version at sign-in; sign-out and a password change raise the version, so
 * every token issued before is refused from then on.
 *
 * The check runs on every request, so each process remembers a user's current version for a
 * few seconds. The process that ends a session forgets it at once (there the old token fails
 * on the very next request); other app processes on the same database notice within
 * VERSION_CACHE_MS.
 */
export const VERSION_CACHE_MS = 5_000;
const MAX_CACHED_USERS = 10_000;

const CACHE = Symbol.for("trialshare.sessionVersions");
// One map per process, whichever bundle of the app asks (route handlers, pages, next-auth).
type KnownVersions = Map<string, { version: number; until: number }>;
const registry = globalThis as { [CACHE]?: KnownVersions };
const cache = (): KnownVersions => (registry[CACHE] ??= new Map() as KnownVersions);

/** The next check of this user's sessions reads the database (after a change to them). */
export function forgetSessionVersion(userId: string): void {
  cache().delete(userId);
}

export async function isSessionCurrent(
  db: DbClient,
  options: { userId: string; sessionVersion: unknown },
): Promise<boolean> {
  if (typeof options.sessionVersion !== "number") return false;
  const now = Date.now();
  const known = cache().get(options.userId);
  if (known && known.until > now) return known.version === options.sessionVersion;
  const [user] = await db.$queryRaw<{ sessionVersion: number }[]>`
    SELECT "sessionVersion" FROM "User" WHERE "id" = ${options.userId}`;
  if (!user) {
    forgetSessionVersion(options.userId);
    return false;
  }
  if (cache().size >= MAX_CACHED_USERS) cache().clear();
  cache().set(options.userId, { version: user.sessionVersion, until: now + VERSION_CACHE_MS });
  return user.sessionVersion === options.sessionVersion;
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
  forgetSessionVersion(options.userId);
}
