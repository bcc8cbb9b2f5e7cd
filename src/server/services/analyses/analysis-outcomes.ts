import "server-only";
import type { DbTransaction } from "~/server/db";
import { deleteBlob } from "~/server/storage/blob-store";
import { endUnchargedJob } from "./release-reservations";

/** The chain's refusals of recordAnalysis, in the researcher's words. */
const REFUSALS: [prefix: string, words: string][] = [
  ["BudgetExhausted", "A listing's privacy budget was spent before the charge was recorded."],
  ["ConsentEpochEnded", "A listing's consent ended before the charge was recorded."],
  ["AccessPeriodEnded", "The request's access period ended before the charge was recorded."],
  ["NoAnalysisCredit", "No analysis credit was left when the charge was recorded."],
  ["WrongItemStatus", "A listing's approval changed before the charge was recorded."],
  ["MarketplacePaused", "The marketplace is paused; run the analysis again later."],
];

/**
 * The outbox's failure handler for "analysis.record" (docs/compute-to-data.md §4.3 step 6). A
 * replayed send refused with AnalysisAlreadyRecorded changes nothing: the first send's event
 * releases the job. Any other refusal ends a job still CHARGING as REFUSED, hands back its
 * reservation and deletes its sealed output, which nobody has seen (a derived result, not user
 * data). A job already RELEASED is never touched.
 */
export async function refuseAnalysisCharge(
  tx: DbTransaction,
  jobId: string,
  revertReason: string,
): Promise<void> {
  if (revertReason.startsWith("AnalysisAlreadyRecorded")) return;
  const words =
    REFUSALS.find(([prefix]) => revertReason.startsWith(prefix))?.[1] ??
    "The chain refused to record the analysis.";
  const job = await tx.analysisJob.findUnique({
    where: { id: jobId },
    select: { outputBlobKey: true },
  });
  const ended = await endUnchargedJob(tx, jobId, {
    status: "REFUSED",
    reason: `${words} Nothing was charged and no result was released.`,
    from: ["CHARGING"],
  });
  if (!ended || !job?.outputBlobKey) return;
  await tx.analysisJob.update({ where: { id: jobId }, data: { outputBlobKey: null } });
  await deleteBlob(job.outputBlobKey);
}
