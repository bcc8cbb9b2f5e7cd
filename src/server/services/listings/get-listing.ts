import "server-only";
import type { Chain } from "~/server/chain/client";
import type { DbClient } from "~/server/db";
import { AppError } from "~/server/errors";
import type { SessionUser } from "~/server/session";
import { PURPOSES } from "~/server/services/consent/purposes";
import { listingSelect, toListingDto } from "./listing-dto";

/**
 * One listing with its on-chain state re-read from the contract (never only from the
 * database): owner, data root, terms hash and whether consent is in force are compared with
 * what we hold. Owners see their drafts; other roles see published listings; participants see
 * only theirs.
 */
export async function getListing(options: {
  db: DbClient;
  getChain: () => Promise<Chain>;
  viewer: SessionUser;
  listingId: string;
}) {
  const { db, viewer } = options;
  const row = await db.listing.findUnique({
    where: { id: options.listingId },
    select: {
      ...listingSelect,
      report: true,
      reportHash: true,
      ownerAddress: true,
      owner: { select: { displayName: true, walletAddress: true } },
    },
  });
  const isOwner = row?.ownerId === viewer.id;
  const isVisible = row && (isOwner || (viewer.role !== "PARTICIPANT" && row.status !== "DRAFT"));
  if (!row || !isVisible)
    throw new AppError("NOT_FOUND", "There is no listing with this id that you can see.");

  const outbox = await db.chainOutbox.findFirst({
    where: { entityId: row.id, kind: { startsWith: "listing." } },
    orderBy: { id: "desc" },
    select: { kind: true, status: true, txHash: true, lastError: true },
  });
  const chain = await readAnchor(options.getChain, row.chainKey);
  const anchoredReportHash =
    row.anchorStatus === "CONFIRMED" ? await readReportHash(options.getChain, row.chainKey) : null;
  return {
    ...toListingDto(row, viewer.id),
    report: row.report ?? null,
    reportHash: row.reportHash,
    chain: {
      isReachable: chain !== null,
      isAnchored: chain?.status === 1n || chain?.status === 2n,
      ownerMatches:
        chain?.owner.toLowerCase() === (row.ownerAddress ?? row.owner.walletAddress).toLowerCase(),
      dataRootMatches: chain?.dataRoot === row.dataRoot,
      termsHashMatches: chain?.termsHash === row.consent?.termsHash,
      reportHashMatches: anchoredReportHash !== null && anchoredReportHash === row.reportHash,
      isPermittedOnChain: chain?.isConsentInForce ?? false,
      permittedPurposes: chain?.permittedPurposes ?? [],
      outbox: outbox ? { ...outbox, lastError: isOwner ? outbox.lastError : null } : null,
    },
  };
}

async function readAnchor(getChain: () => Promise<Chain>, chainKey: string) {
  try {
    const chain = await getChain();
    // In force: not revoked, not expired, and for a listing linked to a trial, its owner still
    // enrolled and consented to the trial's current protocol (the contract says which).
    const [[owner, dataRoot, , status], [terms, , , isConsentInForce]] = await Promise.all([
      chain.contracts.marketplace.getListing(chainKey),
      chain.contracts.marketplace.consentOf(chainKey),
    ]);
    const permitted = await Promise.all(
      PURPOSES.map((_purpose, bit) => chain.contracts.marketplace.isPermitted(chainKey, bit)),
    );
    const permittedPurposes = PURPOSES.filter((_purpose, bit) => permitted[bit]).map(
      (purpose) => purpose.key,
    );
    return {
      owner,
      dataRoot,
      termsHash: terms.termsHash,
      status,
      isConsentInForce,
      permittedPurposes,
    };
  } catch {
    return null;
  }
}

/** The report hash is only in the ListingCreated event: read it from the chain's logs. */
async function readReportHash(
  getChain: () => Promise<Chain>,
  chainKey: string,
): Promise<string | null> {
  try {
    const chain = await getChain();
    const marketplace = chain.contracts.marketplace;
    const [event] = await marketplace.queryFilter(
      marketplace.filters.ListingCreated(chainKey),
      chain.deployment.startBlock,
    );
    return event?.args.reportHash ?? null;
  } catch {
    return null;
  }
}
