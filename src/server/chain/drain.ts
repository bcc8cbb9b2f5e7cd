import "server-only";
import type { DbClient } from "~/server/db";
import type { ChainDomain } from "./chain-domain";
import type { Chain } from "./client";
import { createIndexer } from "./indexer";
import { createOutboxWorker } from "./outbox-worker";

/**
 * Runs the outbox, the indexer and the domain's due writes (settlements) in turn until none
 * has anything left to do: what the background workers do over time, done now. Used by the
 * demo seed (each step needs the previous one on chain) and by the integration tests
 * (deterministic, no timers), through src/server/chain-domain.ts.
 */
export function createChainDrain(options: {
  db: DbClient;
  chain: Chain;
  domain: ChainDomain;
  confirmations?: number;
}) {
  const { db, chain, domain } = options;
  const getChain = () => Promise.resolve(chain);
  const outbox = createOutboxWorker({ db, getChain, ...domain.outbox });
  const indexer = createIndexer({
    db,
    getChain,
    confirmations: options.confirmations ?? 0,
    projections: domain.projections,
    onEventsRead: domain.onEventsRead,
  });

  async function drain(maxRounds = 50): Promise<void> {
    for (let round = 0; round < maxRounds; round += 1) {
      const sent = await outbox.tick();
      const indexed = await indexer.tick();
      const queued = await domain.queueDueWrites(db, chain);
      if (sent === 0 && indexed === 0 && queued === 0) return;
    }
    throw new Error(`The chain work did not settle in ${maxRounds} rounds`);
  }

  async function release(): Promise<void> {
    await Promise.all([outbox.release(), indexer.release()]);
  }

  return { drain, release, outbox, indexer };
}
