import "server-only";
import { formatUnits } from "ethers";
import type { Prisma } from "~/server/generated/prisma/client";
import { fromPurposeMask } from "~/server/services/consent/purposes";

/** The one shape a listing leaves the server in; never a whole row. */
export const listingSelect = {
  id: true,
  chainKey: true,
  ownerId: true,
  title: true,
  description: true,
  dataType: true,
  conditions: true,
  recordCount: true,
  dataRoot: true,
  priceWei: true,
  status: true,
  anchorStatus: true,
  anchorTxHash: true,
  anchorBlock: true,
  createdAt: true,
  erasedAt: true,
  owner: { select: { displayName: true } },
  trial: { select: { id: true, registryId: true, title: true, currentVersion: true } },
  consent: {
    select: {
      purposes: true,
      expiresAt: true,
      autoApprove: true,
      revokedAt: true,
      termsHash: true,
      epoch: true,
      protocolVersion: true,
      suspendedAt: true,
    },
  },
} satisfies Prisma.ListingSelect;

export type ListingRow = Prisma.ListingGetPayload<{ select: typeof listingSelect }>;

export const TOKEN_DECIMALS = 18;

export function toListingDto(row: ListingRow, viewerId: string) {
  return {
    id: row.id,
    chainKey: row.chainKey,
    title: row.title,
    description: row.description,
    dataType: row.dataType,
    conditions: row.conditions,
    recordCount: row.recordCount,
    dataRoot: row.dataRoot,
    priceWei: row.priceWei.toFixed(0),
    price: formatUnits(row.priceWei.toFixed(0), TOKEN_DECIMALS),
    status: row.status,
    anchor: { status: row.anchorStatus, txHash: row.anchorTxHash, blockNumber: row.anchorBlock },
    ownerName: row.owner.displayName,
    isOwner: row.ownerId === viewerId,
    trial: row.trial
      ? { id: row.trial.id, registryId: row.trial.registryId, title: row.trial.title }
      : null,
    consent: row.consent
      ? {
          purposes: fromPurposeMask(row.consent.purposes),
          expiresAt: row.consent.expiresAt,
          autoApprove: row.consent.autoApprove,
          isRevoked: row.consent.revokedAt !== null,
          termsHash: row.consent.termsHash,
          epoch: row.consent.epoch,
          // Linked listings follow their owner's enrolment and the trial's protocol version.
          isSuspended: row.consent.suspendedAt !== null,
          isAwaitingReconsent:
            row.trial !== null &&
            row.consent.revokedAt === null &&
            row.consent.suspendedAt === null &&
            (row.consent.protocolVersion ?? 0) < row.trial.currentVersion,
        }
      : null,
    createdAt: row.createdAt,
    /** Erased by its owner: its data is destroyed, and it can never be used again. */
    isErased: row.erasedAt !== null,
  };
}

export type ListingDto = ReturnType<typeof toListingDto>;
