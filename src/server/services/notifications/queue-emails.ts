import "server-only";
import { getEnv } from "~/env";
import type { DbClient } from "~/server/db";
import { createUnsubscribeToken } from "./unsubscribe-token";

/**
 * Turns notifications into queued emails, by each user's choice: none, one email each
 * (immediate), or one digest a day. The email rows and the notifications' "queued" mark are
 * written in one transaction, and each email has an idempotency key, so a crash or a second
 * worker never loses or doubles one.
 */
const DAY_MS = 24 * 60 * 60 * 1000;
const BATCH = 500;

function emailText(
  items: { title: string; body: string; link: string }[],
  userId: string,
  intro: string,
) {
  const appUrl = getEnv().APP_URL ?? "http://localhost:3000";
  const lines = items.flatMap((item) => [
    `* ${item.title}`,
    `  ${item.body}`,
    `  ${appUrl}${item.link}`,
    "",
  ]);
  return [
    intro,
    "",
    ...lines,
    "For your privacy this email names no data; sign in to see the details.",
    `Your notification choices: ${appUrl}/notifications`,
    `Unsubscribe from these emails: ${appUrl}/unsubscribe?token=${createUnsubscribeToken(userId)}`,
  ].join("\n");
}

export async function queueNotificationEmails(db: DbClient, now = new Date()): Promise<number> {
  const pending = await db.notification.findMany({
    where: { emailQueuedAt: null },
    orderBy: { createdAt: "asc" },
    take: BATCH,
    select: { id: true, userId: true, title: true, body: true, link: true },
  });
  const byUser = new Map<string, typeof pending>();
  for (const notification of pending)
    byUser.set(notification.userId, [...(byUser.get(notification.userId) ?? []), notification]);
  const [users, preferences] = await Promise.all([
    db.user.findMany({
      where: { id: { in: [...byUser.keys()] } },
      select: { id: true, email: true, erasedAt: true },
    }),
    db.notificationPreference.findMany({ where: { userId: { in: [...byUser.keys()] } } }),
  ]);
  let queued = 0;
  for (const [userId, items] of byUser) {
    const user = users.find((candidate) => candidate.id === userId);
    const preference = preferences.find((candidate) => candidate.userId === userId);
    const ids = items.map((item) => item.id);
    const isEmailed = Boolean(user?.email) && !user?.erasedAt && preference?.emailEnabled !== false;
    if (!isEmailed) {
      await db.notification.updateMany({
        where: { id: { in: ids }, emailQueuedAt: null },
        data: { emailQueuedAt: now },
      });
      continue;
    }
    const isDigest = preference?.digest === "DAILY";
    if (
      isDigest &&
      preference.lastDigestAt &&
      now.getTime() - preference.lastDigestAt.getTime() < DAY_MS
    )
      continue;
    const emails = isDigest
      ? [
          {
            userId,
            idempotencyKey: `digest:${userId}:${preference.lastDigestAt?.toISOString() ?? "first"}`,
            subject: `TrialShare: ${items.length} update${items.length === 1 ? "" : "s"} today`,
            text: emailText(items, userId, "Your daily TrialShare digest."),
          },
        ]
      : items.map((item) => ({
          userId,
          idempotencyKey: `n:${item.id}`,
          subject: `TrialShare: ${item.title}`,
          text: emailText([item], userId, "Something happened on TrialShare."),
        }));
    await db
      .$transaction(async (tx) => {
        const marked = await tx.notification.updateMany({
          where: { id: { in: ids }, emailQueuedAt: null },
          data: { emailQueuedAt: now },
        });
        // Another worker queued them meanwhile: leave it to its transaction.
        if (marked.count !== ids.length) throw new Error("notifications queued concurrently");
        await tx.emailOutbox.createMany({ data: emails, skipDuplicates: true });
        if (isDigest)
          await tx.notificationPreference.update({
            where: { userId },
            data: { lastDigestAt: now },
          });
      })
      .catch((error: unknown) => {
        if (error instanceof Error && error.message === "notifications queued concurrently") return;
        throw error;
      });
    queued += emails.length;
  }
  return queued;
}
