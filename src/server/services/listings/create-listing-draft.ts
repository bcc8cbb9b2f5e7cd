import { parseUnits } from "ethers";
import { listingIdFor, newSalt } from "~/server/chain/ids";
import type { DbClient } from "~/server/db";
import { AppError } from "~/server/errors";
import { computeDataRoot, hashDocument } from "~/server/integrity/merkle";
import { putBlob } from "~/server/storage/blob-store";
import { toPurposeMask, type PurposeKey } from "~/server/services/consent/purposes";
import { TOKEN_DECIMALS } from "./listing-dto";
import { parseCsvRecords } from "./parse-records";

export type CreateListingDraftOptions = {
  db: DbClient;
  ownerId: string;
  input: {
    title: string;
    description: string;
    conditions: string[];
    csv: string;
    price: string;
    purposes: PurposeKey[];
    consentExpiresAt: Date;
    autoApprove: boolean;
  };
};

/**
 * Stores a listing before it is signed: records encrypted at rest, their Merkle root and the
 * consent terms hash computed, nothing on chain yet. Publishing signs and anchors it.
 */
export async function createListingDraft({ db, ownerId, input }: CreateListingDraftOptions) {
  if (input.consentExpiresAt.getTime() <= Date.now() + 60 * 60 * 1000) {
    throw new AppError(
      "BAD_INPUT",
      "Consent must stay valid for at least an hour; choose a later expiry date.",
    );
  }
  const records = parseCsvRecords(input.csv);
  const priceWei = parseUnits(input.price, TOKEN_DECIMALS);
  const purposes = toPurposeMask(input.purposes);
  const terms = {
    purposes,
    expiresAt: input.consentExpiresAt.toISOString(),
    autoApprove: input.autoApprove,
    priceWei: priceWei.toString(),
  };
  const owner = await db.user.findUnique({
    where: { id: ownerId },
    select: { walletAddress: true },
  });
  if (!owner) throw new AppError("NOT_FOUND", "Your account no longer exists; sign in again.");
  const blobKey = await putBlob(Buffer.from(JSON.stringify(records), "utf8"));
  const chainSalt = newSalt();
  return db.listing.create({
    data: {
      chainKey: listingIdFor(owner.walletAddress, chainSalt),
      chainSalt,
      ownerId,
      title: input.title,
      description: input.description,
      dataType: "CSV",
      conditions: input.conditions,
      recordCount: records.length,
      dataRoot: computeDataRoot(records),
      blobKey,
      priceWei: priceWei.toString(),
      status: "DRAFT",
      consent: {
        create: {
          purposes,
          expiresAt: input.consentExpiresAt,
          autoApprove: input.autoApprove,
          termsHash: hashDocument(terms),
        },
      },
    },
    select: { id: true },
  });
}
