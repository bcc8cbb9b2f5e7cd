import "server-only";
import { parseUnits, ZeroHash } from "ethers";
import type { DbClient, DbTransaction } from "~/server/db";
import { AppError } from "~/server/errors";
import { hashDocument } from "~/server/integrity/merkle";
import type { ActionHandler } from "~/server/services/actions/action-plan";
import { lockUser } from "~/server/services/users/lock-user";
import { TOKEN_DECIMALS } from "./listing-dto";

/** Gas the forwarder passes on, from bench:gas with headroom. */
const GAS = { create: 400_000n, grant: 250_000n, small: 150_000n };

async function ownListing(db: DbClient, userId: string, listingId: string) {
  const listing = await db.listing.findUnique({
    where: { id: listingId },
    select: {
      id: true,
      ownerId: true,
      ownerAddress: true,
      status: true,
      chainKey: true,
      chainSalt: true,
      dataRoot: true,
      reportHash: true,
      priceWei: true,
      anchorStatus: true,
      erasedAt: true,
      owner: { select: { walletAddress: true } },
      trial: { select: { id: true, chainKey: true, currentVersion: true } },
      consent: {
        select: {
          termsHash: true,
          purposes: true,
          expiresAt: true,
          autoApprove: true,
          protocolVersion: true,
          revokedAt: true,
          suspendedAt: true,
          epsilonBudget: true,
          minCellCount: true,
        },
      },
    },
  });
  if (!listing || listing.ownerId !== userId)
    throw new AppError("NOT_FOUND", "No listing of yours has this id.");
  if (listing.erasedAt)
    throw new AppError("CONFLICT", "This listing was erased at your request; it cannot change.");
  // Listings from before owners had accounts of their own were owned by the wallet.
  return { ...listing, signer: listing.ownerAddress ?? listing.owner.walletAddress };
}

type OwnListing = Awaited<ReturnType<typeof ownListing>>;

function requireAnchored(listing: { status: string; anchorStatus: string }) {
  if (listing.status === "DRAFT") throw new AppError("CONFLICT", "Publish this listing first.");
  if (listing.anchorStatus !== "CONFIRMED")
    throw new AppError(
      "CONFLICT",
      "This listing is still being anchored on chain; try again in a moment.",
    );
}

/**
 * The hash of a listing's consent terms document, as the draft computed it; a new protocol
 * version is a new document.
 */
export function consentTermsHash(terms: {
  purposes: number;
  expiresAt: Date;
  autoApprove: boolean;
  priceWei: string;
  protocolVersion: number | null;
  epsilonBudget: number;
  minCellCount: number;
}): string {
  return hashDocument({
    purposes: terms.purposes,
    expiresAt: terms.expiresAt.toISOString(),
    autoApprove: terms.autoApprove,
    priceWei: terms.priceWei,
    protocolVersion: terms.protocolVersion,
    // Only terms that allow analyses name them, so every earlier document keeps its hash.
    ...(terms.epsilonBudget > 0
      ? { epsilonBudget: terms.epsilonBudget, minCellCount: terms.minCellCount }
      : {}),
  });
}

/**
 * The consent terms to sign for a listing now: a linked listing names its trial and the trial's
 * current protocol version, which its owner must have consented to (enrolment re-consent).
 */
async function termsFor(db: DbClient, listing: OwnListing) {
  const consent = listing.consent;
  if (!consent)
    throw new AppError("CONFLICT", "This listing has no consent terms; create it again.");
  let protocolVersion: number | null = null;
  if (listing.trial) {
    const enrollment = await db.enrollment.findUnique({
      where: {
        trialId_participantId: { trialId: listing.trial.id, participantId: listing.ownerId },
      },
      select: { status: true, anchorStatus: true, protocolVersion: true },
    });
    if (enrollment?.status !== "ACTIVE" || enrollment.anchorStatus !== "CONFIRMED")
      throw new AppError(
        "CONFLICT",
        "This listing is linked to a trial you are not enrolled in any more: enrol again first.",
      );
    if (enrollment.protocolVersion < listing.trial.currentVersion)
      throw new AppError(
        "CONFLICT",
        `The trial's protocol is now version ${listing.trial.currentVersion}: consent to it on your trials page first.`,
      );
    protocolVersion = listing.trial.currentVersion;
  }
  const priceWei = listing.priceWei.toFixed(0);
  const termsHash =
    consent.protocolVersion === protocolVersion
      ? consent.termsHash
      : consentTermsHash({ ...consent, priceWei, protocolVersion });
  return {
    protocolVersion,
    termsHash,
    onChain: {
      purposes: consent.purposes,
      expiresAt: Math.floor(consent.expiresAt.getTime() / 1000),
      protocolVersion: protocolVersion ?? 0,
      autoApprove: consent.autoApprove,
      trialId: listing.trial?.chainKey ?? ZeroHash,
      termsHash,
      // Hundredths of ε the owner accepts from analyses; 0 = none (docs/compute-to-data.md §4).
      epsilonBudget: consent.epsilonBudget,
    },
  };
}

/**
 * The most listings one enrolment can link to its trial on chain (ConsentRegistry). A copy, so
 * that preparing a publication needs no chain call while the node is down; a test compares it
 * with the contract's constant.
 */
export const MAX_LINKED_LISTINGS = 16;

/**
 * Refuses a listing the chain would refuse for having too many siblings linked to the same
 * enrolment, before it is signed: the owner hears why at once, instead of a failed write later.
 * Published listings count whether confirmed or still on their way (only failed writes do not).
 */
async function requireLinkSlot(
  db: DbClient | DbTransaction,
  listing: { id: string; ownerId: string; trial: { id: string } | null },
) {
  if (!listing.trial) return;
  const linked = await db.listing.count({
    where: {
      ownerId: listing.ownerId,
      trialId: listing.trial.id,
      id: { not: listing.id },
      status: { not: "DRAFT" },
      anchorStatus: { not: "FAILED" },
    },
  });
  if (linked >= MAX_LINKED_LISTINGS)
    throw new AppError(
      "CONFLICT",
      `You already have ${MAX_LINKED_LISTINGS} listings linked to this trial, the most one enrolment can hold; publish this one without linking it to the trial.`,
    );
}

export const publishListingAction: ActionHandler<{ listingId: string }> = {
  kind: "listing.create",
  roles: ["PARTICIPANT"],
  async plan({ db, chain, user }, { listingId }) {
    const listing = await ownListing(db, user.id, listingId);
    if (listing.status !== "DRAFT")
      throw new AppError("CONFLICT", "This listing is already published.");
    await requireLinkSlot(db, listing);
    const terms = await termsFor(db, listing);
    return {
      entityId: listing.id,
      signer: listing.signer,
      call: {
        to: chain.deployment.contracts.DataMarketplace,
        gas: GAS.create,
        data: chain.contracts.marketplace.interface.encodeFunctionData("createListing", [
          listing.chainSalt,
          listing.dataRoot,
          listing.reportHash ?? ZeroHash,
          listing.priceWei.toFixed(0),
          terms.onChain,
        ]),
      },
      async apply(tx) {
        // One owner's publications take turns here, so two at once cannot both take the last
        // link slot.
        if (listing.trial) await lockUser(tx, listing.ownerId);
        const published = await tx.listing.updateMany({
          where: { id: listing.id, status: "DRAFT" },
          data: { status: "ACTIVE", anchorStatus: "PENDING" },
        });
        if (published.count !== 1)
          throw new AppError("CONFLICT", "This listing is already published.");
        await requireLinkSlot(tx, listing);
        await tx.consentTerms.update({
          where: { listingId: listing.id },
          data: { protocolVersion: terms.protocolVersion, termsHash: terms.termsHash },
        });
        await tx.upload.updateMany({
          where: { listing: { id: listing.id } },
          data: { status: "PUBLISHED" },
        });
      },
    };
  },
};

/**
 * Consent again after revoking it, or after enrolling again in the listing's trial: a new
 * epoch with the listing's terms (approvals under the earlier epoch stay void).
 */
export const grantConsentAction: ActionHandler<{ listingId: string }> = {
  kind: "listing.grantConsent",
  roles: ["PARTICIPANT"],
  async plan({ db, chain, user }, { listingId }) {
    const listing = await ownListing(db, user.id, listingId);
    requireAnchored(listing);
    const consent = listing.consent;
    if (consent && !consent.revokedAt && !consent.suspendedAt)
      throw new AppError("CONFLICT", "Consent for this listing is already in force.");
    if (consent && consent.expiresAt.getTime() <= Date.now() + 60_000)
      throw new AppError(
        "CONFLICT",
        "The consent terms of this listing have expired; publish a new listing instead.",
      );
    const terms = await termsFor(db, listing);
    return {
      entityId: listing.id,
      signer: listing.signer,
      call: {
        to: chain.deployment.contracts.DataMarketplace,
        gas: GAS.grant,
        data: chain.contracts.marketplace.interface.encodeFunctionData("grantConsent", [
          listing.chainKey,
          terms.onChain,
        ]),
      },
      async apply(tx) {
        await tx.consentTerms.update({
          where: { listingId: listing.id },
          data: { protocolVersion: terms.protocolVersion, termsHash: terms.termsHash },
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
      signer: listing.signer,
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
      signer: listing.signer,
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
      signer: listing.signer,
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
