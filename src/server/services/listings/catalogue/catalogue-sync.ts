import "server-only";
import type { DbClient } from "~/server/db";
import { Prisma } from "~/server/generated/prisma/client";
import { describeError, logger } from "~/server/logger";
import { CatalogueIndex } from "./catalogue-index";
import type { CatalogueDoc } from "./types";

/**
 * Keeps this process's catalogue index in step with the database, without timers: a search
 * finds the index fresh (answers at once), a little old (answers, and looks for changes in the
 * background) or old (looks for changes first). Each look reads the listings whose change stamp
 * (catalogueTx, set by triggers) is at or after the oldest transaction that was still running at
 * the previous look, so no committed change is missed whichever app server or worker made it.
 * Changes this process's indexer applies are awaited by the next search.
 */
const FRESH_MS = 500;
const STALE_MS = 2_000;
// Small batches: the embedded database serves one query at a time, and the app's other work
// (requests, the chain workers' transactions) must not wait seconds behind a load.
const LOAD_BATCH = 5_000;

type State = {
  index: CatalogueIndex;
  /** The oldest transaction still running when the last look began. */
  watermark: bigint;
  syncedAt: number;
  seenChanges: number;
};

type Holder = {
  ready?: Promise<State>;
  /** While the first load runs: listing rows read so far, of how many (hidden ones too). */
  loading?: CatalogueLoad;
  syncing?: Promise<void>;
  rebuilding?: Promise<void>;
};

const holders = new WeakMap<DbClient, Holder>();
const globalForCatalogue = globalThis as { __trialshareCatalogueChanges?: number };

/** Called when this process has written something the catalogue shows (the indexer does). */
export function markCatalogueChanged(): void {
  globalForCatalogue.__trialshareCatalogueChanges = changeCount() + 1;
}

function changeCount(): number {
  return globalForCatalogue.__trialshareCatalogueChanges ?? 0;
}

export type CatalogueLoad = { read: number; total: number };

/**
 * How far this process's first load of the catalogue has come, or null once it is loaded (or
 * not begun). A search waits for the load; the page shows this meanwhile, since at a million
 * listings the load takes a minute or more.
 */
export function catalogueLoadProgress(db: DbClient): CatalogueLoad | null {
  const loading = holders.get(db)?.loading;
  return loading ? { ...loading } : null;
}

export async function getCatalogueIndex(db: DbClient): Promise<CatalogueIndex> {
  let holder = holders.get(db);
  if (!holder) holders.set(db, (holder = {}));
  const told = changeCount();
  if (!holder.ready) {
    const loading: CatalogueLoad = { read: 0, total: 0 };
    holder.loading = loading;
    holder.ready = loadState(db, loading)
      .catch((error: unknown) => {
        holder.ready = undefined;
        throw error;
      })
      .finally(() => {
        if (holder.loading === loading) holder.loading = undefined;
      });
  }
  const state = await holder.ready;
  const age = Date.now() - state.syncedAt;
  if (age >= STALE_MS) await syncOnce(db, holder, state);
  else if (age >= FRESH_MS)
    syncOnce(db, holder, state).catch((error: unknown) =>
      logger.warn("catalogue sync failed", { error: describeError(error) }),
    );
  // A change we were told of is in the index once a look that began after it has ended.
  while (state.seenChanges < told) await syncOnce(db, holder, state);
  if (state.index.isWorthRebuilding) holder.rebuilding ??= rebuild(db, holder, state);
  return state.index;
}

function syncOnce(db: DbClient, holder: Holder, state: State): Promise<void> {
  holder.syncing ??= sync(db, state).finally(() => {
    holder.syncing = undefined;
  });
  return holder.syncing;
}

async function oldestRunningTransaction(db: DbClient): Promise<bigint> {
  const [row] = await db.$queryRaw<{ xmin: string }[]>`
    SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS xmin`;
  return BigInt(row!.xmin);
}

type Row = {
  id: string;
  title: string;
  description: string;
  conditions: string[];
  trialId: string | null;
  trialRegistryId: string | null;
  trialTitle: string | null;
  ownerName: string;
  autoApprove: boolean;
  dataType: "CSV" | "FHIR";
  priceWei: string;
  recordCount: number;
  createdMs: number;
  purposes: number;
  expiresMs: number;
  isShown: boolean;
};

const COLUMNS = Prisma.sql`l."id", l."title", l."description", l."conditions", l."trialId",
  t."registryId" AS "trialRegistryId", t."title" AS "trialTitle", u."displayName" AS "ownerName",
  c."autoApprove", l."dataType"::text AS "dataType", l."priceWei"::text AS "priceWei", l."recordCount",
  floor(extract(epoch FROM l."createdAt") * 1000)::float8 AS "createdMs",
  c."purposes", floor(extract(epoch FROM c."expiresAt") * 1000)::float8 AS "expiresMs",
  (l."status" = 'ACTIVE' AND l."anchorStatus" = 'CONFIRMED' AND c."listingId" IS NOT NULL
    AND c."revokedAt" IS NULL AND c."expiresAt" > now()) AS "isShown"`;

const JOINS = Prisma.sql`LEFT JOIN "ConsentTerms" c ON c."listingId" = l."id"
  JOIN "User" u ON u."id" = l."ownerId" LEFT JOIN "Trial" t ON t."id" = l."trialId"`;

function toDoc(row: Row): CatalogueDoc {
  return {
    id: row.id,
    title: row.title,
    description: row.description,
    conditions: row.conditions,
    trial:
      row.trialId && row.trialRegistryId !== null && row.trialTitle !== null
        ? { id: row.trialId, registryId: row.trialRegistryId, title: row.trialTitle }
        : null,
    ownerName: row.ownerName,
    autoApprove: row.autoApprove,
    dataType: row.dataType,
    priceWei: BigInt(row.priceWei),
    recordCount: row.recordCount,
    createdAt: Number(row.createdMs),
    purposes: row.purposes,
    expiresAt: Number(row.expiresMs),
  };
}

/**
 * One page of the load: the next listings by id, then their consent terms one index lookup
 * each. The page is cut from "Listing" alone and the lookups cannot become a join (OFFSET 0
 * keeps the subquery apart), so every page costs the same (an index range and 5,000 lookups)
 * whatever the planner knows of the tables.
 */
function loadPage(db: DbClient, after: string, pageSize: number) {
  return db.$queryRaw<Row[]>`
    SELECT ${COLUMNS}
    FROM (SELECT * FROM "Listing" WHERE "id" > ${after} ORDER BY "id" LIMIT ${pageSize}) l
    LEFT JOIN LATERAL (SELECT * FROM "ConsentTerms" WHERE "listingId" = l."id" OFFSET 0) c ON true
    JOIN "User" u ON u."id" = l."ownerId" LEFT JOIN "Trial" t ON t."id" = l."trialId"
    ORDER BY l."id"`;
}

/**
 * Every listing the catalogue may show, read a page at a time into a new index; `progress`
 * counts the rows read (shown or not) against the table's size when the load began.
 */
export async function readCatalogue(
  db: DbClient,
  pageSize = LOAD_BATCH,
  progress: CatalogueLoad = { read: 0, total: 0 },
): Promise<CatalogueIndex> {
  const index = new CatalogueIndex();
  const [{ count }] = await db.$queryRaw<[{ count: number }]>`
    SELECT count(*)::int AS count FROM "Listing"`;
  progress.total = count;
  let after = "";
  for (;;) {
    const rows = await loadPage(db, after, pageSize);
    // Pages hold hidden listings too (filtered here), so a short page is the last one.
    for (const row of rows) if (row.isShown) index.put(toDoc(row));
    progress.read += rows.length;
    // Listings published during the load: the total grows with them rather than show 104 %.
    if (progress.read > progress.total) progress.total = progress.read;
    if (rows.length < pageSize) return index;
    // Lets waiting requests run between pages.
    await new Promise((resolve) => setImmediate(resolve));
    after = rows.at(-1)!.id;
  }
}

async function loadState(db: DbClient, progress?: CatalogueLoad): Promise<State> {
  const started = Date.now();
  const seenChanges = changeCount();
  const watermark = await oldestRunningTransaction(db);
  const index = await readCatalogue(db, LOAD_BATCH, progress);
  // The sorted orders and range buckets now, rather than in the first search.
  index.prepare();
  logger.info("catalogue index loaded", { listings: index.size, ms: Date.now() - started });
  return { index, watermark, syncedAt: started, seenChanges };
}

async function sync(db: DbClient, state: State): Promise<void> {
  const changesBefore = changeCount();
  const startedAt = Date.now();
  const watermark = await oldestRunningTransaction(db);
  const [changed, removed] = await Promise.all([
    db.$queryRaw<Row[]>`
      SELECT ${COLUMNS} FROM "Listing" l ${JOINS}
      WHERE l."catalogueTx" >= ${state.watermark}`,
    db.$queryRaw<{ listingId: string }[]>`
      SELECT "listingId" FROM "CatalogueRemoval" WHERE "catalogueTx" >= ${state.watermark}`,
  ]);
  for (const { listingId } of removed) state.index.remove(listingId);
  for (const row of changed) {
    if (row.isShown) state.index.put(toDoc(row));
    else state.index.remove(row.id);
  }
  state.watermark = watermark;
  state.syncedAt = startedAt;
  state.seenChanges = changesBefore;
}

/**
 * Past many changes, a fresh index replaces this one; searches go on with the old one meanwhile.
 * The swap happens in the one running look, so no look applies old rows to the new index.
 */
async function rebuild(db: DbClient, holder: Holder, current: State): Promise<void> {
  try {
    const fresh = await loadState(db);
    while (holder.syncing) await holder.syncing.catch(() => undefined);
    holder.syncing = sync(db, fresh)
      .then(() => {
        Object.assign(current, fresh);
      })
      .finally(() => {
        holder.syncing = undefined;
      });
    await holder.syncing;
  } catch (error) {
    logger.warn("catalogue rebuild failed", { error: describeError(error) });
  } finally {
    holder.rebuilding = undefined;
  }
}
