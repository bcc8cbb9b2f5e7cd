import "server-only";
import { getEnv } from "~/env";
import { disconnectChain, getChain } from "~/server/chain/client";
import type { Workers } from "~/server/chain/workers";
import { startChainWorkers } from "~/server/chain-domain";
import { closeDatabase, getDatabase } from "~/server/db";
import { describeError, logger } from "~/server/logger";
import { applyMigrations } from "~/server/migrate";
import { seedDemo } from "~/server/seed/seed-demo";
import { getCatalogueIndex } from "~/server/services/listings/catalogue/catalogue-sync";
import { startNotificationWorker } from "~/server/services/notifications/notification-worker";
import { shredErasedData } from "~/server/services/rights/shred-erased-data";

/**
 * Start-up of an app process (called from src/instrumentation.ts): migrate, seed the demo
 * data when asked, start the chain workers, and close everything cleanly on SIGINT/SIGTERM
 * so the embedded database is never left mid-write.
 */
const globalForBoot = globalThis as { __trialshareBooted?: Promise<void> };

export function bootServer(): Promise<void> {
  globalForBoot.__trialshareBooted ??= boot();
  return globalForBoot.__trialshareBooted;
}

async function boot(): Promise<void> {
  const env = getEnv();
  const database = getDatabase();
  const { applied } = await applyMigrations(database);
  if (applied.length > 0) logger.info("database migrated", { applied });

  if (process.env.SEED_DEMO === "true") {
    try {
      const { isSeeded } = await seedDemo({ db: database.prisma, chain: await getChain() });
      if (isSeeded) logger.info("demo data seeded");
    } catch (error) {
      logger.error("demo seed failed", { error: describeError(error) });
    }
  }

  // Erasures a crash interrupted after they committed: their blobs are shredded now.
  shredErasedData(database.prisma).catch((error: unknown) =>
    logger.warn("pending erasures not shredded yet", { error: describeError(error) }),
  );

  // The catalogue's search index loads in the background, ready before researchers search.
  getCatalogueIndex(database.prisma).catch((error: unknown) =>
    logger.warn("catalogue index not loaded yet", { error: describeError(error) }),
  );

  let workers: Workers | undefined;
  let notifications: ReturnType<typeof startNotificationWorker> | undefined;
  if (env.RUN_WORKERS) {
    workers = startChainWorkers();
    notifications = startNotificationWorker(database.prisma);
  }

  let isShuttingDown = false;
  const shutdown = (signal: string) => {
    if (isShuttingDown) return;
    isShuttingDown = true;
    logger.info("shutting down", { signal });
    void (async () => {
      await notifications?.stop().catch(() => undefined);
      await workers?.stop().catch(() => undefined);
      await disconnectChain();
      await closeDatabase()
        .then(() => logger.info("database closed"))
        .catch((error: unknown) =>
          logger.error("database close failed", { error: describeError(error) }),
        );
      process.exit(0);
    })();
  };
  process.once("SIGINT", () => shutdown("SIGINT"));
  process.once("SIGTERM", () => shutdown("SIGTERM"));
}
