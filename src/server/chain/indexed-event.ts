import "server-only";
import type { DbTransaction } from "~/server/db";

/**
 * What the indexer hands the domain for each contract event it reads, and what the domain
 * hands back: a projection that applies the event to its rows, and takes it back when a reorg
 * removes its block. The projections themselves are the domain's
 * (src/server/services/projections/), given to the indexer by the composition root.
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

export type Projection = {
  apply(tx: DbTransaction, event: IndexedEvent): Promise<void>;
  undo?(tx: DbTransaction, event: IndexedEvent): Promise<void>;
};
