import "server-only";
import type { DbClient } from "~/server/db";
import { logger } from "~/server/logger";
import type { Chain } from "./client";
import type { Fence } from "./outbox-fence";

/**
 * A chain can lose blocks we saw confirmed: a local node killed between two writes of its
 * state file restarts shorter, and a reorg drops blocks too. The writes in them are not lost
 * for us: their signed transactions are saved, so they go back to SENT and the worker
 * broadcasts the same transactions again (same nonces, same hashes: still exactly once).
 * Checked at the start of every tick, before any new nonce is handed out, so the re-sent ones
 * take their old nonces back.
 */
export async function reconcileLostWrites(options: {
  db: DbClient;
  chain: Chain;
  fence: Fence;
}): Promise<number> {
  const { db, chain, fence } = options;
  const latest = await db.chainOutbox.findFirst({
    where: { status: "CONFIRMED", txHash: { not: null }, blockNumber: { not: null } },
    orderBy: [{ blockNumber: "desc" }, { id: "desc" }],
    select: { txHash: true },
  });
  if (!latest || (await chain.provider.getTransactionReceipt(latest.txHash!))) return 0;

  const head = await chain.provider.getBlockNumber();
  const lost: bigint[] = [];
  // Newest first: everything above the head is gone; below it, the first write still on
  // chain means every older block is still there.
  const PAGE = 200;
  for (let skip = 0; ; skip += PAGE) {
    const rows = await db.chainOutbox.findMany({
      where: { status: "CONFIRMED", txHash: { not: null }, blockNumber: { not: null } },
      orderBy: [{ blockNumber: "desc" }, { id: "desc" }],
      select: { id: true, txHash: true, blockNumber: true },
      skip,
      take: PAGE,
    });
    let isIntact = false;
    for (const row of rows) {
      const isGone =
        (row.blockNumber ?? 0) > head || !(await chain.provider.getTransactionReceipt(row.txHash!));
      if (!isGone) {
        isIntact = true;
        break;
      }
      lost.push(row.id);
    }
    if (isIntact || rows.length < PAGE) break;
  }
  if (lost.length === 0) return 0;
  await fence.run((tx) =>
    tx.chainOutbox.updateMany({
      where: { id: { in: lost }, status: "CONFIRMED" },
      // sentAt now: the re-broadcast is not "stuck" before it had a chance.
      data: { status: "SENT", blockNumber: null, sentAt: new Date() },
    }),
  );
  logger.warn("outbox re-sends writes the chain lost", { writes: lost.length, head });
  return lost.length;
}
