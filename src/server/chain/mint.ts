import "server-only";
import type { DbTransaction } from "~/server/db";
import type { Chain } from "./client";
import { enqueueChainWrite } from "./outbox";

/**
 * Queues a mint of the local reward token (its owner is the relayer): demo data, tests and
 * benchmarks give accounts tokens to pay escrow or fund rewards with. A real deployment uses
 * an existing token and never mints.
 */
export function enqueueTokenMint(
  tx: DbTransaction,
  chain: Chain,
  mint: { to: string; amount: bigint; idempotencyKey: string; entityId?: string },
) {
  return enqueueChainWrite(tx, {
    kind: "token.mint",
    entityId: mint.entityId ?? mint.to,
    idempotencyKey: mint.idempotencyKey,
    signer: chain.relayer.address,
    payload: {
      type: "operator",
      contract: "RewardToken",
      data: chain.contracts.token.interface.encodeFunctionData("mint", [mint.to, mint.amount]),
    },
  });
}
