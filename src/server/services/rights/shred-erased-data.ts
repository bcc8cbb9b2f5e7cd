import "server-only";
import type { DbClient } from "~/server/db";
import { describeError, logger } from "~/server/logger";
import { deleteBlob } from "~/server/storage/blob-store";

/**
 * Crypto-shredding of what an erasure named: each blob's wrapped key, then its ciphertext.
 * Run right after the erasure commits, and at every start for erasures a crash interrupted, so
 * an erasure the user was told about always completes. Deleting is idempotent.
 */
export async function shredErasedData(db: DbClient, erasureId?: string): Promise<number> {
  const pending = await db.dataErasure.findMany({
    where: { shreddedAt: null, ...(erasureId ? { id: erasureId } : {}) },
    select: { id: true, blobKeys: true },
  });
  let shredded = 0;
  for (const erasure of pending) {
    try {
      for (const key of erasure.blobKeys) await deleteBlob(key);
      await db.dataErasure.update({
        where: { id: erasure.id },
        data: { shreddedAt: new Date(), blobKeys: [] },
      });
      shredded += 1;
    } catch (error) {
      // The store is unreachable: the row stays pending and the next start finishes it.
      logger.warn("erasure not shredded yet", {
        erasureId: erasure.id,
        error: describeError(error),
      });
    }
  }
  return shredded;
}
