import "server-only";
import type { DbClient } from "~/server/db";

/**
 * A lease is a row that one process holds until it expires. Workers take the lease before each
 * tick, so two app processes on one database never run the same worker at the same time; a
 * crashed holder loses it after `ttlMs`.
 */
export async function tryAcquireLease(
  db: DbClient,
  name: string,
  holder: string,
  ttlMs: number,
): Promise<boolean> {
  const expiresAt = new Date(Date.now() + ttlMs);
  const rows = await db.$queryRaw<{ holder: string }[]>`
    INSERT INTO "WorkerLease" ("name", "holder", "expiresAt")
    VALUES (${name}, ${holder}, ${expiresAt})
    ON CONFLICT ("name") DO UPDATE SET "holder" = EXCLUDED."holder", "expiresAt" = EXCLUDED."expiresAt"
      WHERE "WorkerLease"."holder" = EXCLUDED."holder" OR "WorkerLease"."expiresAt" < now()
    RETURNING "holder"`;
  return rows.length === 1;
}

export async function releaseLease(db: DbClient, name: string, holder: string): Promise<void> {
  await db.workerLease.deleteMany({ where: { name, holder } });
}
