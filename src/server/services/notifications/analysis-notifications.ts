import "server-only";
import type { DbClient } from "~/server/db";
import type { NewNotification } from "./collect-notifications";

/**
 * Compute-to-data's events (issue 18): the owner of each listing an analysis used is told, with
 * the ε it spent (their budget is theirs to watch); the researcher is told the result is
 * released. Only analyses whose charge is on chain (RELEASED) count. As everywhere in
 * notifications, no title, variable or value: what the analysis asked stays on the pages.
 */
export async function forAnalyses(db: DbClient, since: Date): Promise<NewNotification[]> {
  const released = await db.analysisJob.findMany({
    where: { status: "RELEASED", finishedAt: { gte: since } },
    select: {
      id: true,
      researcherId: true,
      requestId: true,
      epsilonCentis: true,
      listings: { select: { listing: { select: { id: true, ownerId: true } } } },
    },
  });
  return released.flatMap((job) => [
    {
      userId: job.researcherId,
      kind: "analysis.released",
      idempotencyKey: `analysis.released:${job.id}`,
      title: "Your analysis result is ready",
      body: "An analysis passed its disclosure checks and its privacy cost is recorded on chain; the released result can be read and downloaded.",
      link: "/researcher/requests",
    },
    ...job.listings.map(({ listing }) => ({
      userId: listing.ownerId,
      kind: "data.analysed",
      idempotencyKey: `data.analysed:${job.id}:${listing.id}`,
      title: "Your data was used in an analysis",
      body: `An analysis ran on one of your listings where it is stored; only checked, noised results left. It spent ε ${(job.epsilonCentis / 100).toFixed(2)} of the listing's privacy budget, recorded on chain. Your ledger shows it.`,
      link: "/participant/ledger",
    })),
  ]);
}
