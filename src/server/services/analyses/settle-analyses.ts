import "server-only";
import type { Chain } from "~/server/chain/client";
import type { DbClient } from "~/server/db";
import { logger } from "~/server/logger";
import { requestItems } from "~/server/services/requests/request-actions";
import {
  confirmedSettleIndices,
  queueSettleBatch,
  SETTLE_BATCH,
} from "~/server/services/requests/settle-requests";

/**
 * Owners are paid per analysis that used their data (issue 18): once an analysis's charge is on
 * chain (RELEASED), its items are due at once — the analysis already happened, nothing waits for
 * an access period. Settlement goes through the request's escrow and multiproof like any item
 * (`settleItems` with the analysis id), in batches, one batch per analysis at a time; the last
 * batch returns what was not paid out to the researcher. Returns how many batches it queued.
 */
export async function enqueueDueAnalysisSettlements(db: DbClient, chain: Chain): Promise<number> {
  const jobs = await db.analysisJob.findMany({
    where: { status: "RELEASED", listings: { some: { settledAt: null } } },
    orderBy: { createdAt: "asc" },
    select: {
      id: true,
      chainKey: true,
      requestId: true,
      listings: { where: { settledAt: null }, select: { itemIndex: true } },
    },
    take: 20,
  });
  let queued = 0;
  for (const job of jobs) {
    const settles = await db.chainOutbox.findMany({
      where: { kind: "analysis.settle", entityId: job.id },
      select: { status: true, payload: true },
    });
    if (settles.some((row) => row.status === "PENDING" || row.status === "SENT")) continue;
    if (settles.filter((row) => row.status === "FAILED").length >= 3) {
      logger.warn("settlement of an analysis keeps failing", { jobId: job.id });
      continue;
    }
    // Taken by the chain but not read by the indexer yet: sending again would only be refused.
    const confirmed = confirmedSettleIndices(chain, settles);
    const due = job.listings
      .map((listing) => listing.itemIndex)
      .filter((index) => !confirmed.has(index))
      .sort((a, b) => a - b);
    if (due.length === 0) continue;
    const { tree } = await requestItems(db, job.requestId);
    await queueSettleBatch(db, chain, {
      kind: "analysis.settle",
      entityId: job.id,
      attempt: settles.length,
      settleKey: job.chainKey,
      tree,
      indices: due.slice(0, SETTLE_BATCH),
    });
    queued += 1;
  }
  return queued;
}
