import "server-only";
import type { DbClient } from "~/server/db";
import { AppError } from "~/server/errors";
import { getBlob } from "~/server/storage/blob-store";

const JOB_SELECT = {
  id: true,
  requestId: true,
  researcherId: true,
  chainKey: true,
  status: true,
  reason: true,
  epsilonCentis: true,
  queryHash: true,
  outputHash: true,
  outputBlobKey: true,
  disclosure: true,
  createdAt: true,
  finishedAt: true,
  _count: { select: { listings: true } },
} as const;

type JobRow = {
  id: string;
  requestId: string;
  chainKey: string;
  status: string;
  reason: string | null;
  epsilonCentis: number;
  queryHash: string | null;
  outputHash: string | null;
  disclosure: unknown;
  createdAt: Date;
  finishedAt: Date | null;
  _count: { listings: number };
};

function toSummary(job: JobRow) {
  return {
    id: job.id,
    requestId: job.requestId,
    analysisId: job.chainKey,
    status: job.status,
    reason: job.reason,
    epsilon: job.epsilonCentis / 100,
    listings: job._count.listings,
    queryHash: job.queryHash,
    outputHash: job.outputHash,
    createdAt: job.createdAt,
    finishedAt: job.finishedAt,
  };
}

/**
 * One of the researcher's analyses. Its released file (output and disclosure) is read only
 * when the charge is on chain and projected (RELEASED): before, and after a refusal, nobody
 * sees a value.
 */
export async function getAnalysis(options: { db: DbClient; researcherId: string; jobId: string }) {
  const job = await options.db.analysisJob.findUnique({
    where: { id: options.jobId },
    select: JOB_SELECT,
  });
  if (!job || job.researcherId !== options.researcherId)
    throw new AppError("NOT_FOUND", "No analysis of yours has this id.");
  const released =
    job.status === "RELEASED" && job.outputBlobKey
      ? (JSON.parse((await getBlob(job.outputBlobKey)).toString("utf8")) as Record<string, unknown>)
      : null;
  return {
    ...toSummary(job),
    output: released?.output ?? null,
    disclosure: released?.disclosure ?? null,
  };
}

/** The analyses of one of the researcher's requests, newest first, without their results. */
export async function listAnalyses(options: {
  db: DbClient;
  researcherId: string;
  requestId: string;
}) {
  const request = await options.db.accessRequest.findUnique({
    where: { id: options.requestId },
    select: { researcherId: true },
  });
  if (!request || request.researcherId !== options.researcherId)
    throw new AppError("NOT_FOUND", "No request of yours has this id.");
  const jobs = await options.db.analysisJob.findMany({
    where: { requestId: options.requestId },
    orderBy: { createdAt: "desc" },
    take: 200,
    select: JOB_SELECT,
  });
  return jobs.map(toSummary);
}
