import "server-only";
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { getEnv } from "~/env";
import type { DbClient } from "~/server/db";
import { AppError } from "~/server/errors";
import { isUniqueViolation } from "~/server/prisma-errors";

/**
 * Unsubscribe links: `<payload>.<HMAC-SHA256>` where the payload names the user, a random nonce
 * and an expiry. A forged or altered link fails the signature; each link works once (its nonce
 * is recorded), so a link replayed after the user subscribed again changes nothing.
 */
const LIFETIME_MS = 60 * 24 * 60 * 60 * 1000;
const ZPayloadSchema = z.object({ u: z.string().min(1), n: z.string().min(16), e: z.number() });

function sign(payload: string): Buffer {
  return createHmac("sha256", getEnv().NEXTAUTH_SECRET).update(`unsubscribe:${payload}`).digest();
}

export function createUnsubscribeToken(userId: string, now = Date.now()): string {
  const payload = Buffer.from(
    JSON.stringify({ u: userId, n: randomBytes(16).toString("hex"), e: now + LIFETIME_MS }),
  ).toString("base64url");
  return `${payload}.${sign(payload).toString("base64url")}`;
}

export async function unsubscribe(options: { db: DbClient; token: string }) {
  const [payload, signature] = options.token.split(".");
  const refused = new AppError(
    "BAD_INPUT",
    "This unsubscribe link is not valid; use the link of a recent email, or change your choices on your notifications page.",
  );
  if (!payload || !signature) throw refused;
  const expected = sign(payload);
  const given = Buffer.from(signature, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw refused;
  let parsed: z.infer<typeof ZPayloadSchema>;
  try {
    parsed = ZPayloadSchema.parse(JSON.parse(Buffer.from(payload, "base64url").toString("utf8")));
  } catch {
    throw refused;
  }
  if (parsed.e < Date.now())
    throw new AppError(
      "BAD_INPUT",
      "This unsubscribe link has expired; change your choices on your notifications page.",
    );
  try {
    await options.db.$transaction(async (tx) => {
      await tx.usedUnsubscribeToken.create({ data: { nonce: parsed.n } });
      await tx.notificationPreference.upsert({
        where: { userId: parsed.u },
        create: { userId: parsed.u, emailEnabled: false },
        update: { emailEnabled: false },
      });
    });
  } catch (error) {
    if (isUniqueViolation(error))
      throw new AppError(
        "CONFLICT",
        "This unsubscribe link was already used; change your choices on your notifications page.",
      );
    throw error;
  }
  return { isUnsubscribed: true as const };
}
