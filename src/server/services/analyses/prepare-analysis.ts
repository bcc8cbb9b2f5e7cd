import "server-only";
import type { Chain } from "~/server/chain/client";
import type { DbClient } from "~/server/db";
import { AppError } from "~/server/errors";
import type { Role } from "~/server/generated/prisma/enums";
import { parseAnalysisSpec } from "~/server/analysis/validate-spec";
import { ANALYSIS_LIMITS, type TAnalysisSpec } from "~/shared/analysis-spec";
import { readViews } from "~/server/chain/read-views";
import { APPROVED_ITEMS, assertUsableRequest } from "~/server/services/extracts/approved-request";

/**
 * What an analysis reads of a request: also what the builder's catalogue reads, so the two
 * judge a listing's usability from the same fields.
 */
export const ANALYSIS_REQUEST_SELECT = {
  id: true,
  chainKey: true,
  researcherId: true,
  accessUntil: true,
  anchorStatus: true,
  analysisCredits: true,
  items: {
    ...APPROVED_ITEMS,
    select: {
      itemIndex: true,
      listing: {
        select: {
          id: true,
          chainKey: true,
          title: true,
          blobKey: true,
          dataRoot: true,
          report: true,
          erasedAt: true,
          consent: { select: { minCellCount: true } },
          budget: { select: { reservedCentis: true } },
        },
      },
    },
  },
} as const;

/** Each item's consent, budget and anchored root, by item index, from one block. */
export async function readListingsOnChain(
  chain: Chain,
  requestKey: string,
  items: readonly { itemIndex: number; listing: { chainKey: string } }[],
) {
  const { marketplace } = chain.contracts;
  const keys = items.map(({ listing }) => [listing.chainKey]);
  const [states, budgets, anchors] = await Promise.all([
    readViews(
      chain,
      marketplace,
      "itemState",
      items.map(({ itemIndex }) => [requestKey, itemIndex]),
    ),
    readViews(chain, marketplace, "privacyBudget", keys),
    readViews(chain, marketplace, "getListing", keys),
  ]);
  return new Map(
    items.map(({ itemIndex }, k) => [
      itemIndex,
      {
        inForce: states[k]![2] as boolean,
        budget: { total: Number(budgets[k]![0]), spent: Number(budgets[k]![1]) },
        anchored: { root: anchors[k]![1] as string, dataVersion: Number(anchors[k]![4]) },
      },
    ]),
  );
}

export type AnalysisListingPlan = {
  id: string;
  chainKey: string;
  title: string;
  itemIndex: number;
  blobKey: string | null;
  dataRoot: string;
  report: unknown;
  /** The chain's budget and what it has spent, hundredths of ε (the DB mirror is synced to it). */
  budget: { total: number; spent: number };
  /** The listing's root and data version on chain, read with the rest. */
  anchored: { root: string; dataVersion: number };
};

export type AnalysisPlan = {
  request: { id: string; chainKey: string };
  spec: TAnalysisSpec;
  epsilonCentis: number;
  /** The largest minimum cell count of the listings used, never below 5. */
  threshold: number;
  listings: AnalysisListingPlan[];
  /** Listings left out, named with why (the researcher is told). */
  excluded: { listingId: string; title: string; reason: string }[];
};

/**
 * Step 1 of docs/compute-to-data.md §4.3: every check before anything is written. The
 * researcher's own confirmed request, its access period running, approved items whose consent
 * epoch is still in force on chain, and per listing a budget that has `ε` left (chain budget −
 * chain spent − reservations of jobs under way). Nothing left → a clear error.
 */
export async function prepareAnalysis(options: {
  db: DbClient;
  chain: Chain;
  researcher: { id: string; role: Role };
  requestId: string;
  spec: unknown;
  /** Listings to leave out (a reservation found them spent meanwhile). */
  skip?: ReadonlySet<string>;
}): Promise<AnalysisPlan> {
  const { db, chain } = options;
  if (options.researcher.role !== "RESEARCHER")
    throw new AppError("FORBIDDEN", "Only researchers run analyses.");
  const request = await db.accessRequest.findUnique({
    where: { id: options.requestId },
    select: ANALYSIS_REQUEST_SELECT,
  });
  assertUsableRequest(request, options.researcher.id);
  // Only the request's researcher learns whether a spec is valid.
  const spec = parseAnalysisSpec(options.spec);
  const used = await db.analysisJob.count({
    where: { requestId: request.id, status: { in: ["RESERVED", "CHARGING", "RELEASED"] } },
  });
  if (request.analysisCredits - used <= 0)
    throw new AppError(
      "FORBIDDEN",
      "No analysis credit is left on this request; buy analyses first.",
    );

  const epsilon = spec.epsilonCentis;
  const listings: AnalysisListingPlan[] = [];
  const excluded: AnalysisPlan["excluded"] = [];
  let threshold: number = ANALYSIS_LIMITS.defaultThreshold;
  const minimums: number[] = [];
  // Three chain reads per listing, batched: a 500-listing cohort is 1,500 calls.
  const onChain = await readListingsOnChain(
    chain,
    request.chainKey,
    request.items.filter(
      ({ listing }) => !options.skip?.has(listing.id) && !listing.erasedAt && listing.blobKey,
    ),
  );
  for (const item of request.items) {
    const { listing } = item;
    const leaveOut = (reason: string) =>
      excluded.push({ listingId: listing.id, title: listing.title, reason });
    const read = onChain.get(item.itemIndex);
    if (!read || !listing.blobKey) {
      leaveOut(listing.erasedAt ? "erased at its owner's request" : "its privacy budget is spent");
      continue;
    }
    if (!read.inForce) {
      leaveOut("its consent has ended (revoked, given anew, or the trial's protocol changed)");
      continue;
    }
    const { budget } = read;
    if (budget.total === 0) {
      leaveOut("its owner allows no analyses");
      continue;
    }
    const reserved = listing.budget?.reservedCentis ?? 0;
    if (budget.total - budget.spent - reserved < epsilon) {
      leaveOut(
        `its privacy budget is spent (ε ${centis(Math.max(0, budget.total - budget.spent - reserved))} left, ε ${centis(epsilon)} asked)`,
      );
      continue;
    }
    minimums.push(listing.consent?.minCellCount ?? ANALYSIS_LIMITS.defaultThreshold);
    listings.push({
      id: listing.id,
      chainKey: listing.chainKey,
      title: listing.title,
      itemIndex: item.itemIndex,
      blobKey: listing.blobKey,
      dataRoot: listing.dataRoot,
      report: listing.report,
      budget,
      anchored: read.anchored,
    });
  }
  if (listings.length === 0)
    throw new AppError(
      "CONFLICT",
      `No listing of this request can take part in this analysis: ${excluded
        .map((entry) => `'${entry.title}' (${entry.reason})`)
        .join("; ")}. Nothing was charged.`,
    );
  // Defence in depth: a row forced below the floor still gets the floor.
  if (minimums.length > 0) threshold = Math.max(ANALYSIS_LIMITS.minThreshold, ...minimums);
  return {
    request: { id: request.id, chainKey: request.chainKey },
    spec,
    epsilonCentis: epsilon,
    threshold,
    listings,
    excluded,
  };
}

export const centis = (value: number) => (value / 100).toFixed(2);
