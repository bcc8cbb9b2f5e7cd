import "server-only";
import { isBefore, type ChainRecord } from "./chain-history";

/**
 * Consent epochs rebuilt from the logs alone, as an auditor would: each ConsentGranted starts an
 * epoch of its listing; the epoch ends at the listing's next ConsentGranted, its ConsentRevoked or
 * ConsentSuspended (the owner left the trial), or, for a listing linked to a trial, the trial's
 * TrialConsentsEnded (a protocol amendment). Requests are bound to the epoch in force when they
 * were made (docs/contracts.md).
 */
const ZERO_ID = `0x${"0".repeat(64)}`;
const lower = (value: unknown) => String(value).toLowerCase();

export type Epoch = { grant: ChainRecord; end: ChainRecord | null };

export function buildEpochIndex(history: ChainRecord[]) {
  const byListing = new Map<string, ChainRecord[]>();
  const amendmentsByTrial = new Map<string, ChainRecord[]>();
  for (const event of history) {
    if (event.name === "TrialConsentsEnded") {
      const trial = lower(event.args.trialId);
      amendmentsByTrial.set(trial, [...(amendmentsByTrial.get(trial) ?? []), event]);
    } else if (
      event.name === "ConsentGranted" ||
      event.name === "ConsentRevoked" ||
      event.name === "ConsentSuspended"
    ) {
      const listing = lower(event.args.listingId);
      byListing.set(listing, [...(byListing.get(listing) ?? []), event]);
    }
  }

  /** The epoch of `listing` in force at `at` (the last grant before it), or null. */
  function epochAt(
    listing: string,
    at: Pick<ChainRecord, "blockNumber" | "logIndex">,
  ): Epoch | null {
    const events = byListing.get(listing.toLowerCase()) ?? [];
    const grant = [...events]
      .reverse()
      .find((event) => event.name === "ConsentGranted" && isBefore(event, at));
    if (!grant) return null;
    const ends = events.filter((event) => isBefore(grant, event));
    const trial = lower(grant.args.trialId);
    if (trial !== ZERO_ID)
      ends.push(...(amendmentsByTrial.get(trial) ?? []).filter((event) => isBefore(grant, event)));
    ends.sort((a, b) => (isBefore(a, b) ? -1 : 1));
    return { grant, end: ends[0] ?? null };
  }

  return { epochAt };
}

/** Whether the epoch was still in force at `at`. */
export function isInForceAt(epoch: Epoch, at: Pick<ChainRecord, "blockNumber" | "logIndex">) {
  return epoch.end === null || isBefore(at, epoch.end);
}
