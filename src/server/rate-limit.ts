import "server-only";
import { createHash } from "node:crypto";
import type { DbClient } from "~/server/db";
import { AppError } from "~/server/errors";

/**
 * Fixed-window limits kept in the database, so every app process on it counts the same
 * attempts. One statement per attempt: it opens a new window when the old one has passed.
 * Sign-in limits count an attempt before the check and forgive it when it succeeds, so they
 * count failures only while parallel attempts still cannot slip past.
 */
export const RATE_LIMITS = {
  /** Failed sign-ins (any account, any method) from one network: password spraying. */
  signInNetwork: {
    limit: 100,
    windowSeconds: 15 * 60,
    refusal: "Too many failed sign-ins from your network",
  },
  /**
   * Failed password sign-ins against one account from every network together: the ceiling on
   * online guessing. Past it, only networks without a failure for the account may still try
   * (see sign-in-throttle.ts), so it is no lock-out weapon.
   */
  signInAccount: {
    limit: 100,
    windowSeconds: 60 * 60,
    refusal: "Too many failed sign-ins for this account",
  },
  /** New accounts from one network: each costs an argon2 hash and a wallet. */
  register: {
    limit: 10,
    windowSeconds: 60 * 60,
    refusal: "Too many new accounts from your network",
  },
  /** Data uploads by one participant. */
  upload: { limit: 30, windowSeconds: 60 * 60, refusal: "Too many uploads" },
} as const;

export type RateLimitName = keyof typeof RATE_LIMITS;

/** Hashed, so that emails and addresses are not stored in one more place. */
export function rateLimitKey(name: string, subject: string): string {
  return `${name}:${createHash("sha256").update(subject.toLowerCase()).digest("hex")}`;
}

/** "2 seconds", "15 minutes": how long until `retryAt`, for a refusal message. */
export function describeWait(retryAt: Date): string {
  const seconds = Math.max(1, Math.ceil((retryAt.getTime() - Date.now()) / 1000));
  if (seconds < 120) return `${seconds} second${seconds === 1 ? "" : "s"}`;
  return `${Math.ceil(seconds / 60)} minutes`;
}

/** Counts one attempt; answers the window's count so far and when it ends. */
export async function countAttempt(db: DbClient, name: RateLimitName, subject: string) {
  const { windowSeconds } = RATE_LIMITS[name];
  const [row] = await db.$queryRaw<{ count: number; windowStart: Date }[]>`
    INSERT INTO "RateLimit" ("key", "windowStart", "count") VALUES (${rateLimitKey(name, subject)}, now(), 1)
    ON CONFLICT ("key") DO UPDATE SET
      "count" = CASE WHEN "RateLimit"."windowStart" < now() - make_interval(secs => ${windowSeconds})
                THEN 1 ELSE "RateLimit"."count" + 1 END,
      "windowStart" = CASE WHEN "RateLimit"."windowStart" < now() - make_interval(secs => ${windowSeconds})
                THEN now() ELSE "RateLimit"."windowStart" END
    RETURNING "count", "windowStart"`;
  const windowStart = new Date(row?.windowStart ?? Date.now());
  return {
    count: row?.count ?? 1,
    windowEnd: new Date(windowStart.getTime() + windowSeconds * 1000),
  };
}

/** Takes back an attempt counted by `countAttempt` (a sign-in that turned out right). */
export async function forgiveAttempt(
  db: DbClient,
  name: RateLimitName,
  subject: string,
): Promise<void> {
  await db.$executeRaw`
    UPDATE "RateLimit" SET "count" = GREATEST("count" - 1, 0)
    WHERE "key" = ${rateLimitKey(name, subject)}`;
}

export function rateLimited(name: RateLimitName, retryAt: Date): AppError {
  return new AppError(
    "RATE_LIMITED",
    `${RATE_LIMITS[name].refusal}; try again in ${describeWait(retryAt)}.`,
  );
}

/** Counts one attempt and refuses it when the window's limit is passed. */
export async function consumeRateLimit(
  db: DbClient,
  name: RateLimitName,
  subject: string,
): Promise<void> {
  const { count, windowEnd } = await countAttempt(db, name, subject);
  if (count > RATE_LIMITS[name].limit) throw rateLimited(name, windowEnd);
}
