import "server-only";
import type { DbTransaction } from "~/server/db";
import { recordPayout, text, type Projection } from "./helpers";

/** Adds `delta` to each listing's mirrored spent ε, moving it out of (or back into) reserved. */
async function moveCharge(tx: DbTransaction, jobId: string, delta: number, reserved: boolean) {
  // Rows in id order, as reservations take them: overlapping cohorts cannot deadlock.
  const listings = await tx.analysisListing.findMany({
    where: { jobId },
    select: { listingId: true },
    orderBy: { listingId: "asc" },
  });
  const fromReserved = reserved ? delta : 0;
  for (const { listingId } of listings)
    await tx.$executeRaw`UPDATE "PrivacyBudget"
      SET "spentCentis" = GREATEST("spentCentis" + ${delta}, 0),
          "reservedCentis" = GREATEST("reservedCentis" - ${fromReserved}, 0),
          "updatedAt" = now()
      WHERE "listingId" = ${listingId}`;
}

/** Analysis credits, charges and payments (docs/compute-to-data.md §4.3, §5). */
export const ANALYSIS_PROJECTIONS: Record<string, Projection> = {
  AnalysesFunded: {
    apply: async (tx, event) => {
      await tx.accessRequest.updateMany({
        where: { chainKey: text(event, "requestId") },
        data: { analysisCredits: { increment: Number(text(event, "count")) } },
      });
    },
    undo: async (tx, event) => {
      await tx.accessRequest.updateMany({
        where: { chainKey: text(event, "requestId") },
        data: { analysisCredits: { decrement: Number(text(event, "count")) } },
      });
    },
  },
  // The charge landed: the result becomes readable, and ε moves from reserved to spent.
  AnalysisRecorded: {
    apply: async (tx, event) => {
      const job = await tx.analysisJob.findUnique({
        where: { chainKey: text(event, "analysisId") },
        select: { id: true, status: true },
      });
      if (!job || job.status === "RELEASED") return;
      await tx.analysisJob.update({
        where: { id: job.id },
        data: { status: "RELEASED", anchorTxHash: event.txHash, finishedAt: event.blockTime },
      });
      await moveCharge(tx, job.id, Number(text(event, "epsilon")), job.status === "CHARGING");
    },
    undo: async (tx, event) => {
      const job = await tx.analysisJob.findUnique({
        where: { chainKey: text(event, "analysisId") },
        select: { id: true, status: true, anchorTxHash: true },
      });
      if (job?.status !== "RELEASED" || job.anchorTxHash !== event.txHash) return;
      await tx.analysisJob.update({
        where: { id: job.id },
        data: { status: "CHARGING", anchorTxHash: null, finishedAt: null },
      });
      await moveCharge(tx, job.id, -Number(text(event, "epsilon")), true);
    },
  },
  AnalysisSettled: {
    apply: async (tx, event) => {
      const row = await tx.analysisListing.findFirst({
        where: {
          job: { chainKey: text(event, "analysisId") },
          listing: { chainKey: text(event, "listingId") },
        },
        select: {
          jobId: true,
          listingId: true,
          job: { select: { requestId: true } },
          listing: { select: { ownerAddress: true, owner: { select: { walletAddress: true } } } },
        },
      });
      if (!row) return;
      const credited = text(event, "credited");
      await tx.analysisListing.update({
        where: { jobId_listingId: { jobId: row.jobId, listingId: row.listingId } },
        data: { creditedWei: credited, settledAt: event.blockTime },
      });
      await recordPayout(
        tx,
        event,
        row.listing.ownerAddress ?? row.listing.owner.walletAddress,
        "ANALYSIS_CREDIT",
        credited,
        { requestId: row.job.requestId, listingId: row.listingId },
      );
    },
    undo: async (tx, event) => {
      await tx.payout.deleteMany({ where: { eventId: event.eventId } });
      await tx.analysisListing.updateMany({
        where: {
          job: { chainKey: text(event, "analysisId") },
          listing: { chainKey: text(event, "listingId") },
        },
        data: { creditedWei: null, settledAt: null },
      });
    },
  },
};
