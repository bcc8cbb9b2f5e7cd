import "server-only";
import { randomUUID } from "node:crypto";
import { getEnv } from "~/env";
import { releaseLease, tryAcquireLease } from "~/server/chain/leases";
import type { DbClient } from "~/server/db";
import { describeError, logger } from "~/server/logger";
import { collectNotifications } from "./collect-notifications";
import { queueNotificationEmails } from "./queue-emails";
import { closeMailTransport, sendQueuedEmails } from "./send-emails";

/** One pass: collect new notifications, queue their emails, send what is queued. */
export async function runNotificationPass(db: DbClient, holder?: string) {
  const created = await collectNotifications(db);
  const queued = await queueNotificationEmails(db);
  const { sent, failed } = await sendQueuedEmails(db, { holder });
  return { created, queued, sent, failed };
}

/** The notification worker of an app process; several processes share it through a lease. */
export function startNotificationWorker(db: DbClient) {
  const holder = `notifications:${randomUUID()}`;
  const every = getEnv().NOTIFY_POLL_MS;
  let timer: NodeJS.Timeout | undefined;
  let isStopped = false;
  let running: Promise<void> = Promise.resolve();
  const tick = () => {
    running = (async () => {
      try {
        if (await tryAcquireLease(db, "notifications", holder, every * 6))
          await runNotificationPass(db, holder);
      } catch (error) {
        logger.warn("notification pass failed", { error: describeError(error) });
      }
      if (!isStopped) timer = setTimeout(tick, every);
    })();
  };
  timer = setTimeout(tick, every);
  return {
    async stop() {
      isStopped = true;
      clearTimeout(timer);
      await running;
      await releaseLease(db, "notifications", holder).catch(() => undefined);
      closeMailTransport();
    },
  };
}
