import "server-only";
import { getEnv } from "~/env";
import type { DbClient } from "~/server/db";
import type { Prisma } from "~/server/generated/prisma/client";
import { PURPOSES } from "~/server/services/consent/purposes";
import type { RESULTS_STATUSES } from "~/shared/research-output";

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Where the results of a request stand: REPORTED (an output is on chain), AWAITING (data was
 * used, no output yet, within RESULTS_GRACE_DAYS of the access period's end), NO_RESULTS
 * (that time has passed without one: shown to sponsors and participants as "no results
 * reported"), NO_DATA_USED (nothing to report on).
 */
export type ResultsStatus = (typeof RESULTS_STATUSES)[number];

export function resultsStatusOf(
  request: { accessUntil: Date; hasDataUse: boolean; reportedOutputs: number },
  now: Date,
  graceDays = getEnv().RESULTS_GRACE_DAYS,
): ResultsStatus {
  if (request.reportedOutputs > 0) return "REPORTED";
  if (!request.hasDataUse) return "NO_DATA_USED";
  return request.accessUntil.getTime() + graceDays * DAY_MS < now.getTime()
    ? "NO_RESULTS"
    : "AWAITING";
}

export const OUTPUT_SELECT = {
  id: true,
  kind: true,
  title: true,
  doi: true,
  url: true,
  summary: true,
  anchorStatus: true,
  anchorTxHash: true,
  registeredAt: true,
  createdAt: true,
} satisfies Prisma.ResearchOutputSelect;

type OutputRow = Prisma.ResearchOutputGetPayload<{ select: typeof OUTPUT_SELECT }>;

export function toOutputDto(row: OutputRow) {
  return {
    id: row.id,
    kind: row.kind,
    title: row.title,
    doi: row.doi,
    url: row.url,
    summary: row.summary,
    status: row.anchorStatus,
    txHash: row.anchorTxHash,
    registeredAt: row.registeredAt,
  };
}
export type TOutputDto = ReturnType<typeof toOutputDto>;

/**
 * The requests that used data of the listings `listings` selects (a data use recorded on
 * chain), with the outputs registered on chain against each and where their results stand.
 * For a participant's ledger (their listings) and a sponsor's trial overview (the trial's).
 */
export async function findResultsOfListings(options: {
  db: DbClient;
  listings: Prisma.ListingWhereInput;
  now?: Date;
}) {
  const now = options.now ?? new Date();
  const usedHere = { anchorStatus: "CONFIRMED" as const, listing: options.listings };
  const requests = await options.db.accessRequest.findMany({
    where: { dataUses: { some: usedHere } },
    orderBy: { accessUntil: "desc" },
    select: {
      id: true,
      purpose: true,
      accessUntil: true,
      researcher: { select: { displayName: true } },
      dataUses: {
        where: usedHere,
        select: { listingId: true, listing: { select: { title: true } } },
      },
      outputs: {
        where: { anchorStatus: "CONFIRMED" },
        orderBy: { registeredAt: "asc" },
        select: OUTPUT_SELECT,
      },
    },
  });
  return requests.map((request) => {
    const listings = new Map(request.dataUses.map((use) => [use.listingId, use.listing.title]));
    return {
      requestId: request.id,
      purpose: PURPOSES[request.purpose]?.label ?? "Unknown purpose",
      researcher: request.researcher.displayName,
      accessUntil: request.accessUntil,
      listings: [...listings.values()],
      outputs: request.outputs.map(toOutputDto),
      resultsStatus: resultsStatusOf(
        {
          accessUntil: request.accessUntil,
          hasDataUse: true,
          reportedOutputs: request.outputs.length,
        },
        now,
      ),
    };
  });
}
