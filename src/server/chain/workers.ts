import "server-only";
import { getEnv } from "~/env";
import { getDb } from "~/server/db";
import { describeError, logger } from "~/server/logger";
import type { ChainDomain } from "./chain-domain";
import { getChain } from "./client";
import { createIndexer } from "./indexer";
import { createOutboxWorker } from "./outbox-worker";

/**
 * Runs the outbox worker and the indexer as self-rescheduling loops in this process. Several
 * processes may run them at once: leases in the database decide who works each tick.
 */
export type Workers = { stop(): Promise<void> };

function loop(name: string, intervalMs: number, tick: () => Promise<number>) {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let isStopped = false;
  const schedule = (delay: number) => {
    if (isStopped) return;
    timer = setTimeout(() => {
      running = tick()
        .then((touched) => schedule(touched > 0 ? 0 : intervalMs))
        .catch((error: unknown) => {
          logger.warn(`${name} tick failed`, { error: describeError(error) });
          schedule(intervalMs);
        });
    }, delay);
  };
  schedule(0);
  return async () => {
    isStopped = true;
    clearTimeout(timer);
    await running;
  };
}

/** Started by the composition root (src/server/chain-domain.ts), which hands in the domain. */
export function startWorkers(domain: ChainDomain): Workers {
  const env = getEnv();
  const db = getDb();
  const outbox = createOutboxWorker({ db, getChain, ...domain.outbox });
  const indexer = createIndexer({
    db,
    getChain,
    confirmations: env.CHAIN_CONFIRMATIONS,
    projections: domain.projections,
    onEventsRead: domain.onEventsRead,
  });
  const stops = [
    loop("outbox", env.OUTBOX_POLL_MS, outbox.tick),
    loop("indexer", env.INDEXER_POLL_MS, indexer.tick),
    loop("settlements", env.INDEXER_POLL_MS, async () =>
      domain.queueDueWrites(db, await getChain()),
    ),
  ];
  logger.info("chain workers started", { outbox: outbox.holder, indexer: indexer.holder });
  return {
    stop: async () => {
      await Promise.all(stops.map((stop) => stop()));
      await Promise.all([outbox.release(), indexer.release()]);
    },
  };
}
