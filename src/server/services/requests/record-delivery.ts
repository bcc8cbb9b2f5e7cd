import "server-only";
import { enqueueChainWrite } from "~/server/chain/outbox";
import type { Chain } from "~/server/chain/client";
import type { DbClient } from "~/server/db";
import { AppError } from "~/server/errors";

/**
 * Records a delivery of a request's approved items: one DataUse row and one operator write
 * (recordDataUse, carrying the extract's root) per item, in one transaction. The extract may
 * only be served once this has returned: the record is then durable in the outbox.
 */
export async function recordDelivery(options: {
  db: DbClient;
  chain: Chain;
  requestId: string;
  extractRoot: string;
  listingIds?: string[];
}) {
  const { db, chain } = options;
  const request = await db.accessRequest.findUnique({
    where: { id: options.requestId },
    select: { id: true, chainKey: true, accessUntil: true, anchorStatus: true },
  });
  if (!request || request.anchorStatus !== "CONFIRMED")
    throw new AppError("NOT_FOUND", "This request is not recorded on chain yet.");
  if (request.accessUntil < new Date())
    throw new AppError("FORBIDDEN", "The access period of this request has ended.");
  const items = await db.accessRequestItem.findMany({
    where: { requestId: request.id },
    orderBy: { itemIndex: "asc" },
    select: { itemIndex: true, status: true, listing: { select: { id: true } } },
  });
  const delivered = items.filter(
    (item) =>
      item.status === "APPROVED" &&
      (!options.listingIds || options.listingIds.includes(item.listing.id)),
  );
  if (delivered.length === 0)
    throw new AppError("CONFLICT", "No item of this request is approved.");
  const marketplace = chain.contracts.marketplace.interface;
  return db.$transaction(async (tx) => {
    const uses = [];
    for (const item of delivered) {
      const use = await tx.dataUse.create({
        data: {
          requestId: request.id,
          listingId: item.listing.id,
          extractRoot: options.extractRoot,
        },
        select: { id: true },
      });
      await enqueueChainWrite(tx, {
        kind: "dataUse.record",
        entityId: use.id,
        idempotencyKey: `dataUse.record:${use.id}`,
        signer: chain.relayer.address,
        payload: {
          type: "operator",
          contract: "DataMarketplace",
          // The contract reads the item's approval and consent epoch from the request's own
          // storage: no Merkle proof travels with a data use.
          data: marketplace.encodeFunctionData("recordDataUse", [
            request.chainKey,
            item.itemIndex,
            options.extractRoot,
          ]),
        },
      });
      uses.push(use.id);
    }
    return { dataUseIds: uses };
  });
}
