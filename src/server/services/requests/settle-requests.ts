import "server-only";
import type { Chain } from "~/server/chain/client";
import { enqueueChainWrite } from "~/server/chain/outbox";
import type { DbClient } from "~/server/db";
import { settlementArgs, type CohortTree } from "~/server/integrity/cohort-items";
import { logger } from "~/server/logger";
import { requestItems } from "./request-actions";

/**
 * Settlement is permissionless on chain and works item by item; the server starts it for every
 * item whose outcome is final, so owners are credited and researchers refunded without anyone
 * having to ask: rejected items, pending items past the decision window, delivered items (paid at
 * once), and every approved item once the access period is over (paid if its consent epoch
 * outlived the window, refunded otherwise). Batches of at most SETTLE_BATCH items keep each
 * transaction far below a block (about 35,000 gas an item), one batch per request at a time.
 * Returns how many batches it queued.
 */
export const SETTLE_BATCH = 150;

/** Clocks of the server and the chain may differ a little: wait this much past a deadline. */
const CLOCK_MARGIN_MS = 60_000;

/** Item indices of the settle batches the chain has taken (their events may not be read yet). */
export function confirmedSettleIndices(
  chain: Chain,
  settles: { status: string; payload: unknown }[],
): Set<number> {
  const indices = new Set<number>();
  for (const row of settles) {
    const data = (row.payload as { data?: unknown } | null)?.data;
    if (row.status !== "CONFIRMED" || typeof data !== "string") continue;
    const [, batch] = chain.contracts.marketplace.interface.decodeFunctionData("settleItems", data);
    for (const index of batch as bigint[]) indices.add(Number(index));
  }
  return indices;
}

export async function enqueueDueSettlements(db: DbClient, chain: Chain): Promise<number> {
  const now = Date.now();
  const open = await db.accessRequest.findMany({
    where: {
      status: "OPEN",
      anchorStatus: "CONFIRMED",
      items: { some: { settledAt: null, status: { not: "EXCLUDED" } } },
    },
    orderBy: { createdAt: "asc" },
    select: { id: true, chainKey: true, accessUntil: true, decisionDeadline: true },
    take: 20,
  });
  let queued = 0;
  for (const request of open) {
    const settles = await db.chainOutbox.findMany({
      where: { kind: "request.settle", entityId: request.id },
      select: { status: true, payload: true },
    });
    if (settles.some((row) => row.status === "PENDING" || row.status === "SENT")) continue;
    // A batch the chain refused three times needs a person: say so instead of retrying forever.
    if (settles.filter((row) => row.status === "FAILED").length >= 3) {
      logger.warn("settlement of a request keeps failing", { requestId: request.id });
      continue;
    }
    const isWindowOver = request.accessUntil.getTime() + CLOCK_MARGIN_MS < now;
    const isDecisionOver =
      request.decisionDeadline !== null &&
      request.decisionDeadline.getTime() + CLOCK_MARGIN_MS < now;
    const [{ items, tree }, delivered, settled] = await Promise.all([
      requestItems(db, request.id),
      db.dataUse.findMany({
        where: { requestId: request.id, anchorStatus: "CONFIRMED" },
        select: { listingId: true },
      }),
      db.accessRequestItem.findMany({
        where: { requestId: request.id, settledAt: { not: null } },
        select: { id: true },
      }),
    ]);
    const deliveredListings = new Set(delivered.map((use) => use.listingId));
    const settledItems = new Set(settled.map((item) => item.id));
    // A batch on chain whose events the indexer has not read yet is settled all the same:
    // sending it again would only be refused (AlreadySettled).
    const confirmedIndices = confirmedSettleIndices(chain, settles);
    const due = items.filter((item) => {
      if (item.status === "EXCLUDED" || settledItems.has(item.id)) return false;
      if (confirmedIndices.has(item.itemIndex)) return false;
      if (item.status === "REJECTED" || item.status === "EXPIRED") return true;
      if (item.status === "PENDING") return isDecisionOver;
      return isWindowOver || deliveredListings.has(item.listing.id);
    });
    if (due.length === 0) continue;
    await queueSettleBatch(db, chain, {
      kind: "request.settle",
      entityId: request.id,
      attempt: settles.length,
      settleKey: request.chainKey,
      tree,
      indices: due.slice(0, SETTLE_BATCH).map((item) => item.itemIndex),
    });
    queued += 1;
  }
  return queued;
}

/**
 * One settlement batch into the outbox: `settleKey` is the request's id on chain, or an
 * analysis's (the contract settles that analysis's items of the request then).
 */
export async function queueSettleBatch(
  db: DbClient,
  chain: Chain,
  batch: {
    kind: "request.settle" | "analysis.settle";
    entityId: string;
    attempt: number;
    settleKey: string;
    tree: CohortTree;
    indices: number[];
  },
) {
  const args = settlementArgs(batch.tree, batch.indices);
  await db.$transaction((tx) =>
    enqueueChainWrite(tx, {
      kind: batch.kind,
      entityId: batch.entityId,
      idempotencyKey: `${batch.kind}:${batch.entityId}:${batch.attempt}`,
      signer: chain.relayer.address,
      payload: {
        type: "operator",
        contract: "DataMarketplace",
        data: chain.contracts.marketplace.interface.encodeFunctionData("settleItems", [
          batch.settleKey,
          args.indices,
          args.listingIds,
          args.prices,
          args.proof,
          args.proofFlags,
        ]),
      },
    }),
  );
}
