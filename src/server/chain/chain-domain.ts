import "server-only";
import type { DbClient } from "~/server/db";
import type { Chain } from "./client";
import type { Projection } from "./indexed-event";
import type { OutboxWorkerOptions } from "./outbox-worker";

/**
 * Everything the chain layer's workers need from the domain, handed to them (imports point
 * down: this layer never imports a service). src/server/chain-domain.ts, the composition
 * root beside boot.ts, builds the one the app runs with.
 */
export type ChainDomain = {
  /** The outbox's callbacks: a write that failed for good, a user's failed forward. */
  outbox: Pick<OutboxWorkerOptions, "onFailed" | "onForwardFailed">;
  /** What each indexed event means for the domain's rows. */
  projections: Record<string, Projection>;
  /** Told which events the indexer read (the catalogue clears its cache). */
  onEventsRead?: (eventNames: ReadonlySet<string>) => void;
  /** Domain work that comes due with time and queues chain writes; returns how many. */
  queueDueWrites: (db: DbClient, chain: Chain) => Promise<number>;
};
