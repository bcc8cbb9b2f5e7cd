import { randomUUID } from "node:crypto";
import type { TransactionReceipt } from "ethers";
import type { DbClient } from "~/server/db";
import { describeError, logger } from "~/server/logger";
import type { Chain } from "./client";
import { releaseLease, tryAcquireLease } from "./leases";
import { ZOutboxPayloadSchema, type TOutboxPayload } from "./outbox";
import { describeRevert, isRevert, isTransportError } from "./revert-reasons";

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
  stuckAfterMs?: number;
  /** How long the lease outlives a holder that stops renewing it (a crashed process). */
  leaseMs?: number;
  /** After a user's forwarded request fails for good: what becomes of their later ones. */
  onForwardFailed?: (failure: {
    db: DbClient;
    chain: Chain;
    signer: string;
    failedNonce: number;
  }) => Promise<void>;
};

type Row = {
  id: bigint;
  kind: string;
  idempotencyKey: string;
  signer: string;
  signerNonce: number | null;
  entityId: string;
  payload: unknown;
  txHash: string | null;
  rawTx: string | null;
  replacedTxHashes: string[];
  sentAt: Date | null;
  attempts: number;
};

const MAX_ATTEMPTS = 20;
/** A broadcast transaction not mined after this long is replaced with a higher fee. */
const DEFAULT_STUCK_AFTER_MS = 60_000;
/** Nodes accept a replacement only if it pays at least 10% more; bump by a quarter. */
const bump = (fee: bigint | null | undefined) => ((fee ?? 0n) * 125n) / 100n;
const max = (a: bigint, b: bigint) => (a > b ? a : b);
const FORWARD_GAS_OVERHEAD = 120_000n;

function backoffMs(attempts: number): number {
  return Math.min(60_000, 500 * 2 ** Math.min(attempts, 7));
}

export function createOutboxWorker(options: OutboxWorkerOptions) {
  const { db } = options;
  const holder = `outbox-${process.pid}-${randomUUID().slice(0, 8)}`;
  const batchSize = options.batchSize ?? 25;
  const leaseMs = options.leaseMs ?? 60_000;
  let hasRewrittenRows = false;

  async function markFailed(row: Row, reason: string, chain: Chain): Promise<void> {
    // The idempotency key (signer and nonce for a signed request) is freed: the nonce was not
    // used on chain, so the signer's next request will carry it again.
    await db.chainOutbox.update({
      where: { id: row.id },
      data: {
        status: "FAILED",
        lastError: reason,
        idempotencyKey: { set: `failed:${row.id}:${row.idempotencyKey}` },
      },
    });
    logger.warn("outbox write failed", { outboxId: row.id, kind: row.kind, reason });
    await options.onFailed?.[row.kind]?.(db, row.entityId, reason);
    if (row.signerNonce !== null && options.onForwardFailed) {
      // Later rows of this signer may be rewritten: what this tick read of them is stale.
      hasRewrittenRows = true;
      await options.onForwardFailed({
        db,
        chain,
        signer: row.signer,
        failedNonce: row.signerNonce,
      });
    }
  }

  async function retryLater(row: Row, error: unknown, chain: Chain): Promise<void> {
    const attempts = row.attempts + 1;
    // An unreachable node is waited out however long it takes; only real failures give up.
    if (attempts >= MAX_ATTEMPTS && !isTransportError(error))
      return markFailed(row, `gave up after ${attempts} attempts: ${describeError(error)}`, chain);
    await db.chainOutbox.update({
      where: { id: row.id },
      data: {
        attempts,
        lastError: describeError(error),
        availableAt: new Date(Date.now() + backoffMs(attempts)),
      },
    });
  }

  async function finalize(chain: Chain, row: Row, receipt: TransactionReceipt): Promise<void> {
    if (receipt.status === 1) {
      await db.chainOutbox.update({
        where: { id: row.id },
        data: { status: "CONFIRMED", blockNumber: receipt.blockNumber, lastError: null },
      });
    } else {
      await markFailed(row, `transaction ${receipt.hash} reverted on chain`, chain);
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
    if (revert) return markFailed(row, revert, chain);
    const populated = await chain.relayer.populateTransaction({
      ...call,
      nonce: await chain.provider.getTransactionCount(chain.relayer.address, "pending"),
    });
    const rawTx = await chain.relayer.signTransaction(populated);
    const { Transaction } = await import("ethers");
    const txHash = Transaction.from(rawTx).hash!;
    const sentAt = new Date();
    await db.chainOutbox.update({
      where: { id: row.id },
      data: { status: "SENT", rawTx, txHash, sentAt, attempts: { increment: 1 } },
    });
    await broadcastAndSettle(chain, { ...row, rawTx, txHash, sentAt });
  }

  /** The receipt of whichever version of the transaction was mined, if one was. */
  async function minedReceipt(chain: Chain, row: Row): Promise<TransactionReceipt | null> {
    for (const hash of [row.txHash!, ...row.replacedTxHashes]) {
      const receipt = await chain.provider.getTransactionReceipt(hash);
      if (receipt) return receipt;
    }
    return null;
  }

  /**
   * Re-signs the same nonce with a higher fee (at least a quarter over the old one, and what
   * the node asks now): the new version is saved before it is broadcast, the old hash kept.
   */
  async function replace(chain: Chain, row: Row, reason: string): Promise<Row> {
    const { Transaction } = await import("ethers");
    const old = Transaction.from(row.rawTx!);
    const fees = await chain.provider.getFeeData();
    const rawTx = await chain.relayer.signTransaction({
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
    const txHash = Transaction.from(rawTx).hash!;
    const replacedTxHashes = [...row.replacedTxHashes, row.txHash!];
    const sentAt = new Date();
    await db.chainOutbox.update({
      where: { id: row.id },
      data: { rawTx, txHash, replacedTxHashes, sentAt },
    });
    logger.warn("outbox replaced a stuck transaction", {
      outboxId: row.id,
      kind: row.kind,
      replaced: row.txHash,
      by: txHash,
      reason,
    });
    return { ...row, rawTx, txHash, replacedTxHashes, sentAt };
  }

  async function broadcastAndSettle(chain: Chain, sentRow: Row): Promise<void> {
    let row = sentRow;
    const mined = await minedReceipt(chain, row);
    if (mined) return finalize(chain, row, mined);
    const isPending = (await chain.provider.getTransaction(row.txHash!)) !== null;
    const stuckAfterMs = options.stuckAfterMs ?? DEFAULT_STUCK_AFTER_MS;
    if (isPending && row.sentAt && Date.now() - row.sentAt.getTime() > stuckAfterMs)
      row = await replace(chain, row, `not mined after ${stuckAfterMs} ms`);
    if (!isPending || row !== sentRow) {
      try {
        await chain.provider.broadcastTransaction(row.rawTx!);
      } catch (error) {
        const message = describeError(error);
        if (/underpriced|too low|fee cap|max fee/i.test(message)) {
          // The fee market moved past the signed fee: the node will never mine this version.
          row = await replace(chain, row, message);
          await chain.provider.broadcastTransaction(row.rawTx!);
        } else if (!/nonce/i.test(message)) {
          // A nonce already used means a version of ours landed (the receipt lookup on the
          // next tick settles which); anything else is retried.
          throw error;
        }
      }
    }
    const receipt = await chain.provider.waitForTransaction(
      row.txHash!,
      1,
      options.receiptTimeoutMs ?? 30_000,
    );
    if (receipt) await finalize(chain, row, receipt);
  }

  /** One pass: settles sent rows, then sends due rows. Returns how many rows it touched. */
  async function tick(): Promise<number> {
    if (!(await tryAcquireLease(db, "outbox", holder, leaseMs))) return 0;
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
      replacedTxHashes: true,
      sentAt: true,
      attempts: true,
      idempotencyKey: true,
      signer: true,
      signerNonce: true,
    };
    const sent = await db.chainOutbox.findMany({
      where: { status: "SENT" },
      orderBy: { id: "asc" },
      select,
    });
    // Oldest first; a signer whose earlier write waits out a back-off waits with it, since
    // its next forwarder nonce cannot be used before the previous one.
    const now = new Date();
    const pending = await db.chainOutbox.findMany({
      where: { status: "PENDING" },
      orderBy: { id: "asc" },
      take: batchSize * 4,
      select: { ...select, availableAt: true },
    });
    const waiting = new Set(sent.map((row) => row.signer));
    const due = pending
      .filter((row) => {
        if (waiting.has(row.signer)) return false;
        if (row.availableAt <= now) return true;
        waiting.add(row.signer);
        return false;
      })
      .slice(0, batchSize);
    let touched = 0;
    for (const row of [...sent, ...due]) {
      // Renewed per row: if this process stalled past its lease and another took over, stop
      // here rather than send what the other may be sending.
      if (!(await tryAcquireLease(db, "outbox", holder, leaseMs))) break;
      try {
        hasRewrittenRows = false;
        if (row.txHash && row.rawTx) await broadcastAndSettle(chain, row);
        else await send(chain, row);
        touched += 1;
        if (hasRewrittenRows) break;
      } catch (error) {
        await retryLater(row, error, chain);
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
