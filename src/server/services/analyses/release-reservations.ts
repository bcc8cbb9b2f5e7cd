import "server-only";
import type { DbTransaction } from "~/server/db";
import type { AnalysisStatus } from "~/server/generated/prisma/enums";

/**
 * Ends a job that will never be charged (failed, refused, swept): its status and reason, and
 * the ε it reserved handed back to every listing, in the caller's transaction. Only a job still
 * in one of `from` changes, so a late failure never undoes a projected charge.
 */
export async function endUnchargedJob(
  tx: DbTransaction,
  jobId: string,
  outcome: { status: AnalysisStatus; reason: string; from: AnalysisStatus[] },
): Promise<boolean> {
  const ended = await tx.analysisJob.updateMany({
    where: { id: jobId, status: { in: outcome.from } },
    data: { status: outcome.status, reason: outcome.reason, finishedAt: new Date() },
  });
  if (ended.count !== 1) return false;
  const job = await tx.analysisJob.findUniqueOrThrow({
    where: { id: jobId },
    // Rows in id order, as reservations take them: overlapping cohorts cannot deadlock.
    select: {
      epsilonCentis: true,
      listings: { select: { listingId: true }, orderBy: { listingId: "asc" } },
    },
  });
  for (const { listingId } of job.listings)
    await tx.$executeRaw`UPDATE "PrivacyBudget"
      SET "reservedCentis" = GREATEST("reservedCentis" - ${job.epsilonCentis}, 0), "updatedAt" = now()
      WHERE "listingId" = ${listingId}`;
  return true;
}
