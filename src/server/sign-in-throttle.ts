import "server-only";
import type { DbClient } from "~/server/db";
import { Prisma } from "~/server/generated/prisma/client";
import { AppError } from "~/server/errors";
import {
  countAttempt,
  describeWait,
  forgiveAttempt,
  RATE_LIMITS,
  rateLimited,
  rateLimitKey,
} from "~/server/rate-limit";

/**
 * Password guessing is slowed down per account *and* client together, so an attacker who
 * guesses at someone else's email only ever slows down their own client: the victim, signing
 * in from their own network, is not the one who waits. Numbers (docs/SECURITY.md):
 *  - per account + client: 5 attempts, then a wait of 15 s that doubles after each further
 *    failure up to 15 minutes; forgotten after an hour without failures and at a success.
 *    About 13 guesses in the first hour, then 4 an hour.
 *  - per account, all clients together: 100 failures an hour. Past that ceiling a client that
 *    has failed for the account is refused unchecked, while a client without failures still
 *    gets its check: the owner is never locked out, and a distributed attacker gets at most
 *    one more guess per network (an IPv4 address or an IPv6 /64).
 *  - per client, all accounts together: 100 failures in 15 minutes (password spraying).
 * Every attempt is counted before the password is checked and forgiven when it was right, so
 * parallel guesses cannot slip past and only failures count.
 */
const FREE_ATTEMPTS = 5;
const FIRST_WAIT_SECONDS = 15;
const MAX_WAIT_SECONDS = 15 * 60;
const FORGET_AFTER_SECONDS = 60 * 60;

type Attempt = { succeeded: () => Promise<void> };

/**
 * Reserves one attempt for the pair, or answers when the pair may try again. One statement:
 * concurrent attempts queue on the row, and each sees the count the previous one left.
 */
async function reservePairAttempt(db: DbClient, key: string) {
  const failures = Prisma.sql`(CASE WHEN "SignInBackoff"."updatedAt" < now() - make_interval(secs => ${FORGET_AFTER_SECONDS})
                   THEN 1 ELSE "SignInBackoff"."failures" + 1 END)`;
  const [row] = await db.$queryRaw<{ failures: number }[]>`
    INSERT INTO "SignInBackoff" ("key", "failures", "retryAt", "updatedAt")
    VALUES (${key}, 1, now(), now())
    ON CONFLICT ("key") DO UPDATE SET
      "failures" = ${failures},
      "retryAt" = now() + make_interval(secs => CASE WHEN ${failures} < ${FREE_ATTEMPTS} THEN 0
        ELSE LEAST(${MAX_WAIT_SECONDS}, ${FIRST_WAIT_SECONDS} * power(2, ${failures} - ${FREE_ATTEMPTS})) END),
      "updatedAt" = now()
    WHERE "SignInBackoff"."retryAt" <= now()
    RETURNING "failures"`;
  if (row) return { isAllowed: true as const, failuresBefore: row.failures - 1 };
  const [waiting] = await db.$queryRaw<{ retryAt: Date }[]>`
    SELECT "retryAt" FROM "SignInBackoff" WHERE "key" = ${key}`;
  return { isAllowed: false as const, retryAt: new Date(waiting?.retryAt ?? Date.now()) };
}

/**
 * Call before checking a password; throws a clear refusal when this attempt may not be made.
 * Call `succeeded()` when the password was right: the attempt is then forgiven.
 */
export async function beginPasswordAttempt(
  db: DbClient,
  options: { email: string; client: string },
): Promise<Attempt> {
  const pairKey = rateLimitKey("signInPair", `${options.email}\n${options.client}`);
  const pair = await reservePairAttempt(db, pairKey);
  if (!pair.isAllowed)
    throw new AppError(
      "RATE_LIMITED",
      `Too many attempts; try again in ${describeWait(pair.retryAt)}.`,
    );
  const network = await countAttempt(db, "signInNetwork", options.client);
  if (network.count > RATE_LIMITS.signInNetwork.limit)
    throw rateLimited("signInNetwork", network.windowEnd);
  const account = await countAttempt(db, "signInAccount", options.email);
  if (account.count > RATE_LIMITS.signInAccount.limit && pair.failuresBefore > 0)
    throw rateLimited("signInAccount", account.windowEnd);
  return {
    succeeded: async () => {
      await db.$executeRaw`DELETE FROM "SignInBackoff" WHERE "key" = ${pairKey}`;
      await forgiveAttempt(db, "signInNetwork", options.client);
      await forgiveAttempt(db, "signInAccount", options.email);
    },
  };
}

/** Sign-in with Ethereum: no password to guess, but failures still count against the network. */
export async function beginWalletAttempt(
  db: DbClient,
  options: { client: string },
): Promise<Attempt> {
  const network = await countAttempt(db, "signInNetwork", options.client);
  if (network.count > RATE_LIMITS.signInNetwork.limit)
    throw rateLimited("signInNetwork", network.windowEnd);
  return { succeeded: () => forgiveAttempt(db, "signInNetwork", options.client) };
}
