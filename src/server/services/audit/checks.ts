import Papa from "papaparse";
import type { Chain } from "~/server/chain/client";
import { computeDataRoot, hashRecord, StreamingDataRoot } from "~/server/integrity/merkle";
import { isBefore, type ChainRecord } from "./chain-history";

/**
 * The four audit checks. Each returns pass/fail with evidence; failures name the listing,
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
  /** The listing's stored (de-identified) file, decrypted, or null when missing. */
  readData: () => Promise<string | null>;
};

const lower = (value: unknown) => String(value).toLowerCase();

/** 1. Integrity: the stored file of every listing still hashes to its anchored root. */
export async function checkIntegrity(
  chain: Chain,
  listings: AuditedListing[],
): Promise<CheckResult> {
  const failures: string[] = [];
  let records = 0;
  for (const listing of listings) {
    const [, anchoredRoot] = await chain.contracts.marketplace.getListing(listing.chainKey);
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
    evidence: { listings: listings.length, records },
    failures,
  };
}

/** 2. Consent: every data use happened while consent was in force and allowed the purpose. */
export function checkConsent(
  history: ChainRecord[],
  listingKeys: Set<string>,
  databaseUses: { id: string; listingKey: string; txHash: string | null }[],
): CheckResult {
  const failures: string[] = [];
  const purposeOf = new Map(
    history
      .filter((event) => event.name === "AccessRequested")
      .map((event) => [lower(event.args.requestId), Number(event.args.purpose)]),
  );
  const uses = history.filter(
    (event) => event.name === "DataUseRecorded" && listingKeys.has(lower(event.args.listingId)),
  );
  for (const use of uses) {
    const listing = lower(use.args.listingId);
    const earlier = history.filter(
      (event) => lower(event.args.listingId) === listing && isBefore(event, use),
    );
    const lastGrant = [...earlier].reverse().find((event) => event.name === "ConsentGranted");
    const revokedAfterGrant =
      lastGrant &&
      earlier.some((event) => event.name === "ConsentRevoked" && isBefore(lastGrant, event));
    const purpose = purposeOf.get(lower(use.args.requestId));
    const where = `data use in ${use.txHash} (listing ${listing})`;
    if (!lastGrant) failures.push(`${where}: no consent was ever granted`);
    else if (revokedAfterGrant) failures.push(`${where}: consent had been revoked`);
    else if (Number(lastGrant.args.expiresAt) * 1000 <= use.time.getTime())
      failures.push(`${where}: consent had expired`);
    else if (purpose === undefined || ((Number(lastGrant.args.purposes) >> purpose) & 1) !== 1)
      failures.push(`${where}: the request's purpose was not allowed`);
  }
  // A use claimed in the database but never recorded on chain is not a use anyone consented to.
  const onChain = new Set(uses.map((use) => `${use.txHash}|${lower(use.args.listingId)}`));
  for (const use of databaseUses) {
    if (!use.txHash || !onChain.has(`${use.txHash}|${use.listingKey.toLowerCase()}`))
      failures.push(`data use ${use.id} in the database has no matching on-chain record`);
  }
  return {
    name: "consent",
    passed: failures.length === 0,
    evidence: { dataUsesOnChain: uses.length, dataUsesInDatabase: databaseUses.length },
    failures,
  };
}

/** 3. Money: each settled request balances, and the marketplace holds exactly what it owes. */
export async function checkMoney(chain: Chain, history: ChainRecord[]): Promise<CheckResult> {
  const failures: string[] = [];
  let openEscrow = 0n;
  let owed = 0n;
  const settled = new Map(
    history
      .filter((event) => event.name === "RequestSettled")
      .map((event) => [lower(event.args.requestId), event]),
  );
  for (const request of history.filter((event) => event.name === "AccessRequested")) {
    const escrowed = BigInt(request.args.escrowed as bigint);
    const settlement = settled.get(lower(request.args.requestId));
    if (!settlement) {
      openEscrow += escrowed;
      continue;
    }
    const credited = BigInt(settlement.args.credited as bigint);
    const refunded = BigInt(settlement.args.refunded as bigint);
    const fee = BigInt(settlement.args.fee as bigint);
    if (credited + refunded + fee !== escrowed)
      failures.push(
        `request ${lower(request.args.requestId)}: escrowed ${escrowed} but credited ${credited} + refunded ${refunded} + fee ${fee}`,
      );
    owed += credited + refunded + fee;
  }
  for (const withdrawal of history.filter((event) => event.name === "Withdrawn"))
    owed -= BigInt(withdrawal.args.amount as bigint);
  const held = await chain.contracts.token.balanceOf(chain.deployment.contracts.DataMarketplace);
  if (held !== openEscrow + owed)
    failures.push(
      `the marketplace holds ${held} but owes ${openEscrow} in escrow and ${owed} in unwithdrawn credits`,
    );
  return {
    name: "money",
    passed: failures.length === 0,
    evidence: {
      held: held.toString(),
      openEscrow: openEscrow.toString(),
      unwithdrawnCredits: owed.toString(),
    },
    failures,
  };
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
