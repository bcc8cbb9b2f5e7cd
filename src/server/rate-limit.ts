import { createHash } from "node:crypto";
import type { DbClient } from "~/server/db";
import { AppError } from "~/server/errors";

/**
 * Fixed-window limits kept in the database, so every app process on it counts the same
 * attempts. One statement per attempt: it opens a new window when the old one has passed.
 */
export const RATE_LIMITS = {
  /** Password guesses against one account. */
  signInAccount: { limit: 10, windowSeconds: 15 * 60 },
  /** Sign-in attempts (any account, any method) from one address. */
  signInAddress: { limit: 100, windowSeconds: 15 * 60 },
  /** Data uploads by one participant. */
  upload: { limit: 30, windowSeconds: 60 * 60 },
} as const;

export type RateLimitName = keyof typeof RATE_LIMITS;

export async function consumeRateLimit(
  db: DbClient,
  name: RateLimitName,
  subject: string,
): Promise<void> {
  const { limit, windowSeconds } = RATE_LIMITS[name];
  // Hashed so that emails and addresses are not stored in one more place.
  const key = `${name}:${createHash("sha256").update(subject.toLowerCase()).digest("hex")}`;
  const [row] = await db.$queryRaw<{ count: number; windowStart: Date }[]>`
    INSERT INTO "RateLimit" ("key", "windowStart", "count") VALUES (${key}, now(), 1)
    ON CONFLICT ("key") DO UPDATE SET
      "count" = CASE WHEN "RateLimit"."windowStart" < now() - make_interval(secs => ${windowSeconds})
                THEN 1 ELSE "RateLimit"."count" + 1 END,
      "windowStart" = CASE WHEN "RateLimit"."windowStart" < now() - make_interval(secs => ${windowSeconds})
                THEN now() ELSE "RateLimit"."windowStart" END
    RETURNING "count", "windowStart"`;
  if (row && row.count > limit) {
    const retryAt = new Date(row.windowStart).getTime() + windowSeconds * 1000;
    const minutes = Math.max(1, Math.ceil((retryAt - Date.now()) / 60_000));
    throw new AppError(
      "RATE_LIMITED",
      `Too many attempts; try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`,
    );
  }
}

/** The client's address as the closest proxy saw it (the app runs behind one in production). */
export function clientAddress(headers: Headers | Record<string, unknown> | undefined): string {
  const read = (name: string) =>
    headers instanceof Headers ? headers.get(name) : (headers?.[name] as string | undefined);
  return read("x-forwarded-for")?.split(",")[0]?.trim() || read("x-real-ip") || "local";
}
