import "server-only";
import { randomUUID } from "node:crypto";
import type { Log, LogDescription } from "ethers";
import type { DbClient } from "~/server/db";
import { describeError, logger } from "~/server/logger";
import type { Chain } from "./client";
import type { ContractName } from "./deployments";
import { releaseLease, tryAcquireLease } from "./leases";
import type { EventArg, Projection } from "./indexed-event";

/**
 * Reads contract events into ChainEvent rows and applies their projections. It only reads
 * blocks buried under `confirmations` blocks, remembers the hash of the last block it read,
 * and on a mismatch (a reorg) rolls back a window of blocks and reads them again.
 */
export type IndexerOptions = {
  db: DbClient;
  getChain: () => Promise<Chain>;
  confirmations: number;
  /** What each event means for the domain's rows, by event name (the domain's, injected). */
  projections: Record<string, Projection>;
  /** Told the names of the events in each range read, after they are stored (caches). */
  onEventsRead?: (eventNames: ReadonlySet<string>) => void;
  maxBlocksPerTick?: number;
  /** How far back to re-read after a reorg is noticed. */
  reorgWindow?: number;
};

const CHECKPOINT = "contracts";

/**
 * Writes mined but not yet read back by the indexer: until it reads them, the rows they
 * change (a listing's anchor, a request's approval) still show the state before.
 */
export async function countUnindexedWrites(db: DbClient): Promise<number> {
  const checkpoint = await db.indexerCheckpoint.findUnique({ where: { name: CHECKPOINT } });
  // Before the first block is read there is nothing to compare with (and rows of an earlier
  // chain would never count down): only writes above the indexer's block count.
  if (!checkpoint) return 0;
  return db.chainOutbox.count({
    where: { status: "CONFIRMED", blockNumber: { gt: checkpoint.blockNumber } },
  });
}

/** Event arguments as JSON: numbers as decimal strings, arrays kept as arrays. */
function jsonArg(value: unknown): EventArg {
  if (Array.isArray(value)) return value.map(jsonArg);
  if (typeof value === "bigint") return value.toString();
  return typeof value === "string" || typeof value === "boolean" ? value : String(value);
}

function eventArgs(description: LogDescription): Record<string, EventArg> {
  return Object.fromEntries(
    description.fragment.inputs.map((input, index) => [
      input.name,
      jsonArg(description.args[index]),
    ]),
  );
}

export function createIndexer(options: IndexerOptions) {
  const { db, projections } = options;
  const holder = `indexer-${process.pid}-${randomUUID().slice(0, 8)}`;
  const maxBlocks = options.maxBlocksPerTick ?? 2_000;
  const reorgWindow = options.reorgWindow ?? 64;

  function decode(
    chain: Chain,
    log: Log,
  ): { contract: ContractName; description: LogDescription } | null {
    const entries = Object.entries(chain.deployment.contracts) as [ContractName, string][];
    const match = entries.find(
      ([, address]) => address.toLowerCase() === log.address.toLowerCase(),
    );
    if (!match) return null;
    const handles = {
      TrialShareForwarder: chain.contracts.forwarder,
      RewardToken: chain.contracts.token,
      TrialRegistry: chain.contracts.trialRegistry,
      DataMarketplace: chain.contracts.marketplace,
    } as const;
    const description = handles[match[0]].interface.parseLog(log);
    return description ? { contract: match[0], description } : null;
  }

  async function rollBack(chain: Chain, fromBlock: number): Promise<void> {
    await db.$transaction(async (tx) => {
      const removed = await tx.chainEvent.findMany({
        where: { chainId: chain.chainId, blockNumber: { gte: fromBlock } },
        orderBy: [{ blockNumber: "desc" }, { logIndex: "desc" }],
      });
      for (const event of removed) {
        await projections[event.eventName]?.undo?.(tx, {
          eventId: event.id,
          eventName: event.eventName,
          args: event.args as Record<string, EventArg>,
          txHash: event.txHash,
          blockNumber: event.blockNumber,
          logIndex: event.logIndex,
          blockTime: event.blockTime,
        });
      }
      await tx.chainEvent.deleteMany({
        where: { chainId: chain.chainId, blockNumber: { gte: fromBlock } },
      });
    });
    logger.warn("indexer rolled back after a reorg", { fromBlock });
  }

  /** The last block read and still on the canonical chain, after any rollback. */
  async function resumePoint(chain: Chain): Promise<number> {
    const checkpoint = await db.indexerCheckpoint.findUnique({ where: { name: CHECKPOINT } });
    if (!checkpoint || checkpoint.chainId !== chain.chainId) return chain.deployment.startBlock - 1;
    const block = await chain.provider.getBlock(checkpoint.blockNumber);
    if (block?.hash === checkpoint.blockHash) return checkpoint.blockNumber;
    // A reorg replaces recent blocks; a local node restarted from an older state file is
    // shorter than what was read, by any number of blocks: everything above its head goes.
    const head = await chain.provider.getBlockNumber();
    const from = Math.max(
      chain.deployment.startBlock,
      Math.min(checkpoint.blockNumber - reorgWindow, head + 1),
    );
    await rollBack(chain, from);
    return from - 1;
  }

  /** One pass; returns the number of events indexed. */
  async function tick(): Promise<number> {
    if (!(await tryAcquireLease(db, "indexer", holder, 60_000))) return 0;
    let chain: Chain;
    try {
      chain = await options.getChain();
    } catch (error) {
      logger.warn("indexer waiting for the chain", { error: describeError(error) });
      return 0;
    }
    const last = await resumePoint(chain);
    const head = (await chain.provider.getBlockNumber()) - options.confirmations;
    if (head <= last) return 0;
    const fromBlock = last + 1;
    const toBlock = Math.min(head, last + maxBlocks);
    const [logs, toBlockHeader] = await Promise.all([
      chain.provider.getLogs({
        address: Object.values(chain.deployment.contracts),
        fromBlock,
        toBlock,
      }),
      chain.provider.getBlock(toBlock),
    ]);
    if (!toBlockHeader?.hash) return 0;
    const blockNumbers = [...new Set(logs.map((log) => log.blockNumber))];
    const blocks = await Promise.all(blockNumbers.map((number) => chain.provider.getBlock(number)));
    const blockTimes = new Map(
      blocks.flatMap((block) =>
        block ? [[block.number, new Date(block.timestamp * 1000)] as const] : [],
      ),
    );
    let indexed = 0;
    const eventNames = new Set<string>();
    await db.$transaction(async (tx) => {
      for (const log of logs) {
        const decoded = decode(chain, log);
        if (!decoded) continue;
        eventNames.add(decoded.description.name);
        const isKnown = await tx.chainEvent.findUnique({
          where: {
            chainId_txHash_logIndex: {
              chainId: chain.chainId,
              txHash: log.transactionHash,
              logIndex: log.index,
            },
          },
          select: { id: true },
        });
        if (isKnown) continue;
        const args = eventArgs(decoded.description);
        const created = await tx.chainEvent.create({
          data: {
            chainId: chain.chainId,
            blockNumber: log.blockNumber,
            blockHash: log.blockHash,
            txHash: log.transactionHash,
            logIndex: log.index,
            blockTime: blockTimes.get(log.blockNumber) ?? new Date(),
            contract: decoded.contract,
            eventName: decoded.description.name,
            args,
          },
          select: { id: true, blockTime: true },
        });
        await projections[decoded.description.name]?.apply(tx, {
          eventId: created.id,
          eventName: decoded.description.name,
          args,
          txHash: log.transactionHash,
          blockNumber: log.blockNumber,
          logIndex: log.index,
          blockTime: created.blockTime,
        });
        indexed += 1;
      }
      await tx.indexerCheckpoint.upsert({
        where: { name: CHECKPOINT },
        create: {
          name: CHECKPOINT,
          chainId: chain.chainId,
          blockNumber: toBlock,
          blockHash: toBlockHeader.hash!,
        },
        update: { chainId: chain.chainId, blockNumber: toBlock, blockHash: toBlockHeader.hash! },
      });
    });
    if (eventNames.size > 0) options.onEventsRead?.(eventNames);
    return indexed;
  }

  /** Gives the lease back at shutdown so another process can take over at once. */
  const release = () => releaseLease(db, "indexer", holder);

  return { tick, release, holder };
}

export type Indexer = ReturnType<typeof createIndexer>;
