import "server-only";
import type { DbClient } from "~/server/db";
import { AppError } from "~/server/errors";
import { NOTIFICATION_FIELDS } from "~/server/services/notifications/my-notifications";
import { fromPurposeMask, PURPOSES } from "~/server/services/consent/purposes";
import { getBlob } from "~/server/storage/blob-store";
import { findMyChainFacts } from "./chain-facts";

/**
 * Everything TrialShare holds about one user (GDPR Art. 15 and 20, HIPAA right of access), in
 * one JSON document: the account, its accounts on chain, enrolments, uploads and listings with
 * their de-identified data, consent, requests, data uses, payments, audit entries, erasures,
 * and each on-chain fact with its transaction. Secrets the server holds for the user (password
 * hash, sealed wallet key, sealed commitment salts) are named, never copied out.
 * Where each table appears: `EXPORT_COVERAGE` in export-coverage.ts.
 */
async function readText(blobKey: string | null): Promise<string | null> {
  if (!blobKey) return null;
  return (await getBlob(blobKey).catch(() => null))?.toString("utf8") ?? null;
}

const wei = (value: { toFixed(digits: number): string } | null) => value?.toFixed(0) ?? null;

export async function exportMyData(options: {
  db: DbClient;
  userId: string;
  /** Whose data the caller asked for, if they named someone: only their own is given. */
  requestedUserId?: string;
}) {
  const { db, userId } = options;
  if (options.requestedUserId !== undefined && options.requestedUserId !== userId)
    throw new AppError(
      "FORBIDDEN",
      "You can export only your own data; sign in as that account to export its data.",
    );
  const user = await db.user.findUnique({
    where: { id: userId },
    select: {
      id: true,
      role: true,
      displayName: true,
      email: true,
      walletAddress: true,
      createdAt: true,
      erasedAt: true,
      passwordHash: true,
      walletKeyCipher: true,
    },
  });
  if (!user) throw new AppError("NOT_FOUND", "Your account no longer exists.");

  const [chainAccounts, enrollments, uploads, listings, items, uses, payouts] = await Promise.all([
    db.derivedAccount.findMany({
      where: { userId },
      select: { address: true, kind: true, scope: true, createdAt: true },
    }),
    db.enrollment.findMany({
      where: { participantId: userId },
      select: {
        id: true,
        trial: { select: { id: true, registryId: true, title: true } },
        protocolVersion: true,
        subjectCommitment: true,
        saltCipher: true,
        status: true,
        anchorStatus: true,
        anchorTxHash: true,
        accountAddress: true,
        invitationId: true,
        createdAt: true,
        withdrawnAt: true,
      },
    }),
    db.upload.findMany({
      where: { ownerId: userId },
      select: {
        id: true,
        fileName: true,
        format: true,
        status: true,
        blobKey: true,
        pseudonymBlobKey: true,
        columns: true,
        rowCount: true,
        report: true,
        createdAt: true,
      },
    }),
    db.listing.findMany({
      where: { ownerId: userId },
      orderBy: { createdAt: "asc" },
      select: {
        id: true,
        chainKey: true,
        title: true,
        description: true,
        dataType: true,
        conditions: true,
        recordCount: true,
        dataRoot: true,
        reportHash: true,
        report: true,
        blobKey: true,
        priceWei: true,
        ownerAddress: true,
        status: true,
        anchorStatus: true,
        anchorTxHash: true,
        anchorBlock: true,
        createdAt: true,
        erasedAt: true,
        trial: { select: { registryId: true, title: true } },
        consent: {
          select: {
            purposes: true,
            expiresAt: true,
            autoApprove: true,
            termsHash: true,
            protocolVersion: true,
            revokedAt: true,
            suspendedAt: true,
            epoch: true,
            epsilonBudget: true,
            minCellCount: true,
          },
        },
        budget: { select: { totalCentis: true, spentCentis: true, reservedCentis: true } },
        // The analyses that used the listing, as the participant's ledger shows them: never
        // another listing's part nor a result's values.
        analyses: {
          select: {
            itemIndex: true,
            creditedWei: true,
            settledAt: true,
            job: {
              select: { chainKey: true, epsilonCentis: true, status: true, createdAt: true },
            },
          },
        },
      },
    }),
    db.accessRequestItem.findMany({
      where: { listing: { ownerId: userId } },
      select: {
        id: true,
        listingId: true,
        itemIndex: true,
        priceWei: true,
        status: true,
        decidedAt: true,
        decisionTxHash: true,
        settledAt: true,
        creditedWei: true,
        refundedWei: true,
        request: {
          select: {
            id: true,
            chainKey: true,
            purpose: true,
            planHash: true,
            planSummary: true,
            accessUntil: true,
            decisionDeadline: true,
            anchorTxHash: true,
            createdAt: true,
            researcher: { select: { displayName: true } },
          },
        },
      },
    }),
    db.dataUse.findMany({
      where: { listing: { ownerId: userId } },
      select: {
        id: true,
        requestId: true,
        listingId: true,
        extractRoot: true,
        anchorStatus: true,
        anchorTxHash: true,
        createdAt: true,
      },
    }),
    db.payout.findMany({
      where: { userId },
      orderBy: { createdAt: "asc" },
      select: {
        id: true,
        kind: true,
        amountWei: true,
        txHash: true,
        requestId: true,
        listingId: true,
        createdAt: true,
      },
    }),
  ]);
  const [myRequests, myResearchPlans, sponsoredTrials, auditLog, erasures] = await Promise.all([
    db.accessRequest.findMany({
      where: { researcherId: userId },
      select: {
        id: true,
        chainKey: true,
        purpose: true,
        planHash: true,
        planSummary: true,
        totalWei: true,
        maxTotalWei: true,
        accessUntil: true,
        decisionDeadline: true,
        status: true,
        anchorStatus: true,
        anchorTxHash: true,
        settledAt: true,
        createdAt: true,
        planDocumentId: true,
        items: { select: { listingId: true, status: true, priceWei: true } },
        extracts: { select: { id: true, k: true, extractRoot: true, createdAt: true } },
        outputs: {
          select: {
            id: true,
            kind: true,
            title: true,
            doi: true,
            url: true,
            summary: true,
            outputHash: true,
            anchorStatus: true,
            anchorTxHash: true,
            registeredAt: true,
            createdAt: true,
          },
        },
        analyses: {
          select: {
            id: true,
            chainKey: true,
            spec: true,
            epsilonCentis: true,
            status: true,
            reason: true,
            queryHash: true,
            outputHash: true,
            disclosure: true,
            anchorTxHash: true,
            createdAt: true,
            finishedAt: true,
          },
        },
      },
    }),
    db.researchPlan.findMany({
      where: { researcherId: userId },
      select: { id: true, fileName: true, mimeType: true, hash: true, createdAt: true },
    }),
    db.trial.findMany({
      where: { sponsorId: userId },
      select: {
        id: true,
        chainKey: true,
        registryId: true,
        title: true,
        phase: true,
        conditions: true,
        sites: true,
        currentVersion: true,
        anchorStatus: true,
        createdAt: true,
        protocolVersions: {
          select: { version: true, documentHash: true, documentName: true, createdAt: true },
        },
      },
    }),
    db.auditLog.findMany({
      where: { actorId: userId },
      orderBy: { id: "asc" },
      select: { id: true, action: true, entityType: true, entityId: true, createdAt: true },
    }),
    db.dataErasure.findMany({
      where: { userId },
      select: { id: true, scope: true, listingId: true, requestedAt: true, shreddedAt: true },
    }),
  ]);
  const [notifications, notificationPreferences, emails] = await Promise.all([
    db.notification.findMany({
      where: { userId },
      orderBy: { createdAt: "asc" },
      select: { ...NOTIFICATION_FIELDS, emailQueuedAt: true },
    }),
    db.notificationPreference.findUnique({
      where: { userId },
      select: { emailEnabled: true, digest: true, lastDigestAt: true, updatedAt: true },
    }),
    db.emailOutbox.findMany({
      where: { userId },
      orderBy: { id: "asc" },
      select: { id: true, subject: true, text: true, status: true, sentAt: true, createdAt: true },
    }),
  ]);
  const invitations = await db.trialInvitation.findMany({
    where: { trialId: { in: sponsoredTrials.map((trial) => trial.id) } },
    select: {
      id: true,
      trialId: true,
      invitationKey: true,
      label: true,
      status: true,
      expiresAt: true,
      redeemedAt: true,
      redeemTxHash: true,
    },
  });
  const addresses = [
    user.walletAddress,
    ...chainAccounts.map((account) => account.address),
    ...enrollments.flatMap((enrollment) => enrollment.accountAddress ?? []),
    ...listings.flatMap((listing) => listing.ownerAddress ?? []),
  ];
  const chainFacts = await findMyChainFacts(db, {
    addresses,
    listingKeys: listings.map((listing) => listing.chainKey),
    requestKeys: myRequests.map((request) => request.chainKey),
    trialKeys: sponsoredTrials.map((trial) => trial.chainKey),
  });

  return {
    format: "trialshare-personal-data-export",
    version: 1,
    exportedAt: new Date().toISOString(),
    account: {
      id: user.id,
      role: user.role,
      displayName: user.displayName,
      email: user.email,
      walletAddress: user.walletAddress,
      createdAt: user.createdAt,
      erasedAt: user.erasedAt,
      secretsHeld: {
        passwordHash: user.passwordHash !== null,
        managedWalletKey: user.walletKeyCipher !== null,
      },
    },
    chainAccounts,
    enrollments: enrollments.map(({ saltCipher, ...enrollment }) => ({
      ...enrollment,
      commitmentSaltHeld: saltCipher !== null,
    })),
    uploads: await Promise.all(
      uploads.map(async ({ blobKey, pseudonymBlobKey, ...upload }) => ({
        ...upload,
        deidentifiedData: await readText(blobKey),
        pseudonymMapHeld: pseudonymBlobKey !== null,
      })),
    ),
    listings: await Promise.all(
      listings.map(async ({ blobKey, priceWei, consent, analyses, ...listing }) => ({
        ...listing,
        priceWei: wei(priceWei),
        analyses: analyses.map((use) => ({ ...use, creditedWei: wei(use.creditedWei) })),
        consent: consent && { ...consent, purposes: fromPurposeMask(consent.purposes) },
        deidentifiedData: await readText(blobKey),
      })),
    ),
    requestsForMyListings: items.map(({ request, ...item }) => ({
      ...item,
      priceWei: wei(item.priceWei),
      creditedWei: wei(item.creditedWei),
      refundedWei: wei(item.refundedWei),
      request: {
        ...request,
        purpose: PURPOSES[request.purpose]?.key ?? null,
        researcher: request.researcher.displayName,
      },
    })),
    dataUses: uses,
    payments: payouts.map((payout) => ({ ...payout, amountWei: wei(payout.amountWei) })),
    myRequests: myRequests.map((request) => ({
      ...request,
      purpose: PURPOSES[request.purpose]?.key ?? null,
      totalWei: wei(request.totalWei),
      maxTotalWei: wei(request.maxTotalWei),
      items: request.items.map((item) => ({ ...item, priceWei: wei(item.priceWei) })),
    })),
    myResearchPlans,
    sponsoredTrials: sponsoredTrials.map((trial) => ({
      ...trial,
      invitations: invitations.filter((invitation) => invitation.trialId === trial.id),
    })),
    auditLog: auditLog.map((entry) => ({ ...entry, id: entry.id.toString() })),
    erasures,
    chainFacts,
    notifications,
    notificationPreferences,
    emails: emails.map((email) => ({ ...email, id: email.id.toString() })),
  };
}

export type MyDataExport = Awaited<ReturnType<typeof exportMyData>>;
