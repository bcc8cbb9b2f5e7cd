/**
 * An outbox worker as a process of its own, for the fault tests: what a second app process
 * (or a restarted one) runs against the same database. It ticks until killed, or until its
 * standard input closes (the test says when: a process that left by itself when idle could be
 * gone before a slow test gets to kill it). Configured by the app's environment.
 */
import { connectChain } from "~/server/chain/client";
import { createOutboxWorker } from "~/server/chain/outbox-worker";
import { openDatabase } from "~/server/db";
import { OUTBOX_HOOKS } from "~/server/services/outbox-handlers";

// DATABASE_URL's PostgreSQL, or the embedded database server that serves PGLITE_DIR.
const database = openDatabase();
const db = database.prisma;
const chain = await connectChain();
const worker = createOutboxWorker({
  db,
  getChain: () => Promise.resolve(chain),
  ...OUTBOX_HOOKS,
  leaseMs: Number(process.env.OUTBOX_LEASE_MS ?? 1_500),
});
console.log(`ready ${worker.holder}`);
let isAsked = false;
process.stdin.on("end", () => (isAsked = true)).resume();
while (!isAsked) {
  const touched = await worker.tick();
  if (touched === 0) await new Promise((resolve) => setTimeout(resolve, 50));
}
await worker.release();
chain.provider.destroy();
await database.close();
