import { parseUnits } from "ethers";
import type { DbClient } from "~/server/db";
import { AppError } from "~/server/errors";
import type { ActionHandler } from "~/server/services/actions/action-plan";
import { TOKEN_DECIMALS } from "./listing-dto";

const ZERO_HASH = `0x${"0".repeat(64)}`;

/** Gas the forwarder passes on, from bench:gas with headroom. */
const GAS = { create: 300_000n, small: 150_000n };

async function ownListing(db: DbClient, userId: string, listingId: string) {
  const listing = await db.listing.findUnique({
    where: { id: listingId },
    select: {
      id: true,
      ownerId: true,
      status: true,
      chainKey: true,
      chainSalt: true,
      dataRoot: true,
      reportHash: true,
      priceWei: true,
      anchorStatus: true,
      consent: {
        select: {
          termsHash: true,
          purposes: true,
          expiresAt: true,
          autoApprove: true,
          protocolVersion: true,
          revokedAt: true,
        },
      },
    },
  });
  if (!listing || listing.ownerId !== userId)
    throw new AppError("NOT_FOUND", "No listing of yours has this id.");
  return listing;
}

function requireAnchored(listing: { status: string; anchorStatus: string }) {
  if (listing.status === "DRAFT") throw new AppError("CONFLICT", "Publish this listing first.");
  if (listing.anchorStatus !== "CONFIRMED")
    throw new AppError(
      "CONFLICT",
      "This listing is still being anchored on chain; try again in a moment.",
    );
}

export const publishListingAction: ActionHandler<{ listingId: string }> = {
  kind: "listing.create",
  roles: ["PARTICIPANT"],
  async plan({ db, chain, user }, { listingId }) {
    const listing = await ownListing(db, user.id, listingId);
    if (listing.status !== "DRAFT")
      throw new AppError("CONFLICT", "This listing is already published.");
    const consent = listing.consent;
    if (!consent)
      throw new AppError("CONFLICT", "This listing has no consent terms; create it again.");
    return {
      entityId: listing.id,
      call: {
        to: chain.deployment.contracts.DataMarketplace,
        gas: GAS.create,
        data: chain.contracts.marketplace.interface.encodeFunctionData("createListing", [
          listing.chainSalt,
          listing.dataRoot,
          listing.reportHash ?? ZERO_HASH,
          listing.priceWei.toFixed(0),
          {
            purposes: consent.purposes,
            expiresAt: Math.floor(consent.expiresAt.getTime() / 1000),
            protocolVersion: consent.protocolVersion ?? 0,
            autoApprove: consent.autoApprove,
            termsHash: consent.termsHash,
          },
        ]),
      },
      async apply(tx) {
        const published = await tx.listing.updateMany({
          where: { id: listing.id, status: "DRAFT" },
          data: { status: "ACTIVE", anchorStatus: "PENDING" },
        });
        if (published.count !== 1)
          throw new AppError("CONFLICT", "This listing is already published.");
        await tx.upload.updateMany({
          where: { listing: { id: listing.id } },
          data: { status: "PUBLISHED" },
        });
      },
    };
  },
};

export const revokeConsentAction: ActionHandler<{ listingId: string }> = {
  kind: "listing.revokeConsent",
  roles: ["PARTICIPANT"],
  async plan({ db, chain, user }, { listingId }) {
    const listing = await ownListing(db, user.id, listingId);
    requireAnchored(listing);
    if (listing.consent?.revokedAt)
      throw new AppError("CONFLICT", "Consent for this listing is already revoked.");
    return {
      entityId: listing.id,
      call: {
        to: chain.deployment.contracts.DataMarketplace,
        gas: GAS.small,
        data: chain.contracts.marketplace.interface.encodeFunctionData("revokeConsent", [
          listing.chainKey,
        ]),
      },
    };
  },
};

export const updatePriceAction: ActionHandler<{ listingId: string; price: string }> = {
  kind: "listing.updatePrice",
  roles: ["PARTICIPANT"],
  async plan({ db, chain, user }, { listingId, price }) {
    const listing = await ownListing(db, user.id, listingId);
    requireAnchored(listing);
    const priceWei = parseUnits(price, TOKEN_DECIMALS);
    if (priceWei.toString() === listing.priceWei.toFixed(0))
      throw new AppError("BAD_INPUT", "That is already the price.");
    return {
      entityId: listing.id,
      call: {
        to: chain.deployment.contracts.DataMarketplace,
        gas: GAS.small,
        data: chain.contracts.marketplace.interface.encodeFunctionData("updatePrice", [
          listing.chainKey,
          priceWei,
        ]),
      },
    };
  },
};

export const unlistAction: ActionHandler<{ listingId: string }> = {
  kind: "listing.unlist",
  roles: ["PARTICIPANT"],
  async plan({ db, chain, user }, { listingId }) {
    const listing = await ownListing(db, user.id, listingId);
    requireAnchored(listing);
    if (listing.status === "UNLISTED")
      throw new AppError("CONFLICT", "This listing is already unlisted.");
    return {
      entityId: listing.id,
      call: {
        to: chain.deployment.contracts.DataMarketplace,
        gas: GAS.small,
        data: chain.contracts.marketplace.interface.encodeFunctionData("unlist", [
          listing.chainKey,
        ]),
      },
    };
  },
};
