import "server-only";
import type { ChainDomain } from "~/server/chain/chain-domain";
import type { Chain } from "~/server/chain/client";
import { createChainDrain } from "~/server/chain/drain";
import { startWorkers } from "~/server/chain/workers";
import type { DbClient } from "~/server/db";
import { enqueueDueAnalysisSettlements } from "~/server/services/analyses/settle-analyses";
import { sweepStaleAnalyses } from "~/server/services/analyses/sweep-stale-analyses";
import { invalidateCatalogue } from "~/server/services/listings/catalogue-cache";
import { OUTBOX_HOOKS } from "~/server/services/outbox-handlers";
import { CATALOGUE_EVENTS, PROJECTIONS } from "~/server/services/projections/projections";
import { enqueueDueSettlements } from "~/server/services/requests/settle-requests";

/**
 * The composition root of the chain work: the one place where the chain layer's workers
 * (outbox, indexer, drain) meet the domain's hooks, projections and due settlements. Boot,
 * the demo seed and the tests start the workers through here; the chain layer itself never
 * imports a service.
 */
const catalogueEvents: ReadonlySet<string> = new Set(CATALOGUE_EVENTS);

export const CHAIN_DOMAIN: ChainDomain = {
  outbox: OUTBOX_HOOKS,
  projections: PROJECTIONS,
  onEventsRead: (eventNames) => {
    if ([...eventNames].some((name) => catalogueEvents.has(name))) invalidateCatalogue();
  },
  queueDueWrites: async (db, chain) => {
    // Analyses cut off by a crash before their seal hand their ε back; no chain write follows.
    await sweepStaleAnalyses({ db });
    return (
      (await enqueueDueSettlements(db, chain)) + (await enqueueDueAnalysisSettlements(db, chain))
    );
  },
};

/** The background workers of an app process, with the domain wired in. */
export function startChainWorkers() {
  return startWorkers(CHAIN_DOMAIN);
}

/** Chain work done now, step by step (seed, tests), with the domain wired in. */
export function createDomainChainDrain(options: {
  db: DbClient;
  chain: Chain;
  confirmations?: number;
}) {
  return createChainDrain({ ...options, domain: CHAIN_DOMAIN });
}
