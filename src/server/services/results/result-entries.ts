import "server-only";
import { getEnv } from "~/env";
import type { DbClient } from "~/server/db";
import { outputLink, RESEARCH_OUTPUT_LABELS } from "~/shared/research-output";
import { findResultsOfListings } from "./find-results";

const DAY_MS = 24 * 60 * 60 * 1000;

export type ResultEntry = {
  id: string;
  kind: "RESULT" | "NO_RESULTS";
  at: Date;
  listing: string;
  researcher: string;
  purpose: string;
  detail: string;
  txHash: string | null;
  link: string | null;
};

/**
 * A participant's ledger lines about results: one per output registered from a request that
 * used their data, and "no results reported" for a request whose grace period ended without one.
 */
export async function resultEntries(
  db: DbClient,
  userId: string,
  now = new Date(),
): Promise<ResultEntry[]> {
  const graceDays = getEnv().RESULTS_GRACE_DAYS;
  const requests = await findResultsOfListings({ db, listings: { ownerId: userId }, now });
  return requests.flatMap((request): ResultEntry[] => {
    const common = {
      listing: request.listings.join(", "),
      researcher: request.researcher,
      purpose: request.purpose,
    };
    const outputs = request.outputs.map((output): ResultEntry => ({
      ...common,
      id: `result-${output.id}`,
      kind: "RESULT",
      at: output.registeredAt ?? request.accessUntil,
      detail: `${RESEARCH_OUTPUT_LABELS[output.kind]}: ${output.title}${output.summary ? ` — ${output.summary}` : ""}`,
      txHash: output.txHash,
      link: outputLink(output),
    }));
    if (request.resultsStatus !== "NO_RESULTS") return outputs;
    return [
      {
        ...common,
        id: `no-results-${request.requestId}`,
        kind: "NO_RESULTS",
        at: new Date(request.accessUntil.getTime() + graceDays * DAY_MS),
        detail: `No results reported ${graceDays} days after the access period ended (${request.accessUntil.toISOString().slice(0, 10)})`,
        txHash: null,
        link: null,
      },
    ];
  });
}
