import "server-only";
import Papa from "papaparse";
import type { Chain } from "~/server/chain/client";
import { computeDataRoot, hashRecord, StreamingDataRoot } from "~/server/integrity/merkle";
import type { ChainRecord } from "./chain-history";

export { checkConsent, checkMoney } from "./consent-money-checks";

/**
 * The audit checks (the fifth, analyses, is in analysis-checks.ts). Each returns pass/fail with evidence; failures name the listing,
 * record, request or data use concerned.
 */
export type CheckResult = {
  name: string;
  passed: boolean;
  evidence: Record<string, unknown>;
  failures: string[];
};

export type AuditedListing = {
  id: string;
  chainKey: string;
  title: string;
  recordHashes: string[] | null;
  /** When its owner erased it (its data destroyed on purpose), or null. */
  erasedAt: Date | null;
  /** The listing's stored (de-identified) file, decrypted, or null when missing. */
  readData: () => Promise<string | null>;
};

const lower = (value: unknown) => String(value).toLowerCase();

/** 1. Integrity: the stored file of every listing still hashes to its anchored root. */
export async function checkIntegrity(
  chain: Chain,
  listings: AuditedListing[],
  history: ChainRecord[],
): Promise<CheckResult> {
  const failures: string[] = [];
  const erased: string[] = [];
  let records = 0;
  for (const listing of listings) {
    const [, anchoredRoot, , status] = await chain.contracts.marketplace.getListing(
      listing.chainKey,
    );
    if (listing.erasedAt) {
      // An erasure destroys the data on purpose; it counts only if the chain shows the listing
      // withdrawn too, so "erased" cannot be used to hide a changed file of a listing in use.
      const problem = erasureProblem(listing.chainKey, status, history);
      if (problem) failures.push(`listing ${listing.id}: erased by its owner, but ${problem}`);
      else
        erased.push(
          `listing ${listing.id} (${listing.chainKey}) erased by its owner on ${listing.erasedAt.toISOString()}: consent revoked and unlisted on chain, data destroyed`,
        );
      continue;
    }
    const text = await listing.readData();
    if (text === null) {
      failures.push(`listing ${listing.id} (${listing.title}): its data file is missing`);
      continue;
    }
    const rows = Papa.parse<Record<string, string>>(text, {
      header: true,
      skipEmptyLines: "greedy",
    }).data;
    records += rows.length;
    if (rows.length > 0 && computeDataRoot(rows) === anchoredRoot) continue;
    // Locate the damage with the hash list, but only if the list itself matches the anchor.
    const hashes = listing.recordHashes;
    const list = new StreamingDataRoot();
    for (const hash of hashes ?? []) list.addHash(hash);
    if (!hashes || hashes.length === 0 || list.root() !== anchoredRoot) {
      failures.push(
        `listing ${listing.id} (${listing.title}): data does not match the anchored root ${anchoredRoot}, and no trusted record list locates the change`,
      );
      continue;
    }
    const found = rows.map((row) => hashRecord(row));
    const details: string[] = [];
    for (let index = 0; index < Math.max(found.length, hashes.length); index += 1) {
      if (index >= found.length) details.push(`record ${index} removed`);
      else if (index >= hashes.length) details.push(`record ${index} added`);
      else if (found[index] !== hashes[index])
        details.push(
          hashes.includes(found[index]!) ? `record ${index} moved` : `record ${index} modified`,
        );
    }
    failures.push(
      `listing ${listing.id} (${listing.title}): ${details.slice(0, 20).join(", ")}${details.length > 20 ? ` and ${details.length - 20} more` : ""}`,
    );
  }
  return {
    name: "integrity",
    passed: failures.length === 0,
    evidence: { listings: listings.length, records, erased },
    failures,
  };
}

const LISTING_UNLISTED = 2n;

/** Why an erased listing is not withdrawn on chain, or null when it is. */
function erasureProblem(chainKey: string, status: bigint, history: ChainRecord[]): string | null {
  const key = chainKey.toLowerCase();
  const consentEvents = history.filter(
    (event) =>
      (event.name === "ConsentGranted" || event.name === "ConsentRevoked") &&
      lower(event.args.listingId) === key,
  );
  if (consentEvents.length > 0 && consentEvents.at(-1)!.name !== "ConsentRevoked")
    return "its consent is still granted on chain (the revocation is not confirmed yet)";
  if (status !== LISTING_UNLISTED) return "it is still listed on chain (not unlisted yet)";
  return null;
}

/** 4. Database versus chain: the same listings, requests and data uses on both sides. */
export function checkDatabase(
  history: ChainRecord[],
  database: {
    listings: { id: string; chainKey: string; dataRoot: string; anchored: boolean }[];
    requests: { id: string; chainKey: string; anchored: boolean }[];
  },
): CheckResult {
  const failures: string[] = [];
  const created = new Map(
    history
      .filter((event) => event.name === "ListingCreated")
      .map((event) => [lower(event.args.listingId), event]),
  );
  const requested = new Set(
    history
      .filter((event) => event.name === "AccessRequested")
      .map((event) => lower(event.args.requestId)),
  );
  for (const listing of database.listings.filter((candidate) => candidate.anchored)) {
    const event = created.get(listing.chainKey.toLowerCase());
    if (!event)
      failures.push(
        `listing ${listing.id} is anchored in the database but has no ListingCreated event`,
      );
    else if (lower(event.args.dataRoot) !== listing.dataRoot.toLowerCase())
      failures.push(`listing ${listing.id}: the database root differs from the anchored one`);
  }
  const listingKeys = new Set(database.listings.map((listing) => listing.chainKey.toLowerCase()));
  for (const key of created.keys())
    if (!listingKeys.has(key))
      failures.push(`listing ${key} exists on chain but not in the database`);
  for (const request of database.requests.filter((candidate) => candidate.anchored)) {
    if (!requested.has(request.chainKey.toLowerCase()))
      failures.push(
        `request ${request.id} is confirmed in the database but has no AccessRequested event`,
      );
  }
  const requestKeys = new Set(database.requests.map((request) => request.chainKey.toLowerCase()));
  for (const key of requested)
    if (!requestKeys.has(key))
      failures.push(`request ${key} exists on chain but not in the database`);
  return {
    name: "database",
    passed: failures.length === 0,
    evidence: { listings: database.listings.length, requests: database.requests.length },
    failures,
  };
}
