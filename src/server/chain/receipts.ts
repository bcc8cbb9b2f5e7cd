import "server-only";
import type { JsonRpcProvider, TransactionReceipt } from "ethers";

/**
 * Polls for a transaction's receipt until it appears or `timeoutMs` passes (then null).
 * ethers' `waitForTransaction` listens for the next block instead, and a block mined between
 * its first look and its subscription (Anvil's automine does that) is never seen: it waits for
 * a block that may never come.
 */
export async function waitForReceipt(
  provider: JsonRpcProvider,
  hash: string,
  timeoutMs: number,
): Promise<TransactionReceipt | null> {
  const deadline = Date.now() + timeoutMs;
  let delay = 25;
  for (;;) {
    const receipt = await provider.getTransactionReceipt(hash);
    if (receipt) return receipt;
    const left = deadline - Date.now();
    if (left <= 0) return null;
    await new Promise((resolve) => setTimeout(resolve, Math.min(delay, left)));
    delay = Math.min(delay * 2, 500);
  }
}
