import "server-only";
import type { Chain } from "~/server/chain/client";
import type { DbClient } from "~/server/db";
import type { SessionUser } from "~/server/session";
import { describeAnalysis } from "~/server/services/ledger/analysis-ledger";
import { ZAnalysisSpecSchema } from "~/shared/analysis-spec";
import { readPrivacyBudget } from "./analysis-records";
import { findAuditableTrial } from "./auditable-trial";

const MAX_ANALYSES = 500;

/**
 * The auditor panel's analyses of a trial (auditors any trial, a sponsor its own): every
 * analysis job over the trial's listings with its ε, listings used and hashes, and each
 * listing's privacy budget as the chain counts it beside the database's mirror. Identifies
 * researchers by display name as the timeline does; no result value is shown.
 */
export async function listTrialAnalyses(options: {
  db: DbClient;
  chain: Pick<Chain, "contracts">;
  trial: string;
  requestedBy: Pick<SessionUser, "id" | "role">;
}) {
  const { db } = options;
  const trial = await findAuditableTrial(options);
  const listings = await db.listing.findMany({
    where: { trialId: trial.id, status: { not: "DRAFT" } },
    orderBy: { createdAt: "asc" },
    select: {
      id: true,
      title: true,
      chainKey: true,
      budget: { select: { spentCentis: true, reservedCentis: true } },
    },
  });
  const listingIds = listings.map((listing) => listing.id);
  const jobs = await db.analysisJob.findMany({
    where: { listings: { some: { listingId: { in: listingIds } } } },
    orderBy: { createdAt: "desc" },
    take: MAX_ANALYSES,
    select: {
      id: true,
      chainKey: true,
      status: true,
      reason: true,
      spec: true,
      epsilonCentis: true,
      outputHash: true,
      queryHash: true,
      anchorTxHash: true,
      createdAt: true,
      finishedAt: true,
      request: { select: { chainKey: true, researcher: { select: { displayName: true } } } },
      listings: { where: { listingId: { in: listingIds } }, select: { listingId: true } },
      _count: { select: { listings: true } },
    },
  });
  const budgets = await Promise.all(
    listings.map(async (listing) => {
      const chain = await readPrivacyBudget(options.chain, listing.chainKey);
      return {
        listingId: listing.id,
        listing: listing.title,
        chainKey: listing.chainKey,
        totalCentis: chain.total,
        spentCentis: chain.spent,
        databaseSpentCentis: listing.budget?.spentCentis ?? 0,
        reservedCentis: listing.budget?.reservedCentis ?? 0,
      };
    }),
  );
  return {
    analyses: jobs.map((job) => {
      const spec = ZAnalysisSpecSchema.safeParse(job.spec);
      return {
        jobId: job.id,
        analysisId: job.chainKey,
        requestId: job.request.chainKey,
        researcher: job.request.researcher.displayName,
        status: job.status,
        reason: job.reason,
        kind: spec.success ? describeAnalysis(spec.data) : "an analysis",
        epsilonCentis: job.epsilonCentis,
        trialListings: job.listings.length,
        listings: job._count.listings,
        queryHash: job.queryHash,
        outputHash: job.outputHash,
        txHash: job.anchorTxHash,
        at: job.finishedAt ?? job.createdAt,
      };
    }),
    budgets: budgets.filter((budget) => budget.totalCentis > 0 || budget.spentCentis > 0),
  };
}
