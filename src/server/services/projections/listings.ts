import "server-only";
import { text, type Projection } from "./helpers";

/** Listings and their consent epochs. */
export const LISTING_PROJECTIONS: Record<string, Projection> = {
  ListingCreated: {
    apply: async (tx, event) => {
      await tx.listing.updateMany({
        where: { chainKey: text(event, "listingId") },
        data: {
          anchorStatus: "CONFIRMED",
          anchorTxHash: event.txHash,
          anchorBlock: event.blockNumber,
        },
      });
    },
    undo: async (tx, event) => {
      await tx.listing.updateMany({
        where: { chainKey: text(event, "listingId"), anchorTxHash: event.txHash },
        data: { anchorStatus: "PENDING", anchorTxHash: null, anchorBlock: null },
      });
    },
  },
  ConsentGranted: {
    apply: async (tx, event) => {
      const listing = await tx.listing.findUnique({
        where: { chainKey: text(event, "listingId") },
        select: { id: true },
      });
      if (!listing) return;
      const protocolVersion = Number(text(event, "protocolVersion"));
      await tx.consentTerms.updateMany({
        where: { listingId: listing.id },
        data: {
          purposes: Number(text(event, "purposes")),
          expiresAt: new Date(Number(text(event, "expiresAt")) * 1000),
          autoApprove: event.args.autoApprove === true,
          termsHash: text(event, "termsHash"),
          protocolVersion: protocolVersion === 0 ? null : protocolVersion,
          epoch: Number(text(event, "epoch")),
          revokedAt: null,
          suspendedAt: null,
        },
      });
    },
  },
  ConsentRevoked: {
    apply: async (tx, event) => {
      await tx.consentTerms.updateMany({
        where: { listing: { chainKey: text(event, "listingId") } },
        data: { revokedAt: event.blockTime },
      });
    },
    undo: async (tx, event) => {
      await tx.consentTerms.updateMany({
        where: { listing: { chainKey: text(event, "listingId") } },
        data: { revokedAt: null },
      });
    },
  },
  ConsentSuspended: {
    apply: async (tx, event) => {
      await tx.consentTerms.updateMany({
        where: { listing: { chainKey: text(event, "listingId") } },
        data: { suspendedAt: event.blockTime },
      });
    },
    undo: async (tx, event) => {
      await tx.consentTerms.updateMany({
        where: { listing: { chainKey: text(event, "listingId") } },
        data: { suspendedAt: null },
      });
    },
  },
  ListingPriceUpdated: {
    apply: async (tx, event) => {
      await tx.listing.updateMany({
        where: { chainKey: text(event, "listingId") },
        data: { priceWei: text(event, "price") },
      });
    },
  },
  ListingUnlisted: {
    apply: async (tx, event) => {
      await tx.listing.updateMany({
        where: { chainKey: text(event, "listingId") },
        data: { status: "UNLISTED" },
      });
    },
    undo: async (tx, event) => {
      await tx.listing.updateMany({
        where: { chainKey: text(event, "listingId") },
        data: { status: "ACTIVE" },
      });
    },
  },
};
