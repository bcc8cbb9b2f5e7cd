import { randomUUID } from "node:crypto";
import type { TransactionReceipt } from "ethers";
import type { DbClient } from "~/server/db";
import { describeError, logger } from "~/server/logger";
import type { Chain } from "./client";
import { releaseLease, tryAcquireLease } from "./leases";
import { ZOutboxPayloadSchema, type TOutboxPayload } from "./outbox";
import { describeRevert, isRevert } from "./revert-reasons";

/**
 * Sends outbox rows, oldest first. The signed transaction and its hash are stored before the
 * broadcast, so after a crash the same transaction (same nonce, same hash) is re-sent rather
 * than a second one built: a write reaches the chain once.
 */
export type OutboxFailureHandler = (
  db: DbClient,
  entityId: string,
  reason: string,
) => Promise<void>;

export type OutboxWorkerOptions = {
  db: DbClient;
  getChain: () => Promise<Chain>;
  /** Per kind: what the domain does when its write fails for good. */
  onFailed?: Record<string, OutboxFailureHandler>;
  batchSize?: number;
  receiptTimeoutMs?: number;
};

type Row = {
  id: bigint;
  kind: string;
  entityId: string;
  payload: unknown;
  txHash: string | null;
  rawTx: string | null;
  attempts: number;
};

const MAX_ATTEMPTS = 20;
const FORWARD_GAS_OVERHEAD = 120_000n;

function backoffMs(attempts: number): number {
  return Math.min(60_000, 500 * 2 ** Math.min(attempts, 7));
}

export function createOutboxWorker(options: OutboxWorkerOptions) {
  const { db } = options;
  const holder = `outbox-${process.pid}-${randomUUID().slice(0, 8)}`;
  const batchSize = options.batchSize ?? 25;

  async function markFailed(row: Row, reason: string): Promise<void> {
    await db.chainOutbox.update({
      where: { id: row.id },
      data: { status: "FAILED", lastError: reason },
    });
    logger.warn("outbox write failed", { outboxId: row.id, kind: row.kind, reason });
    await options.onFailed?.[row.kind]?.(db, row.entityId, reason);
  }

  async function retryLater(row: Row, error: unknown): Promise<void> {
    const attempts = row.attempts + 1;
    if (attempts >= MAX_ATTEMPTS)
      return markFailed(row, `gave up after ${attempts} attempts: ${describeError(error)}`);
    await db.chainOutbox.update({
      where: { id: row.id },
      data: {
        attempts,
        lastError: describeError(error),
        availableAt: new Date(Date.now() + backoffMs(attempts)),
      },
    });
  }

  async function finalize(row: Row, receipt: TransactionReceipt): Promise<void> {
    if (receipt.status === 1) {
      await db.chainOutbox.update({
        where: { id: row.id },
        data: { status: "CONFIRMED", blockNumber: receipt.blockNumber, lastError: null },
      });
    } else {
      await markFailed(row, `transaction ${receipt.hash} reverted on chain`);
    }
  }

  function buildCall(chain: Chain, payload: TOutboxPayload) {
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
  async function preflight(
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

  async function send(chain: Chain, row: Row): Promise<void> {
    const payload = ZOutboxPayloadSchema.parse(row.payload);
    const call = buildCall(chain, payload);
    const revert = await preflight(chain, payload, call);
    if (revert) return markFailed(row, revert);
    const populated = await chain.relayer.populateTransaction({
      ...call,
      nonce: await chain.provider.getTransactionCount(chain.relayer.address, "pending"),
    });
    const rawTx = await chain.relayer.signTransaction(populated);
    const { Transaction } = await import("ethers");
    const txHash = Transaction.from(rawTx).hash!;
    await db.chainOutbox.update({
      where: { id: row.id },
      data: { status: "SENT", rawTx, txHash, attempts: { increment: 1 } },
    });
    await broadcastAndSettle(chain, { ...row, rawTx, txHash });
  }

  async function broadcastAndSettle(chain: Chain, row: Row): Promise<void> {
    const existing = await chain.provider.getTransactionReceipt(row.txHash!);
    if (existing) return finalize(row, existing);
    const known = await chain.provider.getTransaction(row.txHash!);
    if (!known) {
      try {
        await chain.provider.broadcastTransaction(row.rawTx!);
      } catch (error) {
        // A nonce already used means our own earlier broadcast landed or was replaced: the
        // receipt lookup on the next tick settles which. Anything else is retried.
        if (!/nonce/i.test(describeError(error))) throw error;
      }
    }
    const receipt = await chain.provider.waitForTransaction(
      row.txHash!,
      1,
      options.receiptTimeoutMs ?? 30_000,
    );
    if (receipt) await finalize(row, receipt);
  }

  /** One pass: settles sent rows, then sends due rows. Returns how many rows it touched. */
  async function tick(): Promise<number> {
    if (!(await tryAcquireLease(db, "outbox", holder, 60_000))) return 0;
    let chain: Chain;
    try {
      chain = await options.getChain();
    } catch (error) {
      logger.warn("outbox waiting for the chain", { error: describeError(error) });
      return 0;
    }
    const select = {
      id: true,
      kind: true,
      entityId: true,
      payload: true,
      txHash: true,
      rawTx: true,
      attempts: true,
    };
    const sent = await db.chainOutbox.findMany({
      where: { status: "SENT" },
      orderBy: { id: "asc" },
      select,
    });
    const due = await db.chainOutbox.findMany({
      where: { status: "PENDING", availableAt: { lte: new Date() } },
      orderBy: { id: "asc" },
      take: batchSize,
      select,
    });
    let touched = 0;
    for (const row of [...sent, ...due]) {
      try {
        if (row.txHash && row.rawTx) await broadcastAndSettle(chain, row);
        else await send(chain, row);
        touched += 1;
      } catch (error) {
        await retryLater(row, error);
        logger.warn("outbox send deferred", {
          outboxId: row.id,
          kind: row.kind,
          error: describeError(error),
        });
        // Later rows may depend on this one (same signer, next nonce): keep the order.
        break;
      }
    }
    return touched;
  }

  /** Gives the lease back at shutdown so another process can take over at once. */
  const release = () => releaseLease(db, "outbox", holder);

  return { tick, release, holder };
}

export type OutboxWorker = ReturnType<typeof createOutboxWorker>;
