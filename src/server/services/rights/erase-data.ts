import "server-only";
import { Wallet } from "ethers";
import type { DbClient, DbTransaction } from "~/server/db";
import { TRANSACTION_OPTIONS } from "~/server/db";
import { AppError } from "~/server/errors";
import { Prisma } from "~/server/generated/prisma/client";
import type { ActionContext } from "~/server/services/actions/action-plan";
import { balancesOf } from "~/server/services/earnings/earnings-actions";
import { enqueueErasureSteps, signErasureSteps, stepsToErase } from "./erasure-chain";
import { shredErasedData } from "./shred-erased-data";

/**
 * Erasure (GDPR Art. 17) of one listing or of a participant's whole account, by
 * crypto-shredding: consent is revoked and the listing unlisted on chain, the data's keys and
 * the enrolments' commitment salts are destroyed, and what stays on chain (roots, commitments,
 * hashes) then links to nothing. Extracts already delivered stay with their researchers under
 * the data-use terms they were requested with; `describeErasure` tells the user so first.
 *
 * Money: an erasure is refused while a payment for the data is pending (an approved request not
 * yet settled) and, for the whole account, while earnings or rewards wait to be withdrawn: the
 * user withdraws first, so nothing owed is lost. Tokens already withdrawn into an account the
 * server holds keep that account's key, so they stay claimable.
 */
const LISTING_SELECT = {
  id: true,
  title: true,
  status: true,
  anchorStatus: true,
  erasedAt: true,
  blobKey: true,
  upload: { select: { id: true, blobKey: true, pseudonymBlobKey: true } },
  consent: { select: { revokedAt: true } },
} as const;

type ErasableListing = Prisma.ListingGetPayload<{ select: typeof LISTING_SELECT }>;

async function pendingPayments(db: DbClient, listingIds: string[]) {
  return db.accessRequestItem.count({
    where: {
      listingId: { in: listingIds },
      status: "APPROVED",
      settledAt: null,
      request: { anchorStatus: "CONFIRMED" },
    },
  });
}

async function deliveredUses(db: DbClient, listingIds: string[]) {
  const uses = await db.dataUse.findMany({
    where: { listingId: { in: listingIds } },
    select: { request: { select: { researcherId: true } } },
  });
  return {
    uses: uses.length,
    researchers: new Set(uses.map((use) => use.request.researcherId)).size,
  };
}

async function signsInWallet(db: DbClient, userId: string) {
  const user = await db.user.findUnique({
    where: { id: userId },
    select: { walletKeyCipher: true, erasedAt: true },
  });
  if (!user || user.erasedAt) throw new AppError("NOT_FOUND", "Your account no longer exists.");
  return user.walletKeyCipher === null;
}

/** What the user is told before confirming. */
export async function describeErasure(options: {
  db: DbClient;
  userId: string;
  listingId?: string;
}) {
  const { db, userId } = options;
  const listings = await db.listing.findMany({
    where: {
      ownerId: userId,
      erasedAt: null,
      ...(options.listingId ? { id: options.listingId } : {}),
    },
    select: { id: true },
  });
  if (options.listingId && listings.length === 0)
    throw new AppError("NOT_FOUND", "No listing of yours has this id (or it is already erased).");
  const ids = listings.map((listing) => listing.id);
  const delivered = await deliveredUses(db, ids);
  const pending = await pendingPayments(db, ids);
  return {
    listings: ids.length,
    deliveredUses: delivered.uses,
    researchersWithData: delivered.researchers,
    pendingPayments: pending,
    deliveredNotice:
      delivered.uses === 0
        ? "No researcher has received this data: nothing of it remains anywhere after erasure."
        : `Records already delivered (${delivered.uses} delivery${delivered.uses === 1 ? "" : "ies"} to ${delivered.researchers} researcher${delivered.researchers === 1 ? "" : "s"}) cannot be recalled: they stay governed by the data-use terms they were requested under (purpose, access period). Erasure stops every future use.`,
    blockedBy:
      pending > 0
        ? "A payment for this data is still pending (an approved request not yet settled). Erase once it is settled, so you are paid."
        : null,
  };
}

/** The database side of one listing's erasure; returns the blobs to shred. */
async function scrubListing(tx: DbTransaction, listing: ErasableListing): Promise<string[]> {
  await tx.listing.update({
    where: { id: listing.id },
    data: {
      erasedAt: new Date(),
      status: listing.status === "DRAFT" ? "DRAFT" : "UNLISTED",
      title: "Erased listing",
      description: "",
      conditions: [],
      searchText: "",
      blobKey: null,
      recordHashes: Prisma.DbNull,
      report: Prisma.DbNull,
      uploadId: null,
    },
  });
  if (listing.upload) await tx.upload.delete({ where: { id: listing.upload.id } });
  return [
    listing.blobKey,
    listing.upload?.blobKey ?? null,
    listing.upload?.pseudonymBlobKey ?? null,
  ].filter((key): key is string => Boolean(key));
}

export async function eraseListing(context: ActionContext & { listingId: string }) {
  const { db, user } = context;
  const listing = await db.listing.findUnique({
    where: { id: context.listingId },
    select: { ...LISTING_SELECT, ownerId: true },
  });
  if (!listing || listing.ownerId !== user.id)
    throw new AppError("NOT_FOUND", "No listing of yours has this id.");
  if (listing.erasedAt) throw new AppError("CONFLICT", "This listing is already erased.");
  if ((await pendingPayments(db, [listing.id])) > 0)
    throw new AppError(
      "CONFLICT",
      "A payment for this listing is still pending (an approved request not yet settled); erase it once the request settles, so you are paid. Nothing was changed.",
    );
  const steps = await stepsToErase(db, [listing]);
  const calls = await signErasureSteps(context, steps, await signsInWallet(db, user.id));
  const erasure = await db.$transaction(async (tx) => {
    await enqueueErasureSteps(tx, context, calls);
    const blobKeys = await scrubListing(tx, listing);
    await tx.auditLog.create({
      data: {
        actorId: user.id,
        action: "listing.erase",
        entityType: "Listing",
        entityId: listing.id,
        details: { chainWrites: calls.map((call) => call.kind) },
      },
    });
    return tx.dataErasure.create({
      data: { userId: user.id, scope: "LISTING", listingId: listing.id, blobKeys },
      select: { id: true },
    });
  }, TRANSACTION_OPTIONS);
  await shredErasedData(db, erasure.id);
  return { erasureId: erasure.id, chainWrites: calls.length };
}

export async function eraseAccount(context: ActionContext) {
  const { db, chain, user } = context;
  if (user.role !== "PARTICIPANT")
    throw new AppError(
      "FORBIDDEN",
      "Only participant accounts can erase themselves here; researchers and sponsors ask the operator (their records are evidence for participants).",
    );
  const isWalletUser = await signsInWallet(db, user.id);
  const listings = await db.listing.findMany({
    where: { ownerId: user.id, erasedAt: null },
    select: LISTING_SELECT,
  });
  if (
    (await pendingPayments(
      db,
      listings.map((listing) => listing.id),
    )) > 0
  )
    throw new AppError(
      "CONFLICT",
      "A payment for your data is still pending (an approved request not yet settled); erase your account once it settles. Nothing was changed.",
    );
  const balances = await balancesOf(db, chain, user.id);
  if (balances.some((entry) => entry.earnings > 0n || entry.rewards > 0n))
    throw new AppError(
      "CONFLICT",
      "You have earnings or rewards to withdraw; withdraw them on your ledger first, then erase your account. Nothing was changed.",
    );
  const holdsTokens = !isWalletUser && balances.some((entry) => entry.tokens > 0n);
  const steps = await stepsToErase(db, listings);
  const calls = await signErasureSteps(context, steps, isWalletUser);
  const uploads = await db.upload.findMany({
    where: { ownerId: user.id, listing: null },
    select: { id: true, blobKey: true, pseudonymBlobKey: true },
  });
  const erasure = await db.$transaction(async (tx) => {
    await enqueueErasureSteps(tx, context, calls);
    const blobKeys: string[] = [];
    for (const listing of listings) blobKeys.push(...(await scrubListing(tx, listing)));
    for (const upload of uploads) {
      blobKeys.push(upload.blobKey, ...(upload.pseudonymBlobKey ? [upload.pseudonymBlobKey] : []));
      await tx.upload.delete({ where: { id: upload.id } });
    }
    // The salts are what tie a person to their on-chain commitments.
    await tx.enrollment.updateMany({
      where: { participantId: user.id },
      data: { saltCipher: null },
    });
    if (!holdsTokens) await tx.derivedAccount.deleteMany({ where: { userId: user.id } });
    await tx.notification.deleteMany({ where: { userId: user.id } });
    await tx.emailOutbox.deleteMany({ where: { userId: user.id } });
    await tx.notificationPreference.deleteMany({ where: { userId: user.id } });
    await tx.user.update({
      where: { id: user.id },
      data: {
        erasedAt: new Date(),
        displayName: "Erased account",
        email: null,
        passwordHash: null,
        sessionVersion: { increment: 1 },
        // Tokens held in a server-held account keep its key (and address) so they stay claimable.
        ...(holdsTokens
          ? {}
          : { walletKeyCipher: null, walletAddress: Wallet.createRandom().address.toLowerCase() }),
      },
    });
    await tx.auditLog.create({
      data: {
        actorId: user.id,
        action: "account.erase",
        entityType: "User",
        entityId: user.id,
        details: { listings: listings.length, chainWrites: calls.length },
      },
    });
    return tx.dataErasure.create({
      data: { userId: user.id, scope: "ACCOUNT", blobKeys },
      select: { id: true },
    });
  }, TRANSACTION_OPTIONS);
  await shredErasedData(db, erasure.id);
  return { erasureId: erasure.id, chainWrites: calls.length, keptWalletForTokens: holdsTokens };
}
