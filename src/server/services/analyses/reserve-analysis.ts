import "server-only";
import { randomUUID } from "node:crypto";
import type { DbClient } from "~/server/db";
import { AppError } from "~/server/errors";
import { analysisIdFor } from "./analysis-hashes";
import type { AnalysisPlan } from "./prepare-analysis";

/** A listing whose budget another job took between prepare and reserve. */
export class BudgetTaken extends Error {
  constructor(readonly listingIds: string[]) {
    super("budget taken meanwhile");
  }
}

/**
 * Step 2 of docs/compute-to-data.md §4.3, in one transaction: the request's row is locked (so
 * its credits are counted once by concurrent runs), the chain's budget is mirrored, and each
 * listing's ε is reserved by a row-guarded UPDATE that only succeeds while enough is left. Any
 * listing whose guard fails aborts the whole reservation (BudgetTaken): the caller prepares
 * again without it. Concurrent jobs therefore never reserve past a budget.
 */
export async function reserveAnalysis(
  db: DbClient,
  plan: AnalysisPlan,
  researcherId: string,
): Promise<{ jobId: string }> {
  const epsilon = plan.epsilonCentis;
  return db.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT id FROM "AccessRequest" WHERE id = ${plan.request.id} FOR UPDATE`;
    const [request, used] = await Promise.all([
      tx.accessRequest.findUniqueOrThrow({
        where: { id: plan.request.id },
        select: { analysisCredits: true },
      }),
      tx.analysisJob.count({
        where: { requestId: plan.request.id, status: { in: ["RESERVED", "CHARGING", "RELEASED"] } },
      }),
    ]);
    if (request.analysisCredits - used <= 0)
      throw new AppError(
        "FORBIDDEN",
        "No analysis credit is left on this request; buy analyses first.",
      );
    // One statement each for the whole cohort (a statement per listing was a thousand round
    // trips for 500 listings), rows taken in id order so that concurrent reservations over
    // overlapping cohorts lock in the same order and cannot deadlock.
    const listings = [...plan.listings].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const ids = listings.map((listing) => listing.id);
    // The chain is the truth for the total and what was charged; reservations are ours.
    await tx.$executeRaw`INSERT INTO "PrivacyBudget" ("listingId", "totalCentis", "spentCentis", "reservedCentis", "updatedAt")
      SELECT chain."listingId", chain."totalCentis", chain."spentCentis", 0, now()
      FROM unnest(${ids}::text[], ${listings.map((listing) => listing.budget.total)}::int[],
        ${listings.map((listing) => listing.budget.spent)}::int[])
        AS chain("listingId", "totalCentis", "spentCentis")
      ORDER BY chain."listingId"
      ON CONFLICT ("listingId") DO UPDATE SET
        "totalCentis" = EXCLUDED."totalCentis",
        "spentCentis" = GREATEST("PrivacyBudget"."spentCentis", EXCLUDED."spentCentis"),
        "updatedAt" = now()`;
    const reserved = await tx.$queryRaw<{ listingId: string }[]>`UPDATE "PrivacyBudget"
      SET "reservedCentis" = "reservedCentis" + ${epsilon}, "updatedAt" = now()
      WHERE "listingId" = ANY(${ids}::text[])
        AND "totalCentis" - "spentCentis" - "reservedCentis" >= ${epsilon}
      RETURNING "listingId"`;
    const granted = new Set(reserved.map((row) => row.listingId));
    const taken = ids.filter((id) => !granted.has(id));
    if (taken.length > 0) throw new BudgetTaken(taken);
    const jobId = randomUUID();
    await tx.analysisJob.create({
      data: {
        id: jobId,
        requestId: plan.request.id,
        researcherId,
        chainKey: analysisIdFor(plan.request.chainKey, jobId),
        spec: plan.spec,
        epsilonCentis: epsilon,
        listings: {
          createMany: {
            data: plan.listings.map((listing) => ({
              listingId: listing.id,
              itemIndex: listing.itemIndex,
            })),
          },
        },
      },
      select: { id: true },
    });
    return { jobId };
  });
}
