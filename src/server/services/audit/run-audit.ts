import "server-only";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import type { Chain } from "~/server/chain/client";
import type { DbClient } from "~/server/db";
import type { SessionUser } from "~/server/session";
import { getBlob } from "~/server/storage/blob-store";
import { findAuditableTrial } from "./auditable-trial";
import { checkAnalyses } from "./analysis-checks";
import { readChainHistory } from "./chain-history";
import {
  checkConsent,
  checkDatabase,
  checkIntegrity,
  checkMoney,
  type AuditedListing,
} from "./checks";

/**
 * The audit of one trial: its listings' data against their anchors, consent at every data
 * use, escrow and payouts, the database against the chain, and every analysis run where the data
 * lives (consent, privacy budget, released output hashes). History comes from the chain's
 * own logs. Data files come from the encrypted store, or from `dataDir` (plain de-identified
 * files named <listing chain id>.csv) so an auditor can bring their own copies.
 */
export async function runAudit(options: {
  db: DbClient;
  chain: Chain;
  trial: string;
  dataDir?: string;
  /** Who asks, when asked through the API (the CLI is the operator's own tool). */
  requestedBy?: Pick<SessionUser, "id" | "role">;
}) {
  const { db, chain, requestedBy } = options;
  const trial = await findAuditableTrial({ db, trial: options.trial, requestedBy });
  const listings = await db.listing.findMany({
    where: { trialId: trial.id, status: { not: "DRAFT" } },
    select: {
      id: true,
      chainKey: true,
      title: true,
      blobKey: true,
      recordHashes: true,
      erasedAt: true,
    },
  });
  const audited: AuditedListing[] = listings.map((listing) => ({
    id: listing.id,
    chainKey: listing.chainKey,
    title: listing.title,
    recordHashes: Array.isArray(listing.recordHashes) ? (listing.recordHashes as string[]) : null,
    erasedAt: listing.erasedAt,
    readData: async () => {
      if (options.dataDir) {
        const file = path.join(options.dataDir, `${listing.chainKey}.csv`);
        return existsSync(file) ? readFile(file, "utf8") : null;
      }
      if (!listing.blobKey) return null;
      return (await getBlob(listing.blobKey).catch(() => null))?.toString("utf8") ?? null;
    },
  }));
  const history = await readChainHistory(chain);
  const listingKeys = new Set(listings.map((listing) => listing.chainKey.toLowerCase()));
  const listingIds = listings.map((listing) => listing.id);
  const [uses, allListings, allRequests, budgets, jobs] = await Promise.all([
    db.dataUse.findMany({
      where: { listingId: { in: listings.map((listing) => listing.id) } },
      select: { id: true, anchorTxHash: true, listing: { select: { chainKey: true } } },
    }),
    db.listing.findMany({
      where: { status: { not: "DRAFT" } },
      select: { id: true, chainKey: true, dataRoot: true, anchorStatus: true },
    }),
    db.accessRequest.findMany({ select: { id: true, chainKey: true, anchorStatus: true } }),
    db.privacyBudget.findMany({
      where: { listingId: { in: listingIds } },
      select: { listingId: true, spentCentis: true },
    }),
    db.analysisJob.findMany({
      where: { listings: { some: { listingId: { in: listingIds } } } },
      select: { id: true, chainKey: true, status: true, outputHash: true, outputBlobKey: true },
    }),
  ]);
  const spent = new Map(budgets.map((budget) => [budget.listingId, budget.spentCentis]));
  const checks = [
    await checkIntegrity(chain, audited, history),
    checkConsent(
      history,
      listingKeys,
      uses.map((use) => ({
        id: use.id,
        listingKey: use.listing.chainKey,
        txHash: use.anchorTxHash,
      })),
    ),
    await checkMoney(chain, history),
    checkDatabase(history, {
      listings: allListings.map((listing) => ({
        id: listing.id,
        chainKey: listing.chainKey,
        dataRoot: listing.dataRoot,
        anchored: listing.anchorStatus === "CONFIRMED",
      })),
      requests: allRequests.map((request) => ({
        id: request.id,
        chainKey: request.chainKey,
        anchored: request.anchorStatus === "CONFIRMED",
      })),
    }),
    await checkAnalyses(chain, history, {
      listings: listings.map((listing) => ({
        listingId: listing.id,
        chainKey: listing.chainKey,
        spentCentis: spent.get(listing.id) ?? null,
      })),
      jobs: jobs.map((job) => ({
        id: job.id,
        chainKey: job.chainKey,
        status: job.status,
        outputHash: job.outputHash,
        readOutput: async () =>
          job.outputBlobKey ? await getBlob(job.outputBlobKey).catch(() => null) : null,
      })),
    }),
  ];
  return {
    trial: {
      id: trial.id,
      registryId: trial.registryId,
      title: trial.title,
      chainKey: trial.chainKey,
    },
    chainId: chain.chainId,
    checkedAt: new Date().toISOString(),
    passed: checks.every((check) => check.passed),
    checks,
  };
}
