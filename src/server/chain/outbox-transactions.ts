import "server-only";
import { Transaction } from "ethers";
import type { Chain } from "./client";
import type { TOutboxPayload } from "./outbox";
import { describeRevert, isRevert } from "./revert-reasons";

/** The transactions the outbox worker signs for its rows, and the checks before it does. */
const bump = (fee: bigint | null | undefined) => ((fee ?? 0n) * 125n) / 100n;
const max = (a: bigint, b: bigint) => (a > b ? a : b);
const FORWARD_GAS_OVERHEAD = 120_000n;

/** The relayer nonce a saved transaction uses. */
export function relayerNonce(row: { rawTx: string | null }): number {
  return row.rawTx ? Transaction.from(row.rawTx).nonce : Number.MAX_SAFE_INTEGER;
}

export function buildCall(chain: Chain, payload: TOutboxPayload) {
  if (payload.type === "forward") {
    return {
      to: chain.deployment.contracts.TrialShareForwarder,
      data: chain.contracts.forwarder.interface.encodeFunctionData("execute", [payload.request]),
      gasLimit: BigInt(payload.request.gas) + FORWARD_GAS_OVERHEAD,
    };
  }
  return {
    to: chain.deployment.contracts[payload.contract],
    data: payload.data,
    gasLimit: undefined,
  };
}

/** The revert a call would hit now, or null when it would succeed. Transport errors throw. */
export async function preflight(
  chain: Chain,
  payload: TOutboxPayload,
  call: { to: string; data: string },
) {
  try {
    await chain.provider.call({ from: chain.relayer.address, to: call.to, data: call.data });
    return null;
  } catch (error) {
    if (!isRevert(error)) throw error;
    if (payload.type !== "forward") return describeRevert(chain, error);
    // The forwarder hides the target's reason behind FailedCall(): ask the target directly,
    // as the signer, which is exactly what ERC2771Context makes of a forwarded call.
    try {
      const { from, to, data } = payload.request;
      await chain.provider.call({ from, to, data });
      return describeRevert(chain, error);
    } catch (innerError) {
      if (!isRevert(innerError)) throw innerError;
      return describeRevert(chain, innerError);
    }
  }
}

/**
 * The same nonce signed again with a higher fee: at least a quarter over the old one (nodes
 * accept a replacement only if it pays 10% more), and what the node asks now.
 */
export async function signReplacement(chain: Chain, oldRawTx: string): Promise<string> {
  const old = Transaction.from(oldRawTx);
  const fees = await chain.provider.getFeeData();
  return chain.relayer.signTransaction({
    type: 2,
    chainId: old.chainId,
    nonce: old.nonce,
    to: old.to,
    data: old.data,
    value: old.value,
    gasLimit: old.gasLimit,
    maxPriorityFeePerGas: max(bump(old.maxPriorityFeePerGas), fees.maxPriorityFeePerGas ?? 0n),
    maxFeePerGas: max(bump(old.maxFeePerGas), fees.maxFeePerGas ?? 0n),
  });
}
