import "server-only";
import { getEnv } from "~/env";
import type { DbClient } from "~/server/db";
import { endUnchargedJob } from "./release-reservations";

/**
 * A job still RESERVED well after the engine's time limit was cut off by a crash between
 * compute and seal: it is ended FAILED and its reservation handed back. Nothing was charged
 * and nothing released (docs/compute-to-data.md §4.3). Returns how many were swept. The
 * window is wider than the design's 2 × the time limit: a job may wait behind the engine's
 * queue (one running, four waiting) before its own run starts; one swept while it still runs
 * is refused at its seal, so it is never charged either.
 */
const STALE_AFTER_TIMEOUTS = 6;
export async function sweepStaleAnalyses(options: { db: DbClient; now?: Date }): Promise<number> {
  const now = options.now ?? new Date();
  const before = new Date(now.getTime() - STALE_AFTER_TIMEOUTS * getEnv().ANALYSIS_TIMEOUT_MS);
  const stale = await options.db.analysisJob.findMany({
    where: { status: "RESERVED", createdAt: { lt: before } },
    select: { id: true },
    take: 500,
  });
  let swept = 0;
  for (const { id } of stale) {
    const ended = await options.db.$transaction((tx) =>
      endUnchargedJob(tx, id, {
        status: "FAILED",
        reason: "The analysis was interrupted before it finished; nothing was charged.",
        from: ["RESERVED"],
      }),
    );
    if (ended) swept += 1;
  }
  return swept;
}
