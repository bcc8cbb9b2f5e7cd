import "server-only";
import type { DbClient, DbTransaction } from "~/server/db";
import type { Prisma } from "~/server/generated/prisma/client";

/**
 * Fencing for the outbox lease. A worker that stalls past its lease (a long GC pause, a frozen
 * process, a slow node) may wake up in the middle of a row while another worker has taken
 * over. So every change a worker makes to a row runs in a transaction that first locks the
 * lease row and checks that this worker still holds it: a takeover (an update of that row)
 * waits for the change to commit and then sees it, or the change is refused. What a worker
 * broadcasts is always a transaction it saved under the lease, so a stale worker can at worst
 * re-broadcast a saved transaction, which is harmless.
 */
/** The lease went to another worker, or the row changed since this worker read it. */
export class FencedOutError extends Error {
  constructor(holder: string) {
    super(`outbox worker ${holder} lost its lease or read a row that has changed since`);
  }
}

export function createFence(db: DbClient, lease: string, holder: string) {
  /** Runs `work` while holding the lease row locked; FencedOutError if another holds it. */
  async function run<T>(work: (tx: DbTransaction) => Promise<T>): Promise<T> {
    return db.$transaction(async (tx) => {
      const held = await tx.$queryRaw<unknown[]>`
        SELECT 1 FROM "WorkerLease" WHERE "name" = ${lease} AND "holder" = ${holder} FOR UPDATE`;
      if (held.length === 0) throw new FencedOutError(holder);
      return work(tx);
    });
  }

  /** An update of one row that applies only if the row is still as `where` says. */
  async function update(
    where: Prisma.ChainOutboxWhereInput,
    data: Prisma.ChainOutboxUpdateManyMutationInput,
  ): Promise<boolean> {
    return run(async (tx) => (await tx.chainOutbox.updateMany({ where, data })).count === 1);
  }

  return { run, update };
}

export type Fence = ReturnType<typeof createFence>;
