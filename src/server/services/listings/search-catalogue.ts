import { formatUnits, parseUnits } from "ethers";
import type { DbClient } from "~/server/db";
import { Prisma } from "~/server/generated/prisma/client";
import { fromPurposeMask, type PurposeKey } from "~/server/services/consent/purposes";
import type { CatalogueFilterKey } from "~/shared/catalogue-search";
import { getCatalogueIndex } from "./catalogue/catalogue-sync";
import type { CatalogueSort, IndexFilter } from "./catalogue/types";
import { TOKEN_DECIMALS } from "./listing-dto";

/**
 * The researcher's catalogue: published listings whose anchor the indexer has seen on chain
 * and whose consent is in force, searched in this server's in-memory index (exact counts, any
 * order, no SQL per search), then the page's cards read from the database in one query, which
 * checks once more that each listing may still be shown.
 */
export type CatalogueFilter = {
  query?: string;
  trialId?: string;
  condition?: string;
  dataType?: "CSV" | "FHIR";
  purpose?: PurposeKey;
  minPrice?: string;
  maxPrice?: string;
  minRecords?: number;
  publishedAfter?: Date;
  consentValidUntil?: Date;
};

export type { CatalogueSort };

/** "Add all results to the cohort" takes at most this many. */
export const MAX_CATALOGUE_IDS = 500;

function toIndexFilter(filter: CatalogueFilter): IndexFilter {
  const { minPrice, maxPrice, ...rest } = filter;
  return {
    ...rest,
    minPriceWei: minPrice ? parseUnits(minPrice, TOKEN_DECIMALS) : undefined,
    maxPriceWei: maxPrice ? parseUnits(maxPrice, TOKEN_DECIMALS) : undefined,
  };
}

function activeFilters(filter: CatalogueFilter): CatalogueFilterKey[] {
  return (Object.keys(filter) as CatalogueFilterKey[]).filter(
    (key) => filter[key] !== undefined && filter[key] !== "",
  );
}

export async function searchCatalogue(options: {
  db: DbClient;
  filter: CatalogueFilter;
  sort: CatalogueSort;
  limit: number;
  offset: number;
}) {
  const started = performance.now();
  const index = await getCatalogueIndex(options.db);
  const filter = toIndexFilter(options.filter);
  const found = index.search({
    filter,
    sort: options.sort,
    offset: options.offset,
    limit: options.limit,
  });
  // Nothing found: say what dropping each filter alone would find.
  const relax =
    found.total > 0
      ? []
      : activeFilters(options.filter)
          .map((key) => ({
            filter: key,
            total: index.search({
              filter: toIndexFilter({ ...options.filter, [key]: undefined }),
              sort: "newest",
              offset: 0,
              limit: 0,
            }).total,
          }))
          .filter((hint) => hint.total > 0)
          .sort((a, b) => b.total - a.total);
  const items = await readCards(options.db, found.ids);
  const end = options.offset + found.ids.length;
  return {
    items,
    total: found.total,
    nextCursor: end < found.total ? end : null,
    facets: found.facets,
    relax,
    tookMs: Math.round((performance.now() - started) * 10) / 10,
  };
}

/** Ids of every listing a search matches (newest first, up to MAX_CATALOGUE_IDS). */
export async function findCatalogueIds(options: { db: DbClient; filter: CatalogueFilter }) {
  const index = await getCatalogueIndex(options.db);
  return index.search({
    filter: toIndexFilter(options.filter),
    sort: "newest",
    offset: 0,
    limit: MAX_CATALOGUE_IDS,
  }).ids;
}

type CardRow = {
  id: string;
  title: string;
  dataType: "CSV" | "FHIR";
  conditions: string[];
  recordCount: number;
  priceWei: string;
  anchorStatus: "PENDING" | "CONFIRMED" | "FAILED";
  anchorTxHash: string | null;
  anchorBlock: number | null;
  createdAt: Date;
  ownerName: string;
  trialId: string | null;
  trialRegistryId: string | null;
  trialTitle: string | null;
  purposes: number;
  expiresAt: Date;
  autoApprove: boolean;
};

/** The result cards, in the index's order: one query, each row read once. */
async function readCards(db: DbClient, ids: string[]) {
  if (ids.length === 0) return [];
  const rows = await db.$queryRaw<CardRow[]>`
    SELECT l."id", l."title", l."dataType"::text AS "dataType", l."conditions", l."recordCount",
      l."priceWei"::text AS "priceWei", l."anchorStatus"::text AS "anchorStatus", l."anchorTxHash",
      l."anchorBlock", l."createdAt", u."displayName" AS "ownerName", t."id" AS "trialId",
      t."registryId" AS "trialRegistryId", t."title" AS "trialTitle", c."purposes",
      c."expiresAt", c."autoApprove"
    FROM "Listing" l
      JOIN "User" u ON u."id" = l."ownerId"
      JOIN "ConsentTerms" c ON c."listingId" = l."id"
      LEFT JOIN "Trial" t ON t."id" = l."trialId"
    WHERE l."id" IN (${Prisma.join(ids)}) AND l."status" = 'ACTIVE'
      AND l."anchorStatus" = 'CONFIRMED' AND c."revokedAt" IS NULL AND c."expiresAt" > now()`;
  const byId = new Map(rows.map((row) => [row.id, row]));
  return ids.flatMap((id) => {
    const row = byId.get(id);
    return row ? [toCatalogueItem(row)] : [];
  });
}

function toCatalogueItem(row: CardRow) {
  return {
    id: row.id,
    title: row.title,
    dataType: row.dataType,
    conditions: row.conditions,
    recordCount: row.recordCount,
    price: formatUnits(row.priceWei, TOKEN_DECIMALS),
    anchor: { status: row.anchorStatus, txHash: row.anchorTxHash, blockNumber: row.anchorBlock },
    ownerName: row.ownerName,
    trial:
      row.trialId && row.trialRegistryId && row.trialTitle
        ? { id: row.trialId, registryId: row.trialRegistryId, title: row.trialTitle }
        : null,
    createdAt: new Date(row.createdAt),
    consent: {
      purposes: fromPurposeMask(row.purposes),
      expiresAt: new Date(row.expiresAt),
      autoApprove: row.autoApprove,
    },
  };
}
