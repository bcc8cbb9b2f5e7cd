import "server-only";
import { randomUUID } from "node:crypto";
import { Transaction, type TransactionReceipt } from "ethers";
import type { DbClient, DbTransaction } from "~/server/db";
import { describeError, logger } from "~/server/logger";
import type { Chain } from "./client";
import { releaseLease, tryAcquireLease } from "./leases";
import type { OutboxStatus } from "~/server/generated/prisma/enums";
import { ZOutboxPayloadSchema } from "./outbox";
import { createFence, FencedOutError } from "./outbox-fence";
import { reconcileLostWrites } from "./outbox-reconcile";
import { waitForReceipt } from "./receipts";
import { buildCall, preflight, relayerNonce, signReplacement } from "./outbox-transactions";
import { isTransportError } from "./revert-reasons";

/**
 * Sends outbox rows, oldest first. The signed transaction and its hash are stored before the
 * broadcast, so after a crash the same transaction (same nonce, same hash) is re-sent rather
 * than a second one built: a write reaches the chain once. Every change to a row is fenced by
 * the lease (outbox-fence.ts), so a worker that stalled past its lease cannot act on rows
 * another worker has taken over.
 */
export type OutboxFailureHandler = (
  db: DbTransaction,
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
    db: DbTransaction;
    chain: Chain;
    signer: string;
    failedNonce: number;
    /** The failed row: what the signer queued after it belongs to the requests after it. */
    failedId: bigint;
  }) => Promise<void>;
};

type Row = {
  id: bigint;
  status: OutboxStatus;
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
function ignoreFencedOut(error: unknown): void {
  if (!(error instanceof FencedOutError)) throw error;
}

function backoffMs(attempts: number): number {
  return Math.min(60_000, 500 * 2 ** Math.min(attempts, 7));
}

const ROW_SELECT = {
  id: true,
  status: true,
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
} as const;

export function createOutboxWorker(options: OutboxWorkerOptions) {
  const { db } = options;
  const holder = `outbox-${process.pid}-${randomUUID().slice(0, 8)}`;
  const batchSize = options.batchSize ?? 25;
  const leaseMs = options.leaseMs ?? 60_000;
  const fence = createFence(db, "outbox", holder);
  let hasRewrittenRows = false;

  /**
   * Ends a row for good, and runs the domain's reaction in the same fenced transaction: the
   * signer's later requests are re-signed (or ended) before any worker can send them.
   */
  async function markFailed(row: Row, reason: string, chain: Chain): Promise<void> {
    const isFailed = await fence.run(async (tx) => {
      // The idempotency key (signer and nonce for a signed request) is freed: the nonce was not
      // used on chain, so the signer's next request will carry it again.
      const { count } = await tx.chainOutbox.updateMany({
        where: {
          id: row.id,
          status: row.status,
          txHash: row.txHash,
          idempotencyKey: row.idempotencyKey,
        },
        data: {
          status: "FAILED",
          lastError: reason,
          idempotencyKey: `failed:${row.id}:${row.idempotencyKey}`,
        },
      });
      if (count === 0) return false;
      await options.onFailed?.[row.kind]?.(tx, row.entityId, reason);
      if (row.signerNonce !== null && options.onForwardFailed) {
        // Later rows of this signer may be rewritten: what this tick read of them is stale.
        hasRewrittenRows = true;
        await options.onForwardFailed({
          db: tx,
          chain,
          signer: row.signer,
          failedNonce: row.signerNonce,
          failedId: row.id,
        });
      }
      return true;
    });
    if (!isFailed) throw new FencedOutError(holder);
    logger.warn("outbox write failed", { outboxId: row.id, kind: row.kind, reason });
  }

  async function retryLater(row: Row, error: unknown, chain: Chain): Promise<void> {
    const attempts = row.attempts + 1;
    // An unreachable node is waited out however long it takes; only real failures give up.
    if (attempts >= MAX_ATTEMPTS && !isTransportError(error))
      return markFailed(row, `gave up after ${attempts} attempts: ${describeError(error)}`, chain);
    await fence.update(
      { id: row.id, status: row.status, txHash: row.txHash, idempotencyKey: row.idempotencyKey },
      {
        attempts,
        lastError: describeError(error),
        availableAt: new Date(Date.now() + backoffMs(attempts)),
      },
    );
  }

  async function finalize(chain: Chain, row: Row, receipt: TransactionReceipt): Promise<void> {
    if (receipt.status === 1) {
      const isConfirmed = await fence.update(
        { id: row.id, status: "SENT" },
        { status: "CONFIRMED", blockNumber: receipt.blockNumber, lastError: null },
      );
      if (!isConfirmed) throw new FencedOutError(holder);
    } else {
      await markFailed(row, `transaction ${receipt.hash} reverted on chain`, chain);
    }
  }

  /** Sends a pending row; true once it is no longer in flight (mined, or failed for good). */
  async function send(chain: Chain, row: Row): Promise<boolean> {
    const payload = ZOutboxPayloadSchema.parse(row.payload);
    const call = buildCall(chain, payload);
    const revert = await preflight(chain, payload, call);
    if (revert) {
      await markFailed(row, revert, chain);
      return true;
    }
    const populated = await chain.relayer.populateTransaction({
      ...call,
      nonce: await chain.provider.getTransactionCount(chain.relayer.address, "pending"),
    });
    const rawTx = await chain.relayer.signTransaction(populated);
    const txHash = Transaction.from(rawTx).hash!;
    const sentAt = new Date();
    // Saved before the broadcast, and only if the row is still the one read (a re-signed row
    // has a new idempotency key) and this worker still holds the lease.
    const isClaimed = await fence.update(
      { id: row.id, status: "PENDING", txHash: null, idempotencyKey: row.idempotencyKey },
      { status: "SENT", rawTx, txHash, sentAt, attempts: { increment: 1 } },
    );
    if (!isClaimed) throw new FencedOutError(holder);
    return broadcastAndSettle(chain, { ...row, status: "SENT", rawTx, txHash, sentAt });
  }

  /** The receipt of whichever version of the transaction was mined, if one was. */
  async function minedReceipt(chain: Chain, row: Row): Promise<TransactionReceipt | null> {
    for (const hash of [row.txHash!, ...row.replacedTxHashes]) {
      const receipt = await chain.provider.getTransactionReceipt(hash);
      if (receipt) return receipt;
    }
    return null;
  }

  /** Re-signs the same nonce with a higher fee: saved before it is broadcast, the old hash kept. */
  async function replace(chain: Chain, row: Row, reason: string): Promise<Row> {
    const rawTx = await signReplacement(chain, row.rawTx!);
    const txHash = Transaction.from(rawTx).hash!;
    const replacedTxHashes = [...row.replacedTxHashes, row.txHash!];
    const sentAt = new Date();
    const isReplaced = await fence.update(
      { id: row.id, status: "SENT", txHash: row.txHash },
      { rawTx, txHash, replacedTxHashes, sentAt },
    );
    if (!isReplaced) throw new FencedOutError(holder);
    logger.warn("outbox replaced a stuck transaction", {
      outboxId: row.id,
      kind: row.kind,
      replaced: row.txHash,
      by: txHash,
      reason,
    });
    return { ...row, rawTx, txHash, replacedTxHashes, sentAt };
  }

  /**
   * A saved transaction whose nonce another transaction used can never be mined, so the write
   * goes back to the queue to be checked and signed again (its request was not executed: the
   * hashes of every version we signed are known, and none has a receipt).
   */
  async function requeue(row: Row): Promise<void> {
    const isRequeued = await fence.update(
      { id: row.id, status: "SENT", txHash: row.txHash },
      {
        status: "PENDING",
        rawTx: null,
        txHash: null,
        sentAt: null,
        replacedTxHashes: [...row.replacedTxHashes, row.txHash!],
      },
    );
    if (!isRequeued) throw new FencedOutError(holder);
    logger.warn("outbox re-queued a write whose nonce was taken", { outboxId: row.id });
  }

  /** True once the row's transaction is mined (confirmed or reverted); false while in flight. */
  async function broadcastAndSettle(chain: Chain, sentRow: Row): Promise<boolean> {
    let row = sentRow;
    const settled = async (receipt: TransactionReceipt) => {
      await finalize(chain, row, receipt);
      return true;
    };
    const mined = await minedReceipt(chain, row);
    if (mined) return settled(mined);
    const isPending = (await chain.provider.getTransaction(row.txHash!)) !== null;
    const stuckAfterMs = options.stuckAfterMs ?? DEFAULT_STUCK_AFTER_MS;
    if (isPending && row.sentAt && Date.now() - row.sentAt.getTime() > stuckAfterMs)
      row = await replace(chain, row, `not mined after ${stuckAfterMs} ms`);
    if (!isPending || row !== sentRow) {
      try {
        await chain.provider.broadcastTransaction(row.rawTx!);
      } catch (error) {
        const message = describeError(error);
        if (/already known/i.test(message)) {
          // In the node's pool already: wait for it below.
        } else if (/nonce/i.test(message)) {
          // The nonce is used: a version of ours landed, or another transaction took it.
          const landed = await minedReceipt(chain, row);
          if (landed) return settled(landed);
          const used = await chain.provider.getTransactionCount(chain.relayer.address, "latest");
          if (used > Transaction.from(row.rawTx!).nonce) {
            await requeue(row);
            return false;
          }
          throw error;
        } else if (
          /underpriced|fee cap|max fee|base fee|too low for the next block/i.test(message)
        ) {
          // The fee market moved past the signed fee: the node will never mine this version.
          row = await replace(chain, row, message);
          await chain.provider.broadcastTransaction(row.rawTx!);
        } else {
          throw error;
        }
      }
    }
    const receipt = await waitForReceipt(
      chain.provider,
      row.txHash!,
      options.receiptTimeoutMs ?? 30_000,
    );
    return receipt ? settled(receipt) : false;
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
    try {
      await reconcileLostWrites({ db, chain, fence });
    } catch (error) {
      if (error instanceof FencedOutError) return 0;
      // The node does not answer: the oldest waiting write says why it waits.
      const oldest = await db.chainOutbox.findFirst({
        where: { status: { in: ["PENDING", "SENT"] } },
        orderBy: { id: "asc" },
        select: ROW_SELECT,
      });
      if (oldest) await retryLater(oldest, error, chain).catch(ignoreFencedOut);
      logger.warn("outbox waiting for the chain", { error: describeError(error) });
      return 0;
    }
    // Pending rows are read before sent ones: a row another (stalled) worker moves from one to
    // the other between the two reads is then seen twice, never missed, and its signer waits.
    const now = new Date();
    const pending = await db.chainOutbox.findMany({
      where: { status: "PENDING" },
      orderBy: { id: "asc" },
      take: batchSize * 4,
      select: { ...ROW_SELECT, availableAt: true },
    });
    const sent = (
      await db.chainOutbox.findMany({
        where: { status: "SENT" },
        orderBy: { id: "asc" },
        select: ROW_SELECT,
      })
    ).sort((a, b) => relayerNonce(a) - relayerNonce(b));
    const sentIds = new Set(sent.map((row) => row.id));
    // Oldest first; a signer whose earlier write waits out a back-off waits with it, since
    // its next forwarder nonce cannot be used before the previous one.
    const waiting = new Set(sent.map((row) => row.signer));
    const due = pending
      .filter((row) => {
        if (sentIds.has(row.id) || waiting.has(row.signer)) return false;
        if (row.availableAt <= now) return true;
        waiting.add(row.signer);
        return false;
      })
      .slice(0, batchSize);
    let touched = 0;
    // A signer's next write waits while one of theirs is broadcast but not yet mined: it may
    // depend on it (the next forwarder nonce, a permit relayed apart), and its preflight would
    // see the chain without it.
    const inFlight = new Set<string>();
    // Sent rows in relayer-nonce order: re-broadcasts (after a crash, or lost blocks) must
    // fill the lowest nonces first, and before any new nonce is handed out.
    for (const row of [...sent, ...due]) {
      if (!sentIds.has(row.id) && inFlight.has(row.signer)) continue;
      // Renewed per row: if this process stalled past its lease and another took over, stop
      // here rather than send what the other may be sending.
      if (!(await tryAcquireLease(db, "outbox", holder, leaseMs))) break;
      try {
        hasRewrittenRows = false;
        const isSettled =
          row.txHash && row.rawTx ? await broadcastAndSettle(chain, row) : await send(chain, row);
        if (!isSettled) inFlight.add(row.signer);
        touched += 1;
        if (hasRewrittenRows) break;
      } catch (error) {
        if (error instanceof FencedOutError) {
          logger.warn("outbox worker fenced out mid-tick", { outboxId: row.id });
          break;
        }
        await retryLater(row, error, chain).catch(ignoreFencedOut);
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
