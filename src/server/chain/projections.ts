import type { DbTransaction } from "~/server/db";

/**
 * What each indexed event means for the database, and how to take it back when a reorg
 * removes the block it came from. Both must be idempotent: the indexer may re-read a range.
 */
export type IndexedEvent = {
  eventName: string;
  args: Record<string, string>;
  txHash: string;
  blockNumber: number;
};

type Projection = {
  apply(tx: DbTransaction, event: IndexedEvent): Promise<void>;
  undo(tx: DbTransaction, event: IndexedEvent): Promise<void>;
};

export const PROJECTIONS: Record<string, Projection> = {
  ListingCreated: {
    apply: async (tx, event) => {
      await tx.listing.updateMany({
        where: { chainKey: event.args.listingId },
        data: {
          anchorStatus: "CONFIRMED",
          anchorTxHash: event.txHash,
          anchorBlock: event.blockNumber,
        },
      });
    },
    undo: async (tx, event) => {
      await tx.listing.updateMany({
        where: { chainKey: event.args.listingId, anchorTxHash: event.txHash },
        data: { anchorStatus: "PENDING", anchorTxHash: null, anchorBlock: null },
      });
    },
  },
  TrialRegistered: {
    apply: async (tx, event) => {
      await tx.trial.updateMany({
        where: { chainKey: event.args.trialId },
        data: { anchorStatus: "CONFIRMED" },
      });
    },
    undo: async (tx, event) => {
      await tx.trial.updateMany({
        where: { chainKey: event.args.trialId },
        data: { anchorStatus: "PENDING" },
      });
    },
  },
};
