import "server-only";
import type { DbClient } from "~/server/db";
import { AppError } from "~/server/errors";
import { PURPOSES } from "~/server/services/consent/purposes";
import { ZAnalysisSpecSchema, type TAnalysisSpec } from "~/shared/analysis-spec";
import { formatTokens } from "~/shared/tokens";

/**
 * What analyses run where the data lives learned from a participant's listings
 * (docs/compute-to-data.md §4.4): each released analysis that used one of them, with the ε it
 * spent, what was left after it and its payment; and per listing, the privacy budget used and
 * left. Only the participant's own listings; only analyses whose charge is on chain (RELEASED).
 */
const epsilon = (centis: number) => (centis / 100).toFixed(2);

/** The analysis in words, as a participant would say it ("a table of counts by arm and sex"). */
export function describeAnalysis(spec: TAnalysisSpec): string {
  const query = spec.query;
  const names = (variables: { variable: string }[]) =>
    variables.map((entry) => entry.variable.replaceAll("_", " ")).join(" and ");
  switch (query.kind) {
    case "count":
      return query.by.length === 0 ? "a total count" : `a table of counts by ${names(query.by)}`;
    case "summary":
      return `a summary (${query.stats.join(", ")}) of ${names([query.of])}${query.by ? ` by ${names([query.by])}` : ""}`;
    case "histogram":
      return `a histogram of ${names([query.of])}`;
    case "linear":
      return `a linear regression of ${names([query.outcome])} on ${names(query.covariates)}`;
    case "logistic":
      return `a logistic regression of ${names([query.outcome])} on ${names(query.covariates)}`;
  }
}

function kindOf(spec: unknown): string {
  const parsed = ZAnalysisSpecSchema.safeParse(spec);
  return parsed.success ? describeAnalysis(parsed.data) : "an analysis";
}

type ListingFilter = { ownerId: string; id?: string };

async function loadAnalyses(db: DbClient, where: ListingFilter) {
  const [listings, uses] = await Promise.all([
    db.listing.findMany({
      where: { ...where, status: { not: "DRAFT" } },
      orderBy: { createdAt: "asc" },
      select: {
        id: true,
        title: true,
        consent: { select: { epsilonBudget: true } },
        budget: { select: { totalCentis: true, spentCentis: true } },
      },
    }),
    db.analysisListing.findMany({
      where: { listing: where, job: { status: "RELEASED" } },
      select: {
        listingId: true,
        creditedWei: true,
        job: {
          select: {
            id: true,
            spec: true,
            epsilonCentis: true,
            anchorTxHash: true,
            createdAt: true,
            finishedAt: true,
            request: {
              select: { purpose: true, researcher: { select: { displayName: true } } },
            },
          },
        },
      },
    }),
  ]);
  uses.sort(
    (a, b) =>
      (a.job.finishedAt ?? a.job.createdAt).getTime() -
      (b.job.finishedAt ?? b.job.createdAt).getTime(),
  );
  const budgets = listings
    .map((listing) => {
      const total = listing.budget?.totalCentis ?? listing.consent?.epsilonBudget ?? 0;
      const spent = listing.budget?.spentCentis ?? 0;
      return {
        listingId: listing.id,
        listing: listing.title,
        totalCentis: total,
        spentCentis: spent,
        leftCentis: Math.max(total - spent, 0),
        analyses: uses.filter((use) => use.listingId === listing.id).length,
      };
    })
    .filter((budget) => budget.totalCentis > 0 || budget.analyses > 0);
  const titles = new Map(listings.map((listing) => [listing.id, listing]));
  const total = new Map(budgets.map((budget) => [budget.listingId, budget.totalCentis]));
  const spentSoFar = new Map<string, number>();
  const entries = uses.map((use) => {
    const spent = (spentSoFar.get(use.listingId) ?? 0) + use.job.epsilonCentis;
    spentSoFar.set(use.listingId, spent);
    const left = Math.max((total.get(use.listingId) ?? 0) - spent, 0);
    const payment =
      use.creditedWei === null
        ? "payment pending"
        : `+${formatTokens(use.creditedWei.toFixed(0))} TSR paid`;
    return {
      id: `analysis-${use.job.id}-${use.listingId}`,
      kind: "ANALYSIS" as const,
      at: use.job.finishedAt ?? use.job.createdAt,
      listing: titles.get(use.listingId)?.title ?? null,
      researcher: use.job.request.researcher.displayName,
      purpose: PURPOSES[use.job.request.purpose]?.label ?? "Unknown purpose",
      detail: `${kindOf(use.job.spec)}: ε ${epsilon(use.job.epsilonCentis)} used, ${epsilon(left)} of ${epsilon(total.get(use.listingId) ?? 0)} left; ${payment}`,
      txHash: use.job.anchorTxHash,
      epsilonCentis: use.job.epsilonCentis,
    };
  });
  return { entries, budgets };
}

/** Every analysis of the participant's listings and each listing's budget. */
export function analysisLedger(db: DbClient, userId: string) {
  return loadAnalyses(db, { ownerId: userId });
}

/** One of the participant's own listings: its budget and the analyses that used it. */
export async function listingBudget(db: DbClient, userId: string, listingId: string) {
  const owned = await db.listing.findFirst({
    where: { id: listingId, ownerId: userId },
    select: { id: true },
  });
  if (!owned) throw new AppError("NOT_FOUND", "No listing of yours has this id.");
  const { entries, budgets } = await loadAnalyses(db, { ownerId: userId, id: listingId });
  return {
    budget: budgets[0] ?? null,
    analyses: entries.map(({ id, at, researcher, purpose, detail, txHash, epsilonCentis }) => ({
      id,
      at,
      researcher,
      purpose,
      detail,
      txHash,
      epsilonCentis,
    })),
  };
}
