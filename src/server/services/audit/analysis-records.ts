import "server-only";
import { getBytes } from "ethers";
import type { Chain } from "~/server/chain/client";
import type { ChainRecord } from "./chain-history";

/**
 * What the chain says about compute-to-data, in one place: the recorded analyses (from their
 * AnalysisRecorded events) and a listing's privacy budget. The audit, the verify CLI and the
 * auditor panel read analyses only through here, so a change of the contract's analysis
 * storage or events is adapted in this file alone.
 */
export type RecordedAnalysis = {
  analysisId: string;
  requestId: string;
  queryHash: string;
  outputHash: string;
  /** Centi-ε charged to every listing used. */
  epsilon: number;
  /** The request's item indices the analysis used. */
  indices: number[];
  event: ChainRecord;
};

const lower = (value: unknown) => String(value).toLowerCase();

/** The packed uint16 item indices of recordAnalysis / AnalysisRecorded. */
export function unpackIndices(packed: string): number[] {
  const bytes = getBytes(packed);
  const indices: number[] = [];
  for (let offset = 0; offset + 1 < bytes.length; offset += 2)
    indices.push((bytes[offset]! << 8) | bytes[offset + 1]!);
  return indices;
}

export function recordedAnalyses(history: ChainRecord[]): RecordedAnalysis[] {
  return history
    .filter((event) => event.name === "AnalysisRecorded")
    .map((event) => ({
      analysisId: lower(event.args.analysisId),
      requestId: lower(event.args.requestId),
      queryHash: lower(event.args.queryHash),
      outputHash: lower(event.args.outputHash),
      epsilon: Number(event.args.epsilon),
      indices: unpackIndices(String(event.args.indices)),
      event,
    }));
}

/** A listing's privacy budget as the chain keeps it, in centi-ε. */
export async function readPrivacyBudget(chain: Pick<Chain, "contracts">, listingKey: string) {
  const [total, spent] = await chain.contracts.marketplace.privacyBudget(listingKey);
  return { total: Number(total), spent: Number(spent) };
}

/** The chain's stored record of an analysis, or null when none was recorded under this id. */
export async function readAnalysisRecord(
  marketplace: Pick<Chain["contracts"]["marketplace"], "analysisOf">,
  analysisId: string,
) {
  const [requestId, outputHash, epsilon, listings] = await marketplace.analysisOf(analysisId);
  if (/^0x0+$/.test(requestId)) return null;
  return {
    requestId: lower(requestId),
    outputHash: lower(outputHash),
    epsilon: Number(epsilon),
    listings: Number(listings),
  };
}

/** The AnalysisRecorded event of one analysis, straight from the logs, or null. */
export async function readRecordedAnalysis(
  marketplace: Pick<Chain["contracts"]["marketplace"], "queryFilter" | "filters">,
  analysisId: string,
) {
  const [log] = await marketplace.queryFilter(
    marketplace.filters.AnalysisRecorded(undefined, analysisId),
  );
  if (!log) return null;
  return {
    requestId: lower(log.args.requestId),
    queryHash: lower(log.args.queryHash),
    outputHash: lower(log.args.outputHash),
    epsilon: Number(log.args.epsilon),
    indices: unpackIndices(log.args.indices),
    blockNumber: log.blockNumber,
  };
}
