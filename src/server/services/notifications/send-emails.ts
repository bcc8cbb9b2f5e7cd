import "server-only";
import { randomUUID } from "node:crypto";
import nodemailer, { type Transporter } from "nodemailer";
import { getEnv } from "~/env";
import type { DbClient } from "~/server/db";

/**
 * The email sender: leases queued rows (so two workers never send the same one, and a crashed
 * worker's rows come back after the lease), sends through SMTP_URL, records the result, and
 * retries with backoff. Each email carries a Message-ID made from its idempotency key: if a
 * crash falls between the SMTP server's acceptance and the "sent" mark, the one re-send has the
 * same id, which mail systems treat as the same message.
 */
const LEASE_MS = 60_000;
const MAX_ATTEMPTS = 8;
const BATCH = 20;

let cached: { url: string; transport: Transporter } | undefined;

function transportFor(url: string): Transporter {
  if (cached?.url !== url) {
    cached?.transport.close();
    cached = { url, transport: nodemailer.createTransport(url) };
  }
  return cached.transport;
}

export function messageIdFor(idempotencyKey: string): string {
  return `<${idempotencyKey.replace(/[^A-Za-z0-9.-]/g, "-")}@trialshare.notifications>`;
}

export async function leaseEmails(db: DbClient, holder: string, now = new Date()) {
  const until = new Date(now.getTime() + LEASE_MS);
  return db.$queryRaw<
    {
      id: bigint;
      userId: string;
      idempotencyKey: string;
      subject: string;
      text: string;
      attempts: number;
    }[]
  >`
    UPDATE "EmailOutbox" SET "lockedBy" = ${holder}, "lockedUntil" = ${until}, "attempts" = "attempts" + 1
    WHERE "id" IN (
      SELECT "id" FROM "EmailOutbox"
      WHERE "status" = 'PENDING' AND "availableAt" <= ${now}
        AND ("lockedUntil" IS NULL OR "lockedUntil" < ${now})
      ORDER BY "id" LIMIT ${BATCH}
      FOR UPDATE SKIP LOCKED)
    RETURNING "id", "userId", "idempotencyKey", "subject", "text", "attempts"`;
}

export async function sendQueuedEmails(
  db: DbClient,
  options: { holder?: string; now?: Date } = {},
): Promise<{ sent: number; failed: number }> {
  const env = getEnv();
  if (!env.SMTP_URL) return { sent: 0, failed: 0 };
  const holder = options.holder ?? randomUUID();
  const rows = await leaseEmails(db, holder, options.now);
  const transport = transportFor(env.SMTP_URL);
  let sent = 0;
  let failed = 0;
  for (const row of rows) {
    const user = await db.user.findUnique({ where: { id: row.userId }, select: { email: true } });
    try {
      if (!user?.email) throw new Error("the account has no email address any more");
      await transport.sendMail({
        from: env.MAIL_FROM,
        to: user.email,
        subject: row.subject,
        text: row.text,
        messageId: messageIdFor(row.idempotencyKey),
      });
      await db.emailOutbox.updateMany({
        where: { id: row.id, lockedBy: holder },
        data: { status: "SENT", sentAt: new Date(), lockedBy: null, lockedUntil: null },
      });
      sent += 1;
    } catch (error) {
      const isFinal = row.attempts >= MAX_ATTEMPTS || !user?.email;
      await db.emailOutbox.updateMany({
        where: { id: row.id, lockedBy: holder },
        data: {
          status: isFinal ? "FAILED" : "PENDING",
          lastError: error instanceof Error ? error.message.slice(0, 500) : "send failed",
          availableAt: new Date(Date.now() + Math.min(2 ** row.attempts * 1000, 3_600_000)),
          lockedBy: null,
          lockedUntil: null,
        },
      });
      failed += 1;
    }
  }
  return { sent, failed };
}

export function closeMailTransport(): void {
  cached?.transport.close();
  cached = undefined;
}
