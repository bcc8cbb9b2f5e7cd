import "server-only";
import { z } from "zod";
import type { DbClient, DbTransaction } from "~/server/db";
import type { Chain } from "./client";
import { CONTRACT_NAMES } from "./deployments";
import { isTransportError } from "./revert-reasons";

/**
 * The durable outbox: every chain write is a row written in the same transaction as the
 * domain change it belongs to. The worker (outbox-worker.ts) sends it later; an RPC outage
 * delays writes, it never loses them.
 */
export const ZOutboxPayloadSchema = z.discriminatedUnion("type", [
  /** A user's signed ERC-2771 request, relayed through the forwarder. */
  z.object({
    type: z.literal("forward"),
    request: z.object({
      from: z.string(),
      to: z.string(),
      value: z.string(),
      gas: z.string(),
      deadline: z.number(),
      data: z.string(),
      signature: z.string(),
    }),
  }),
  /** A call the server makes in its own name (operator and admin roles). */
  z.object({ type: z.literal("operator"), contract: z.enum(CONTRACT_NAMES), data: z.string() }),
]);
export type TOutboxPayload = z.infer<typeof ZOutboxPayloadSchema>;

export type EnqueueChainWrite = {
  kind: string;
  entityId: string;
  idempotencyKey: string;
  signer: string;
  signerNonce?: number;
  payload: TOutboxPayload;
};

export async function enqueueChainWrite(tx: DbTransaction, write: EnqueueChainWrite) {
  return tx.chainOutbox.create({
    data: {
      kind: write.kind,
      entityId: write.entityId,
      idempotencyKey: write.idempotencyKey,
      signer: write.signer.toLowerCase(),
      signerNonce: write.signerNonce ?? null,
      payload: ZOutboxPayloadSchema.parse(write.payload),
    },
    select: { id: true },
  });
}

/**
 * The forwarder nonce the signer's next request must carry: one past the highest nonce we
 * queued that was not refused (waiting, sent or confirmed), or the on-chain nonce if higher.
 * Confirmed rows count too: read while one confirms, the chain's nonce may still be the old one.
 */
export async function nextSignerNonce(
  db: DbClient | DbTransaction,
  signer: string,
  onChainNonce: bigint,
): Promise<number> {
  const used = await db.chainOutbox.aggregate({
    where: { signer: signer.toLowerCase(), status: { in: ["PENDING", "SENT", "CONFIRMED"] } },
    _max: { signerNonce: true },
  });
  const highest = used._max.signerNonce;
  return Math.max(Number(onChainNonce), highest === null ? 0 : highest + 1);
}

/**
 * The signer's forwarder nonce as the chain has it, or 0 when the node cannot be reached:
 * `nextSignerNonce` then goes by our own writes (the app relays every request its users sign),
 * so a chain outage queues actions instead of refusing them.
 */
export async function forwarderNonce(chain: Chain, signer: string): Promise<bigint> {
  try {
    return await chain.contracts.forwarder.nonces(signer);
  } catch (error) {
    if (!isTransportError(error)) throw error;
    return 0n;
  }
}

export async function countOutboxBacklog(db: DbClient) {
  const [pending, sent, failed] = await Promise.all([
    db.chainOutbox.count({ where: { status: "PENDING" } }),
    db.chainOutbox.count({ where: { status: "SENT" } }),
    db.chainOutbox.count({ where: { status: "FAILED" } }),
  ]);
  const oldest = await db.chainOutbox.findFirst({
    where: { status: { in: ["PENDING", "SENT"] } },
    orderBy: { id: "asc" },
    select: { createdAt: true },
  });
  return {
    pending,
    sent,
    failed,
    oldestWaitingSeconds: oldest ? Math.round((Date.now() - oldest.createdAt.getTime()) / 1000) : 0,
  };
}
