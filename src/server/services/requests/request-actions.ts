import "server-only";
import type { DbClient } from "~/server/db";
import { AppError } from "~/server/errors";
import { buildCohortTree } from "~/server/integrity/cohort-items";
import type { ActionHandler } from "~/server/services/actions/action-plan";

/** The request's items in leaf order, with the tree the contract committed to. */
export async function requestItems(db: DbClient, requestId: string) {
  const items = await db.accessRequestItem.findMany({
    where: { requestId },
    orderBy: { itemIndex: "asc" },
    select: {
      id: true,
      itemIndex: true,
      priceWei: true,
      status: true,
      listing: { select: { id: true, chainKey: true, ownerId: true } },
    },
  });
  const tree = buildCohortTree(
    items.map((item) => ({
      listingId: item.listing.chainKey,
      price: BigInt(item.priceWei.toFixed(0)),
    })),
  );
  return { items, tree };
}

export const createRequestAction: ActionHandler<{ requestId: string }> = {
  kind: "request.create",
  roles: ["RESEARCHER"],
  async plan({ db, chain, user }, { requestId }) {
    const request = await db.accessRequest.findUnique({
      where: { id: requestId },
      select: {
        id: true,
        researcherId: true,
        chainSalt: true,
        purpose: true,
        planHash: true,
        accessUntil: true,
        totalWei: true,
        maxTotalWei: true,
        items: {
          select: { priceWei: true, itemIndex: true, listing: { select: { chainKey: true } } },
        },
      },
    });
    if (!request || request.researcherId !== user.id)
      throw new AppError("NOT_FOUND", "No request of yours has this id.");
    const queued = await db.chainOutbox.count({
      where: {
        kind: { startsWith: "request.create" },
        entityId: request.id,
        status: { not: "FAILED" },
      },
    });
    if (queued > 0) throw new AppError("CONFLICT", "This request was already submitted.");
    const items = [...request.items].sort((a, b) => a.itemIndex - b.itemIndex);
    // The most the researcher agreed to pay: the contract refuses a dearer cohort (a price
    // raised while the signed request waits cannot draw more).
    const maxTotal = BigInt((request.maxTotalWei ?? request.totalWei).toFixed(0));
    const marketplace = chain.contracts.marketplace.interface;
    const to = chain.deployment.contracts.DataMarketplace;
    // ~14,000 gas a listing at scale (bench:gas) plus the request itself, with headroom.
    const gas = 350_000n + BigInt(items.length) * 20_000n;
    const args: [string, string[], number, string, number, bigint] = [
      request.chainSalt,
      items.map((item) => item.listing.chainKey),
      request.purpose,
      request.planHash,
      Math.floor(request.accessUntil.getTime() / 1000),
      maxTotal,
    ];
    return {
      entityId: request.id,
      spends: maxTotal,
      call: { to, gas, data: marketplace.encodeFunctionData("requestAccess", args) },
      withPermit: (permit) => ({
        to,
        gas: gas + 60_000n,
        data: marketplace.encodeFunctionData("requestAccessWithPermit", [
          ...args,
          permit.deadline,
          permit.v,
          permit.r,
          permit.s,
        ]),
      }),
    };
  },
};

export const decideItemAction: ActionHandler<{ itemId: string; approve: boolean }> = {
  kind: "item.decide",
  roles: ["PARTICIPANT"],
  async plan({ db, chain, user }, { itemId, approve }) {
    const item = await db.accessRequestItem.findUnique({
      where: { id: itemId },
      select: {
        id: true,
        itemIndex: true,
        status: true,
        priceWei: true,
        requestId: true,
        request: {
          select: { chainKey: true, anchorStatus: true, decisionDeadline: true, accessUntil: true },
        },
        listing: {
          select: {
            ownerId: true,
            chainKey: true,
            ownerAddress: true,
            owner: { select: { walletAddress: true } },
          },
        },
      },
    });
    if (!item || item.listing.ownerId !== user.id)
      throw new AppError("NOT_FOUND", "No request item for your listings has this id.");
    if (item.request.anchorStatus !== "CONFIRMED")
      throw new AppError("CONFLICT", "This request is still being recorded on chain.");
    if (item.status !== "PENDING")
      throw new AppError("CONFLICT", `This item is already ${item.status.toLowerCase()}.`);
    if (item.request.decisionDeadline && item.request.decisionDeadline < new Date())
      throw new AppError("CONFLICT", "The decision window for this request has closed.");
    if (approve && item.request.accessUntil < new Date())
      throw new AppError("CONFLICT", "The access period of this request has ended.");
    const decided = await db.chainOutbox.count({
      where: { kind: "item.decide", entityId: item.id, status: { not: "FAILED" } },
    });
    if (decided > 0)
      throw new AppError("CONFLICT", "Your decision on this item is already on its way.");
    const { tree } = await requestItems(db, item.requestId);
    return {
      entityId: item.id,
      signer: item.listing.ownerAddress ?? item.listing.owner.walletAddress,
      call: {
        to: chain.deployment.contracts.DataMarketplace,
        gas: 200_000n,
        data: chain.contracts.marketplace.interface.encodeFunctionData("decide", [
          item.request.chainKey,
          item.itemIndex,
          item.listing.chainKey,
          item.priceWei.toFixed(0),
          tree.getProof(item.itemIndex),
          approve,
        ]),
      },
    };
  },
};
