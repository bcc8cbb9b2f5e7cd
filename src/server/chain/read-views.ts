import "server-only";
import {
  toQuantity,
  type BaseContract,
  type JsonRpcPayload,
  type JsonRpcResult,
  type Result,
} from "ethers";
import { AppError } from "~/server/errors";
import type { Chain } from "./client";

/** Calls per JSON-RPC batch: one HTTP request each. */
const BATCH = 100;

/**
 * One view of one contract called for many argument lists, as JSON-RPC batches, every call
 * at the same block (one consistent snapshot). An analysis reads three values for each listing
 * of its cohort; one call at a time through the contract object (the shared provider does not
 * batch, see createProvider), a 500-listing cohort spent most of a second on HTTP round trips
 * and ethers' per-call work (bench:analysis).
 */
export async function readViews(
  chain: Pick<Chain, "provider">,
  contract: BaseContract,
  method: string,
  argsList: readonly (readonly unknown[])[],
): Promise<Result[]> {
  if (argsList.length === 0) return [];
  const { interface: contractInterface } = contract;
  const fragment = contractInterface.getFunction(method);
  if (!fragment) throw new Error(`The contract has no view ${method}`);
  const to = await contract.getAddress();
  const unavailable = (cause: unknown) =>
    new AppError("UNAVAILABLE", "The blockchain node did not answer; try again shortly.", {
      cause,
    });
  try {
    const block = toQuantity(await chain.provider.getBlockNumber());
    const chunks: (readonly (readonly unknown[])[])[] = [];
    for (let start = 0; start < argsList.length; start += BATCH)
      chunks.push(argsList.slice(start, start + BATCH));
    // Straight to the node with fetch: ethers' JavaScript UTF-8 coding of a hundred calls'
    // bodies cost more than the node's answers took (the same URL and timeout as the provider).
    const connection = chain.provider._getConnection();
    const answers = await Promise.all(
      chunks.map(async (chunk) => {
        const response = await fetch(connection.url, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(
            chunk.map((args, id): JsonRpcPayload => ({
              jsonrpc: "2.0",
              id,
              method: "eth_call",
              params: [{ to, data: contractInterface.encodeFunctionData(fragment, args) }, block],
            })),
          ),
          signal: AbortSignal.timeout(connection.timeout),
        });
        if (!response.ok) throw new Error(`the node answered ${response.status}`);
        return (await response.json()) as JsonRpcResult[];
      }),
    );
    return answers.flatMap((batch, position) => {
      const byId = new Map(batch.map((answer) => [answer.id, answer]));
      return chunks[position]!.map((_, id) => {
        const answer = byId.get(id);
        if (!answer || !("result" in answer)) throw unavailable(answer);
        return contractInterface.decodeFunctionResult(fragment, answer.result as string);
      });
    });
  } catch (error) {
    throw error instanceof AppError ? error : unavailable(error);
  }
}
