import { formatUnits } from "ethers";
import { LISTING_PROJECTIONS } from "./projections-listings";
import { REQUEST_PROJECTIONS } from "./projections-requests";
import { TRIAL_PROJECTIONS } from "./projections-trials";
import type { Projection } from "./projection-helpers";

/**
 * What each indexed event means for the database, and how to take it back when a reorg
 * removes its block. Events are applied once (the indexer skips events it has stored), in
 * chain order; undo runs newest first. Rows keyed by on-chain ids (chainKey) tie the two.
 */
export type { EventArg, IndexedEvent } from "./projection-helpers";

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
  ...TRIAL_PROJECTIONS,
  ...LISTING_PROJECTIONS,
  ...REQUEST_PROJECTIONS,
};

/** Token amounts for people: 18 decimals, trailing zeros dropped. */
export function formatTokens(wei: string | bigint): string {
  return formatUnits(wei, 18).replace(/\.0$/, "");
}
