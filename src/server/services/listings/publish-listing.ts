import type { Chain } from "~/server/chain/client";
import type { ForwardRequestMessage, ForwardTypedData } from "~/server/chain/forward-request";
import type { DbClient } from "~/server/db";
import { AppError } from "~/server/errors";
import {
  enqueueSignedAction,
  prepareSignedAction,
  verifySignedAction,
  type ExpectedCall,
} from "~/server/services/signing/signed-action";

/** Gas the forwarder must pass on to createListing (~120k measured by bench:gas), with headroom. */
const CREATE_LISTING_GAS = 300_000n;

async function loadDraft(db: DbClient, listingId: string, userId: string) {
  const listing = await db.listing.findUnique({
    where: { id: listingId },
    select: {
      id: true,
      ownerId: true,
      status: true,
      chainSalt: true,
      dataRoot: true,
      priceWei: true,
      consent: {
        select: {
          termsHash: true,
          purposes: true,
          expiresAt: true,
          autoApprove: true,
          protocolVersion: true,
        },
      },
      owner: { select: { walletAddress: true, walletKeyCipher: true } },
    },
  });
  if (!listing || listing.ownerId !== userId) {
    throw new AppError("NOT_FOUND", "No listing of yours has this id.");
  }
  if (listing.status !== "DRAFT")
    throw new AppError("CONFLICT", "This listing is already published.");
  return listing;
}

function createListingCall(
  chain: Chain,
  listing: Awaited<ReturnType<typeof loadDraft>>,
): ExpectedCall {
  const consent = listing.consent;
  if (!consent)
    throw new AppError("CONFLICT", "This listing has no consent terms; create it again.");
  return {
    to: chain.deployment.contracts.DataMarketplace,
    gas: CREATE_LISTING_GAS,
    data: chain.contracts.marketplace.interface.encodeFunctionData("createListing", [
      listing.chainSalt,
      listing.dataRoot,
      listing.priceWei.toFixed(0),
      {
        purposes: consent.purposes,
        expiresAt: Math.floor(consent.expiresAt.getTime() / 1000),
        protocolVersion: consent.protocolVersion ?? 0,
        autoApprove: consent.autoApprove,
        termsHash: consent.termsHash,
      },
    ]),
  };
}

/** The EIP-712 request the owner signs to anchor the listing. */
export async function prepareListingSignature(options: {
  db: DbClient;
  chain: Chain;
  userId: string;
  listingId: string;
}): Promise<{ typedData: ForwardTypedData; signsInWallet: boolean }> {
  const listing = await loadDraft(options.db, options.listingId, options.userId);
  const typedData = await prepareSignedAction({
    db: options.db,
    chain: options.chain,
    signer: listing.owner.walletAddress,
    call: createListingCall(options.chain, listing),
  });
  return { typedData, signsInWallet: listing.owner.walletKeyCipher === null };
}

/**
 * Publishes a draft: the signed request must be exactly this listing's anchor by its owner;
 * the listing is marked published and the anchor queued in one transaction.
 */
export async function publishListing(options: {
  db: DbClient;
  chain: Chain;
  userId: string;
  listingId: string;
  request: ForwardRequestMessage;
  signature?: string;
}) {
  const { db, chain } = options;
  const listing = await loadDraft(db, options.listingId, options.userId);
  const signer = listing.owner.walletAddress;
  const signature = await verifySignedAction({
    db,
    chain,
    userId: options.userId,
    signer,
    call: createListingCall(chain, listing),
    request: options.request,
    signature: options.signature,
  });
  return db.$transaction(async (tx) => {
    const published = await tx.listing.updateMany({
      where: { id: listing.id, status: "DRAFT" },
      data: { status: "ACTIVE" },
    });
    if (published.count !== 1) throw new AppError("CONFLICT", "This listing is already published.");
    await enqueueSignedAction(tx, {
      chain,
      userId: options.userId,
      signer,
      kind: "listing.create",
      entityId: listing.id,
      request: options.request,
      signature,
    });
    return { id: listing.id, status: "ACTIVE" as const };
  });
}
