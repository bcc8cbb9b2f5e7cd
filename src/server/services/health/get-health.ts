import "server-only";
import { getChain } from "~/server/chain/client";
import { countUnindexedWrites } from "~/server/chain/indexer";
import { countOutboxBacklog } from "~/server/chain/outbox";
import { getDatabase } from "~/server/db";
import { describeError } from "~/server/logger";

async function timed<T>(work: () => Promise<T>) {
  const started = performance.now();
  try {
    const value = await work();
    return { ok: true as const, value, latencyMs: Math.round(performance.now() - started) };
  } catch (error) {
    return {
      ok: false as const,
      error: describeError(error),
      latencyMs: Math.round(performance.now() - started),
    };
  }
}

export async function getHealth() {
  const database = getDatabase();
  const [db, chain, outbox] = await Promise.all([
    timed(() => database.prisma.$queryRaw`SELECT 1`),
    timed(async () => {
      const connected = await getChain();
      return {
        chainId: connected.chainId,
        blockNumber: await connected.provider.getBlockNumber(),
        contracts: connected.deployment.contracts,
      };
    }),
    timed(async () => ({
      ...(await countOutboxBacklog(database.prisma)),
      unindexed: await countUnindexedWrites(database.prisma),
    })),
  ]);
  return {
    status: db.ok && chain.ok && outbox.ok ? ("ok" as const) : ("degraded" as const),
    time: new Date().toISOString(),
    database: {
      ok: db.ok,
      kind: database.kind,
      latencyMs: db.latencyMs,
      ...(db.ok ? {} : { error: db.error }),
    },
    chain: chain.ok
      ? { ok: true, latencyMs: chain.latencyMs, ...chain.value }
      : { ok: false, latencyMs: chain.latencyMs, error: chain.error },
    outbox: outbox.ok ? { ok: true, ...outbox.value } : { ok: false, error: outbox.error },
  };
}
