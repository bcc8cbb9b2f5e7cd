import "server-only";
import { enqueueChainWrite } from "~/server/chain/outbox";
import type { Chain } from "~/server/chain/client";
import type { DbClient } from "~/server/db";
import { AppError } from "~/server/errors";
import type { Role } from "~/server/generated/prisma/enums";
import { describeError, logger } from "~/server/logger";
import { runAnalysisJob } from "~/server/analysis/runner/run-analysis-job";
import type { AnalysisResult } from "~/server/analysis/evaluate/run";
import { deleteBlob, putBlob } from "~/server/storage/blob-store";
import { outputHashOf, packIndices, queryHashFor, releasedBytes } from "./analysis-hashes";
import { loadCohort } from "./load-cohort";
import { prepareAnalysis, type AnalysisPlan } from "./prepare-analysis";
import { endUnchargedJob } from "./release-reservations";
import { BudgetTaken, reserveAnalysis } from "./reserve-analysis";

const MAX_RESERVE_ATTEMPTS = 3;

/**
 * Runs a researcher's analysis (docs/compute-to-data.md §4.3): prepare, reserve ε, run in the
 * isolated engine, seal the released output and queue its charge. The result is readable only
 * once the chain's AnalysisRecorded event is projected (RELEASED). A failure before the seal
 * charges nothing and hands the reservation back.
 */
export async function runAnalysis(options: {
  db: DbClient;
  chain: Chain;
  researcher: { id: string; role: Role };
  requestId: string;
  spec: unknown;
  /** Tests only: the engine's probes build in place of the real one. */
  engine?: typeof runAnalysisJob;
}) {
  const { db, chain } = options;
  const engine = options.engine ?? runAnalysisJob;
  const skip = new Set<string>();
  for (let attempt = 0; attempt < MAX_RESERVE_ATTEMPTS; attempt++) {
    const plan = await prepareAnalysis({ ...options, skip });
    const columns = await loadCohort(chain, plan.spec, plan.listings);
    let jobId: string;
    try {
      ({ jobId } = await reserveAnalysis(db, plan, options.researcher.id));
    } catch (error) {
      if (!(error instanceof BudgetTaken)) throw error;
      for (const id of error.listingIds) skip.add(id);
      continue;
    }
    const result = await runOrFail(db, jobId, () =>
      engine({ spec: plan.spec, columns, threshold: plan.threshold }),
    );
    if (result.allSuppressed) {
      const refusal = await refuseEmptyForFree(db, plan.request.id, jobId);
      if (refusal) throw new AppError("BAD_INPUT", refusal);
      // Past the free refusals the all-suppressed table is charged and released like any result.
    }
    await sealAnalysis(db, chain, plan, jobId, result);
    return {
      jobId,
      excluded: plan.excluded.map(({ title, reason }) => ({ title, reason })),
    };
  }
  throw new AppError("CONFLICT", "Budgets changed while you asked; try again.");
}

/**
 * "Every cell would be suppressed" is itself one bit about the data, so it cannot be free
 * without limit (docs/compute-to-data.md §3.2): a request gets FREE_EMPTY_REFUSALS of them,
 * counted under the request's row lock so concurrent runs cannot slip an extra one through.
 * Returns the refusal to show, or null when this one must be charged.
 */
export const FREE_EMPTY_REFUSALS = 10;

async function refuseEmptyForFree(
  db: DbClient,
  requestId: string,
  jobId: string,
): Promise<string | null> {
  return db.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT id FROM "AccessRequest" WHERE id = ${requestId} FOR UPDATE`;
    const earlier = await tx.analysisJob.count({
      where: { requestId, status: "REFUSED_EMPTY" },
    });
    if (earlier >= FREE_EMPTY_REFUSALS) return null;
    const left = FREE_EMPTY_REFUSALS - earlier - 1;
    const reason = `Every cell would be suppressed: the groups are smaller than the smallest group the listings' owners allow. Use fewer or broader groups. Nothing was charged; ${left === 0 ? "the next such analysis on this request will be charged and released with every cell suppressed" : `${left} more such refusal${left === 1 ? "" : "s"} on this request will be free`}.`;
    await endUnchargedJob(tx, jobId, { status: "REFUSED_EMPTY", reason, from: ["RESERVED"] });
    return reason;
  });
}

async function runOrFail(
  db: DbClient,
  jobId: string,
  run: () => Promise<AnalysisResult>,
): Promise<AnalysisResult> {
  try {
    return await run();
  } catch (error) {
    const reason =
      error instanceof AppError ? error.message : "The analysis failed inside the engine.";
    if (!(error instanceof AppError))
      logger.error("analysis failed", { jobId, error: describeError(error) });
    await db.$transaction((tx) =>
      endUnchargedJob(tx, jobId, { status: "FAILED", reason, from: ["RESERVED"] }),
    );
    throw error instanceof AppError ? error : new AppError("UNAVAILABLE", reason);
  }
}

/**
 * Step 4: the released file's canonical bytes, stored encrypted; its hash and the query's in
 * the job; the operator's recordAnalysis queued in the same transaction (idempotency key per
 * job, and the chain refuses a second record of the same analysisId: one charge).
 */
async function sealAnalysis(
  db: DbClient,
  chain: Chain,
  plan: AnalysisPlan,
  jobId: string,
  result: AnalysisResult,
) {
  const job = await db.analysisJob.findUniqueOrThrow({
    where: { id: jobId },
    select: { chainKey: true },
  });
  const listingKeys = plan.listings.map((listing) => listing.chainKey);
  const queryHash = queryHashFor(plan.spec, listingKeys);
  const document = {
    version: 1,
    chainId: chain.chainId,
    marketplace: chain.deployment.contracts.DataMarketplace,
    requestId: plan.request.chainKey,
    analysisId: job.chainKey,
    queryHash,
    epsilonCentis: plan.epsilonCentis,
    listings: listingKeys,
    spec: plan.spec,
    output: result.output,
    disclosure: result.disclosure,
  };
  const bytes = releasedBytes(document);
  const outputHash = outputHashOf(bytes);
  const blobKey = await putBlob(bytes);
  const sealed = await db.$transaction(async (tx) => {
    const updated = await tx.analysisJob.updateMany({
      where: { id: jobId, status: "RESERVED" },
      data: {
        status: "CHARGING",
        queryHash,
        outputHash,
        outputBlobKey: blobKey,
        disclosure: JSON.parse(JSON.stringify(result.disclosure)) as object,
      },
    });
    if (updated.count !== 1) return false;
    await enqueueChainWrite(tx, {
      kind: "analysis.record",
      entityId: jobId,
      idempotencyKey: `analysis.record:${jobId}`,
      signer: chain.relayer.address,
      payload: {
        type: "operator",
        contract: "DataMarketplace",
        data: chain.contracts.marketplace.interface.encodeFunctionData("recordAnalysis", [
          plan.request.chainKey,
          job.chainKey,
          queryHash,
          outputHash,
          plan.epsilonCentis,
          packIndices(plan.listings.map((listing) => listing.itemIndex)),
        ]),
      },
    });
    return true;
  });
  if (!sealed) {
    // The sweeper ended the job while it ran (a stalled run): its result is never released.
    await deleteBlob(blobKey);
    throw new AppError(
      "CONFLICT",
      "The analysis took too long and was stopped; nothing was charged.",
    );
  }
}
