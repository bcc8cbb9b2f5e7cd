import type { DbClient } from "~/server/db";
import { OUTBOX_HOOKS } from "~/server/services/outbox-handlers";
import { enqueueDueSettlements } from "~/server/services/requests/settle-requests";
import type { Chain } from "./client";
import { createIndexer } from "./indexer";
import { createOutboxWorker } from "./outbox-worker";

/**
 * Runs the outbox, the indexer and the settlement job in turn until none has anything left
 * to do: what the background workers do over time, done now. Used by the demo seed (each step
 * needs the previous one on chain) and by the integration tests (deterministic, no timers).
 */
export function createChainDrain(options: { db: DbClient; chain: Chain; confirmations?: number }) {
  const { db, chain } = options;
  const getChain = () => Promise.resolve(chain);
  const outbox = createOutboxWorker({ db, getChain, ...OUTBOX_HOOKS });
  const indexer = createIndexer({ db, getChain, confirmations: options.confirmations ?? 0 });

  async function drain(maxRounds = 50): Promise<void> {
    for (let round = 0; round < maxRounds; round += 1) {
      const sent = await outbox.tick();
      const indexed = await indexer.tick();
      const settlements = await enqueueDueSettlements(db, chain);
      if (sent === 0 && indexed === 0 && settlements === 0) return;
    }
    throw new Error(`The chain work did not settle in ${maxRounds} rounds`);
  }

  async function release(): Promise<void> {
    await Promise.all([outbox.release(), indexer.release()]);
  }

  return { drain, release, outbox, indexer };
}
