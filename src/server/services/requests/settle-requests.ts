import type { Chain } from "~/server/chain/client";
import { enqueueChainWrite } from "~/server/chain/outbox";
import type { DbClient } from "~/server/db";
import { requestItems } from "./request-actions";

/**
 * Settlement is permissionless on chain; the server starts it for every open request whose
 * items are all decided, or whose decision window has closed, so owners are credited and
 * researchers refunded without anyone having to ask. Returns how many it queued.
 */
export async function enqueueDueSettlements(db: DbClient, chain: Chain): Promise<number> {
  const now = new Date();
  const due = await db.accessRequest.findMany({
    where: {
      status: "OPEN",
      anchorStatus: "CONFIRMED",
      OR: [{ items: { none: { status: "PENDING" } } }, { decisionDeadline: { lt: now } }],
    },
    select: { id: true, chainKey: true },
    take: 20,
  });
  let queued = 0;
  for (const request of due) {
    const { items } = await requestItems(db, request.id);
    const isQueued = await db.chainOutbox.count({
      where: { kind: "request.settle", entityId: request.id, status: { not: "FAILED" } },
    });
    if (isQueued > 0) continue;
    await db.$transaction((tx) =>
      enqueueChainWrite(tx, {
        kind: "request.settle",
        entityId: request.id,
        idempotencyKey: `request.settle:${request.id}`,
        signer: chain.relayer.address,
        payload: {
          type: "operator",
          contract: "DataMarketplace",
          data: chain.contracts.marketplace.interface.encodeFunctionData("settle", [
            request.chainKey,
            items.map((item) => item.listing.chainKey),
            items.map((item) => item.priceWei.toFixed(0)),
          ]),
        },
      }),
    );
    queued += 1;
  }
  return queued;
}
