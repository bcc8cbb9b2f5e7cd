import "server-only";
import type { Projection } from "~/server/chain/indexed-event";
import { ANALYSIS_PROJECTIONS } from "./analyses";
import { LISTING_PROJECTIONS } from "./listings";
import { REQUEST_PROJECTIONS } from "./requests";
import { TRIAL_PROJECTIONS } from "./trials";

/**
 * What each indexed event means for the database, and how to take it back when a reorg
 * removes its block. Events are applied once (the indexer skips events it has stored), in
 * chain order; undo runs newest first. Rows keyed by on-chain ids (chainKey) tie the two.
 * The indexer (src/server/chain/indexer.ts) is handed these by src/server/chain-domain.ts.
 */
export const PROJECTIONS: Record<string, Projection> = {
  ...TRIAL_PROJECTIONS,
  ...LISTING_PROJECTIONS,
  ...REQUEST_PROJECTIONS,
  ...ANALYSIS_PROJECTIONS,
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
