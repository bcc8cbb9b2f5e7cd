import "server-only";
import { AbiCoder, concat, keccak256, solidityPacked, toUtf8Bytes } from "ethers";
import { canonicalJson } from "~/server/integrity/canonical";
import type { TAnalysisSpec } from "~/shared/analysis-spec";

/**
 * The identifiers and hashes an analysis carries on chain (docs/compute-to-data.md §4.3). An
 * auditor recomputes each from the stored spec, the listings and the released file.
 */

/** Bumped whenever the engine's released values could change for the same spec and data. */
export const RUNNER_VERSION = "trialshare-analysis-runner/1";

/** analysisId = keccak256(abi.encode(request chainKey, job id)): never a request's id. */
export function analysisIdFor(requestChainKey: string, jobId: string): string {
  return keccak256(
    AbiCoder.defaultAbiCoder().encode(["bytes32", "string"], [requestChainKey, jobId]),
  );
}

/** keccak256(canonical spec ‖ sorted listing chainKeys ‖ RUNNER_VERSION). */
export function queryHashFor(spec: TAnalysisSpec, listingChainKeys: readonly string[]): string {
  const sorted = [...listingChainKeys].map((key) => key.toLowerCase()).sort();
  return keccak256(
    concat([toUtf8Bytes(canonicalJson(spec)), ...sorted, toUtf8Bytes(RUNNER_VERSION)]),
  );
}

/** The released file's bytes: canonical JSON, so its hash is the one recorded on chain. */
export function releasedBytes(document: unknown): Uint8Array {
  return toUtf8Bytes(canonicalJson(document));
}

export const outputHashOf = (bytes: Uint8Array) => keccak256(bytes);

/** The items' indices as recordAnalysis takes them: packed uint16, ascending. */
export function packIndices(indices: readonly number[]): string {
  return solidityPacked(
    indices.map(() => "uint16"),
    indices,
  );
}
