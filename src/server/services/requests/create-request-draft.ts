import "server-only";
import { formatUnits, keccak256, parseUnits, toUtf8Bytes } from "ethers";
import { newSalt, requestIdFor } from "~/server/chain/ids";
import type { DbClient } from "~/server/db";
import { AppError } from "~/server/errors";
import { PURPOSES, type PurposeKey } from "~/server/services/consent/purposes";
import { MAX_COHORT } from "~/shared/request-draft";

export { MAX_COHORT };

/**
 * A researcher's cohort request before it is signed: the listings (published and anchored),
 * sorted by on-chain id as the contract requires, the purpose, the research plan (its hash
 * goes on chain) and the access period.
 */
export async function createRequestDraft(options: {
  db: DbClient;
  researcherId: string;
  input: {
    listingIds: string[];
    purpose: PurposeKey;
    planText: string;
    planDocumentId?: string;
    accessDays: number;
    /** The most the researcher will escrow (tokens); the current total when not given. */
    maxTotal?: string;
  };
}) {
  const { db, input } = options;
  const ids = [...new Set(input.listingIds)];
  if (ids.length === 0 || ids.length > MAX_COHORT)
    throw new AppError("BAD_INPUT", `A request names 1 to ${MAX_COHORT} listings.`);
  const researcher = await db.user.findUnique({
    where: { id: options.researcherId },
    select: { walletAddress: true },
  });
  if (!researcher) throw new AppError("NOT_FOUND", "Your account no longer exists; sign in again.");
  const listings = await db.listing.findMany({
    where: { id: { in: ids }, status: "ACTIVE", anchorStatus: "CONFIRMED" },
    select: { id: true, chainKey: true, priceWei: true },
  });
  if (listings.length !== ids.length) {
    throw new AppError(
      "BAD_INPUT",
      `${ids.length - listings.length} of the chosen listings are not available (unknown, unlisted or not yet anchored).`,
    );
  }
  listings.sort((a, b) => (BigInt(a.chainKey) < BigInt(b.chainKey) ? -1 : 1));
  const purpose = PURPOSES.findIndex((candidate) => candidate.key === input.purpose);
  let planHash = keccak256(toUtf8Bytes(input.planText));
  if (input.planDocumentId) {
    const document = await db.researchPlan.findUnique({
      where: { id: input.planDocumentId },
      select: { researcherId: true, hash: true },
    });
    if (document?.researcherId !== options.researcherId)
      throw new AppError("NOT_FOUND", "No research plan of yours has this id.");
    // The document is the plan: its hash is what goes on chain; the text is its summary.
    planHash = document.hash;
  }
  const chainSalt = newSalt();
  const total = listings.reduce((sum, listing) => sum + BigInt(listing.priceWei.toFixed(0)), 0n);
  const maxTotal = input.maxTotal ? parseUnits(input.maxTotal, 18) : total;
  if (maxTotal < total)
    throw new AppError(
      "BAD_INPUT",
      `These listings cost ${formatUnits(total, 18)} TSR now, more than your maximum of ${input.maxTotal} TSR.`,
    );
  return db.accessRequest.create({
    data: {
      chainKey: requestIdFor(researcher.walletAddress, chainSalt),
      chainSalt,
      researcherId: options.researcherId,
      purpose,
      planHash,
      planDocumentId: input.planDocumentId ?? null,
      planSummary: input.planText.slice(0, 2_000),
      totalWei: total.toString(),
      maxTotalWei: maxTotal.toString(),
      accessUntil: new Date(Date.now() + input.accessDays * 24 * 60 * 60 * 1000),
      items: {
        create: listings.map((listing, itemIndex) => ({
          listingId: listing.id,
          itemIndex,
          priceWei: listing.priceWei,
        })),
      },
    },
    select: { id: true },
  });
}
