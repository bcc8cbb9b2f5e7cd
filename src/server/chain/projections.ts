import { formatUnits } from "ethers";
import type { DbTransaction } from "~/server/db";
import type { PayoutKind } from "~/server/generated/prisma/enums";

/**
 * What each indexed event means for the database, and how to take it back when a reorg
 * removes its block. Events are applied once (the indexer skips events it has stored), in
 * chain order; undo runs newest first. Rows keyed by on-chain ids (chainKey) tie the two.
 */
export type EventArg = string | boolean | EventArg[];

export type IndexedEvent = {
  eventId: bigint;
  eventName: string;
  args: Record<string, EventArg>;
  txHash: string;
  blockNumber: number;
  logIndex: number;
  blockTime: Date;
};

type Projection = {
  apply(tx: DbTransaction, event: IndexedEvent): Promise<void>;
  undo?(tx: DbTransaction, event: IndexedEvent): Promise<void>;
};

const text = (event: IndexedEvent, name: string) => String(event.args[name]);
const list = (event: IndexedEvent, name: string) => (event.args[name] as EventArg[]).map(String);
const ITEM_STATUS = ["EXCLUDED", "PENDING", "APPROVED", "REJECTED"] as const;

/**
 * The user behind an account: their wallet, or an account derived from it for one enrolment
 * or listing (services/users/derived-accounts.ts).
 */
async function userIdOf(tx: DbTransaction, account: string): Promise<string | null> {
  const address = account.toLowerCase();
  const user = await tx.user.findUnique({
    where: { walletAddress: address },
    select: { id: true },
  });
  if (user) return user.id;
  const derived = await tx.derivedAccount.findUnique({
    where: { address },
    select: { userId: true },
  });
  return derived?.userId ?? null;
}

async function recordPayout(
  tx: DbTransaction,
  event: IndexedEvent,
  wallet: string,
  kind: PayoutKind,
  amount: string,
  links: { requestId?: string; listingId?: string } = {},
) {
  const userId = await userIdOf(tx, wallet);
  if (!userId || amount === "0") return;
  await tx.payout.create({
    data: {
      userId,
      kind,
      amountWei: amount,
      txHash: event.txHash,
      eventId: event.eventId,
      createdAt: event.blockTime,
      ...links,
    },
  });
}

const deletePayouts: Projection["undo"] = async (tx, event) => {
  await tx.payout.deleteMany({ where: { eventId: event.eventId } });
};

/** Events that change what the catalogue shows: its cache is cleared when one is applied. */
export const CATALOGUE_EVENTS = [
  "ListingCreated",
  "ConsentGranted",
  "ConsentRevoked",
  "ConsentSuspended",
  "TrialConsentsEnded",
  "ListingPriceUpdated",
  "ListingUnlisted",
  "DataReanchored",
] as const;

export const PROJECTIONS: Record<string, Projection> = {
  TrialRegistered: {
    apply: async (tx, event) => {
      await tx.trial.updateMany({
        where: { chainKey: text(event, "trialId") },
        data: { anchorStatus: "CONFIRMED" },
      });
    },
    undo: async (tx, event) => {
      await tx.trial.updateMany({
        where: { chainKey: text(event, "trialId") },
        data: { anchorStatus: "PENDING" },
      });
    },
  },
  ProtocolAmended: {
    apply: async (tx, event) => {
      const version = Number(text(event, "version"));
      const trial = await tx.trial.findUnique({
        where: { chainKey: text(event, "trialId") },
        select: { id: true },
      });
      if (!trial) return;
      await tx.trial.update({ where: { id: trial.id }, data: { currentVersion: version } });
      await tx.protocolVersion.upsert({
        where: { trialId_version: { trialId: trial.id, version } },
        create: {
          trialId: trial.id,
          version,
          documentHash: text(event, "protocolHash"),
          documentName: `protocol v${version}`,
        },
        update: { documentHash: text(event, "protocolHash") },
      });
    },
  },
  Enrolled: {
    apply: async (tx, event) => {
      await tx.enrollment.updateMany({
        where: { subjectCommitment: text(event, "subjectCommitment") },
        data: {
          anchorStatus: "CONFIRMED",
          anchorTxHash: event.txHash,
          protocolVersion: Number(text(event, "protocolVersion")),
          status: "ACTIVE",
        },
      });
      // The invitation is spent; its key is no longer needed to show the link.
      await tx.trialInvitation.updateMany({
        where: { invitationKey: text(event, "invitationKey").toLowerCase() },
        data: {
          status: "REDEEMED",
          redeemedAt: event.blockTime,
          redeemTxHash: event.txHash,
          keyCipher: null,
        },
      });
    },
    undo: async (tx, event) => {
      await tx.enrollment.updateMany({
        where: { subjectCommitment: text(event, "subjectCommitment") },
        data: { anchorStatus: "PENDING", anchorTxHash: null },
      });
      await tx.trialInvitation.updateMany({
        where: { invitationKey: text(event, "invitationKey").toLowerCase() },
        data: { status: "OPEN", redeemedAt: null, redeemTxHash: null },
      });
    },
  },
  InvitationRevoked: {
    apply: async (tx, event) => {
      await tx.trialInvitation.updateMany({
        where: { invitationKey: text(event, "invitationKey").toLowerCase(), status: "OPEN" },
        data: { status: "REVOKED", keyCipher: null },
      });
    },
    undo: async (tx, event) => {
      await tx.trialInvitation.updateMany({
        where: { invitationKey: text(event, "invitationKey").toLowerCase(), status: "REVOKED" },
        data: { status: "OPEN" },
      });
    },
  },
  Reconsented: {
    apply: async (tx, event) => {
      const [trial, userId] = await Promise.all([
        tx.trial.findUnique({ where: { chainKey: text(event, "trialId") }, select: { id: true } }),
        userIdOf(tx, text(event, "participant")),
      ]);
      if (!trial || !userId) return;
      await tx.enrollment.updateMany({
        where: { trialId: trial.id, participantId: userId },
        data: { protocolVersion: Number(text(event, "protocolVersion")) },
      });
    },
  },
  EnrollmentWithdrawn: {
    apply: async (tx, event) => {
      const [trial, userId] = await Promise.all([
        tx.trial.findUnique({ where: { chainKey: text(event, "trialId") }, select: { id: true } }),
        userIdOf(tx, text(event, "participant")),
      ]);
      if (!trial || !userId) return;
      await tx.enrollment.updateMany({
        where: { trialId: trial.id, participantId: userId },
        data: { status: "WITHDRAWN", withdrawnAt: event.blockTime },
      });
    },
  },
  RewardCredited: {
    apply: (tx, event) =>
      recordPayout(
        tx,
        event,
        text(event, "participant"),
        "ENROLLMENT_REWARD",
        text(event, "amount"),
      ),
    undo: deletePayouts,
  },
  ListingCreated: {
    apply: async (tx, event) => {
      await tx.listing.updateMany({
        where: { chainKey: text(event, "listingId") },
        data: {
          anchorStatus: "CONFIRMED",
          anchorTxHash: event.txHash,
          anchorBlock: event.blockNumber,
        },
      });
    },
    undo: async (tx, event) => {
      await tx.listing.updateMany({
        where: { chainKey: text(event, "listingId"), anchorTxHash: event.txHash },
        data: { anchorStatus: "PENDING", anchorTxHash: null, anchorBlock: null },
      });
    },
  },
  ConsentGranted: {
    apply: async (tx, event) => {
      const listing = await tx.listing.findUnique({
        where: { chainKey: text(event, "listingId") },
        select: { id: true },
      });
      if (!listing) return;
      const protocolVersion = Number(text(event, "protocolVersion"));
      await tx.consentTerms.updateMany({
        where: { listingId: listing.id },
        data: {
          purposes: Number(text(event, "purposes")),
          expiresAt: new Date(Number(text(event, "expiresAt")) * 1000),
          autoApprove: event.args.autoApprove === true,
          termsHash: text(event, "termsHash"),
          protocolVersion: protocolVersion === 0 ? null : protocolVersion,
          epoch: Number(text(event, "epoch")),
          revokedAt: null,
          suspendedAt: null,
        },
      });
    },
  },
  ConsentRevoked: {
    apply: async (tx, event) => {
      await tx.consentTerms.updateMany({
        where: { listing: { chainKey: text(event, "listingId") } },
        data: { revokedAt: event.blockTime },
      });
    },
    undo: async (tx, event) => {
      await tx.consentTerms.updateMany({
        where: { listing: { chainKey: text(event, "listingId") } },
        data: { revokedAt: null },
      });
    },
  },
  ConsentSuspended: {
    apply: async (tx, event) => {
      await tx.consentTerms.updateMany({
        where: { listing: { chainKey: text(event, "listingId") } },
        data: { suspendedAt: event.blockTime },
      });
    },
    undo: async (tx, event) => {
      await tx.consentTerms.updateMany({
        where: { listing: { chainKey: text(event, "listingId") } },
        data: { suspendedAt: null },
      });
    },
  },
  ListingPriceUpdated: {
    apply: async (tx, event) => {
      await tx.listing.updateMany({
        where: { chainKey: text(event, "listingId") },
        data: { priceWei: text(event, "price") },
      });
    },
  },
  ListingUnlisted: {
    apply: async (tx, event) => {
      await tx.listing.updateMany({
        where: { chainKey: text(event, "listingId") },
        data: { status: "UNLISTED" },
      });
    },
    undo: async (tx, event) => {
      await tx.listing.updateMany({
        where: { chainKey: text(event, "listingId") },
        data: { status: "ACTIVE" },
      });
    },
  },
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

/** Token amounts for people: 18 decimals, trailing zeros dropped. */
export function formatTokens(wei: string | bigint): string {
  return formatUnits(wei, 18).replace(/\.0$/, "");
}
