import "server-only";
import { deletePayouts, ITEM_STATUS, list, recordPayout, text, type Projection } from "./helpers";

/** Requests, decisions, data uses, settlement and withdrawals. */
export const REQUEST_PROJECTIONS: Record<string, Projection> = {
  AccessRequested: {
    apply: async (tx, event) => {
      const request = await tx.accessRequest.findUnique({
        where: { chainKey: text(event, "requestId") },
        select: { id: true },
      });
      if (!request) return;
      await tx.accessRequest.update({
        where: { id: request.id },
        data: {
          anchorStatus: "CONFIRMED",
          anchorTxHash: event.txHash,
          status: "OPEN",
          totalWei: text(event, "escrowed"),
          decisionDeadline: new Date(Number(text(event, "decisionDeadline")) * 1000),
        },
      });
      const statuses = list(event, "statuses");
      const prices = list(event, "prices");
      for (const [index, listingKey] of list(event, "listingIds").entries()) {
        await tx.accessRequestItem.updateMany({
          where: { requestId: request.id, itemIndex: index, listing: { chainKey: listingKey } },
          data: {
            status: ITEM_STATUS[Number(statuses[index])] ?? "EXCLUDED",
            priceWei: prices[index]!,
          },
        });
      }
    },
    undo: async (tx, event) => {
      await tx.accessRequest.updateMany({
        where: { chainKey: text(event, "requestId") },
        data: { anchorStatus: "PENDING", anchorTxHash: null, status: "PENDING" },
      });
    },
  },
  ItemDecided: {
    apply: async (tx, event) => {
      await tx.accessRequestItem.updateMany({
        where: {
          request: { chainKey: text(event, "requestId") },
          itemIndex: Number(text(event, "index")),
        },
        data: {
          status: event.args.approved === true ? "APPROVED" : "REJECTED",
          decidedAt: event.blockTime,
          decisionTxHash: event.txHash,
        },
      });
    },
    undo: async (tx, event) => {
      await tx.accessRequestItem.updateMany({
        where: {
          request: { chainKey: text(event, "requestId") },
          itemIndex: Number(text(event, "index")),
        },
        data: { status: "PENDING", decidedAt: null, decisionTxHash: null },
      });
    },
  },
  DataUseRecorded: {
    apply: async (tx, event) => {
      // The event names the item by index; the request's items say which listing that is.
      const item = await tx.accessRequestItem.findFirst({
        where: {
          request: { chainKey: text(event, "requestId") },
          itemIndex: Number(text(event, "index")),
        },
        select: { requestId: true, listingId: true },
      });
      if (!item) return;
      const use = await tx.dataUse.findFirst({
        where: {
          requestId: item.requestId,
          listingId: item.listingId,
          extractRoot: text(event, "extractRoot"),
          anchorStatus: "PENDING",
        },
        orderBy: { createdAt: "asc" },
        select: { id: true },
      });
      if (use)
        await tx.dataUse.update({
          where: { id: use.id },
          data: { anchorStatus: "CONFIRMED", anchorTxHash: event.txHash },
        });
    },
    undo: async (tx, event) => {
      await tx.dataUse.updateMany({
        where: { anchorTxHash: event.txHash },
        data: { anchorStatus: "PENDING", anchorTxHash: null },
      });
    },
  },
  OutputRegistered: {
    apply: async (tx, event) => {
      // Registered through the app: its row holds the description. A hash registered some other
      // way has no description to show and stays only in the timeline.
      await tx.researchOutput.updateMany({
        where: {
          request: { chainKey: text(event, "requestId") },
          outputHash: text(event, "outputHash"),
        },
        data: {
          anchorStatus: "CONFIRMED",
          anchorTxHash: event.txHash,
          registeredAt: event.blockTime,
        },
      });
    },
    undo: async (tx, event) => {
      await tx.researchOutput.updateMany({
        where: { anchorTxHash: event.txHash, outputHash: text(event, "outputHash") },
        data: { anchorStatus: "PENDING", anchorTxHash: null, registeredAt: null },
      });
    },
  },
  ItemExpired: {
    apply: async (tx, event) => {
      await tx.accessRequestItem.updateMany({
        where: {
          request: { chainKey: text(event, "requestId") },
          itemIndex: Number(text(event, "index")),
        },
        data: { status: "EXPIRED" },
      });
    },
  },
  ItemSettled: {
    apply: async (tx, event) => {
      const item = await tx.accessRequestItem.findFirst({
        where: {
          request: { chainKey: text(event, "requestId") },
          itemIndex: Number(text(event, "index")),
        },
        select: {
          id: true,
          requestId: true,
          listingId: true,
          request: { select: { researcher: { select: { walletAddress: true } } } },
        },
      });
      if (!item) return;
      const credited = text(event, "credited");
      const refunded = text(event, "refunded");
      await tx.accessRequestItem.update({
        where: { id: item.id },
        data: { settledAt: event.blockTime, creditedWei: credited, refundedWei: refunded },
      });
      const links = { requestId: item.requestId, listingId: item.listingId };
      // One of the two is zero: an item is either paid or refunded.
      if (credited !== "0")
        await recordPayout(tx, event, text(event, "owner"), "DATA_USE_CREDIT", credited, links);
      else
        await recordPayout(
          tx,
          event,
          item.request.researcher.walletAddress,
          "REFUND",
          refunded,
          links,
        );
    },
    undo: async (tx, event) => {
      await tx.payout.deleteMany({ where: { eventId: event.eventId } });
      await tx.accessRequestItem.updateMany({
        where: {
          request: { chainKey: text(event, "requestId") },
          itemIndex: Number(text(event, "index")),
        },
        data: { settledAt: null, creditedWei: null, refundedWei: null },
      });
    },
  },
  RequestSettled: {
    apply: async (tx, event) => {
      await tx.accessRequest.updateMany({
        where: { chainKey: text(event, "requestId") },
        data: {
          status: "SETTLED",
          settledAt: event.blockTime,
          feeRecipient: text(event, "feeRecipient").toLowerCase(),
        },
      });
    },
    undo: async (tx, event) => {
      await tx.accessRequest.updateMany({
        where: { chainKey: text(event, "requestId") },
        data: { status: "OPEN", settledAt: null, feeRecipient: null },
      });
    },
  },
  Withdrawn: {
    apply: (tx, event) =>
      recordPayout(tx, event, text(event, "account"), "WITHDRAWAL", text(event, "amount")),
    undo: deletePayouts,
  },
  RewardsWithdrawn: {
    apply: (tx, event) =>
      recordPayout(tx, event, text(event, "account"), "WITHDRAWAL", text(event, "amount")),
    undo: deletePayouts,
  },
};
