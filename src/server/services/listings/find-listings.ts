import { parseUnits } from "ethers";
import type { DbClient } from "~/server/db";
import { Prisma } from "~/server/generated/prisma/client";
import { PURPOSES, type PurposeKey } from "~/server/services/consent/purposes";
import { cachedSearch } from "./catalogue-cache";
import { listingSelect, TOKEN_DECIMALS, toListingDto, type ListingRow } from "./listing-dto";

/**
 * The researcher's catalogue: full-text search (PostgreSQL text search over title,
 * description and conditions, GIN-indexed) with facets, sorting and paging, over published
 * listings whose anchor the indexer has seen on chain and whose consent is in force.
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

export type CatalogueSort = "newest" | "relevance" | "price_asc" | "price_desc" | "records_desc";

const MAX_IDS = 500;

function whereClause(filter: CatalogueFilter): Prisma.Sql {
  const parts: Prisma.Sql[] = [
    Prisma.sql`l."status" = 'ACTIVE'`,
    Prisma.sql`l."anchorStatus" = 'CONFIRMED'`,
    Prisma.sql`c."revokedAt" IS NULL`,
    Prisma.sql`c."expiresAt" > now()`,
  ];
  if (filter.query)
    parts.push(
      Prisma.sql`to_tsvector('english', l."searchText") @@ websearch_to_tsquery('english', ${filter.query})`,
    );
  if (filter.trialId) parts.push(Prisma.sql`l."trialId" = ${filter.trialId}`);
  if (filter.condition) parts.push(Prisma.sql`${filter.condition} = ANY(l."conditions")`);
  if (filter.dataType) parts.push(Prisma.sql`l."dataType" = ${filter.dataType}::"DataType"`);
  if (filter.purpose) {
    const bit = PURPOSES.find((purpose) => purpose.key === filter.purpose)!.bit;
    parts.push(Prisma.sql`(c."purposes" & ${bit}) <> 0`);
  }
  if (filter.minPrice)
    parts.push(
      Prisma.sql`l."priceWei" >= ${parseUnits(filter.minPrice, TOKEN_DECIMALS).toString()}::numeric`,
    );
  if (filter.maxPrice)
    parts.push(
      Prisma.sql`l."priceWei" <= ${parseUnits(filter.maxPrice, TOKEN_DECIMALS).toString()}::numeric`,
    );
  if (filter.minRecords) parts.push(Prisma.sql`l."recordCount" >= ${filter.minRecords}`);
  if (filter.publishedAfter) parts.push(Prisma.sql`l."createdAt" >= ${filter.publishedAfter}`);
  if (filter.consentValidUntil)
    parts.push(Prisma.sql`c."expiresAt" >= ${filter.consentValidUntil}`);
  return Prisma.join(parts, " AND ");
}

function orderClause(sort: CatalogueSort, query: string | undefined): Prisma.Sql {
  switch (sort) {
    case "relevance":
      return query
        ? Prisma.sql`ts_rank(to_tsvector('english', l."searchText"), websearch_to_tsquery('english', ${query})) DESC, l."createdAt" DESC`
        : Prisma.sql`l."createdAt" DESC`;
    case "price_asc":
      return Prisma.sql`l."priceWei" ASC, l."createdAt" DESC`;
    case "price_desc":
      return Prisma.sql`l."priceWei" DESC, l."createdAt" DESC`;
    case "records_desc":
      return Prisma.sql`l."recordCount" DESC, l."createdAt" DESC`;
    default:
      return Prisma.sql`l."createdAt" DESC, l."id" DESC`;
  }
}

export async function findCatalogueListings(options: {
  db: DbClient;
  viewerId: string;
  filter: CatalogueFilter;
  sort: CatalogueSort;
  limit: number;
  offset: number;
}) {
  const { filter } = options;
  const key = JSON.stringify([filter, options.sort, options.limit, options.offset]);
  return cachedSearch(key, async () => {
    const page = await searchCatalogue(options);
    return { ...page, items: page.rows.map(toCatalogueItem) };
  });
}

async function searchCatalogue(options: {
  db: DbClient;
  filter: CatalogueFilter;
  sort: CatalogueSort;
  limit: number;
  offset: number;
}) {
  const { db, filter } = options;
  const where = whereClause(filter);
  const [page, [facets]] = await Promise.all([
    db.$queryRaw<{ id: string }[]>`
      SELECT l."id" FROM "Listing" l JOIN "ConsentTerms" c ON c."listingId" = l."id"
      WHERE ${where} ORDER BY ${orderClause(options.sort, filter.query)} LIMIT ${options.limit} OFFSET ${options.offset}`,
    db.$queryRaw<Record<string, bigint>[]>`
      SELECT count(*) AS total,
        count(*) FILTER (WHERE l."dataType" = 'CSV') AS "csv",
        count(*) FILTER (WHERE l."dataType" = 'FHIR') AS "fhir",
        ${Prisma.join(PURPOSES.map((purpose) => Prisma.sql`count(*) FILTER (WHERE (c."purposes" & ${purpose.bit}) <> 0) AS ${Prisma.raw(`"${purpose.key}"`)}`))}
      FROM "Listing" l JOIN "ConsentTerms" c ON c."listingId" = l."id" WHERE ${where}`,
  ]);
  const found = await db.listing.findMany({
    where: { id: { in: page.map((row) => row.id) } },
    select: listingSelect,
  });
  const byId = new Map(found.map((row) => [row.id, row]));
  const total = Number(facets?.total ?? 0);
  return {
    rows: page.flatMap((row) => (byId.has(row.id) ? [byId.get(row.id)!] : [])),
    total,
    nextOffset: options.offset + page.length < total ? options.offset + page.length : null,
    facets: {
      dataType: { CSV: Number(facets?.csv ?? 0), FHIR: Number(facets?.fhir ?? 0) },
      purpose: Object.fromEntries(
        PURPOSES.map((purpose) => [purpose.key, Number(facets?.[purpose.key] ?? 0)]),
      ) as Record<PurposeKey, number>,
    },
  };
}

/** The card's fields only: searches answer many items, so each one is kept small. */
function toCatalogueItem(row: ListingRow) {
  const dto = toListingDto(row, "");
  return {
    id: dto.id,
    title: dto.title,
    dataType: dto.dataType,
    conditions: dto.conditions,
    recordCount: dto.recordCount,
    price: dto.price,
    anchor: dto.anchor,
    ownerName: dto.ownerName,
    trial: dto.trial,
    createdAt: dto.createdAt,
    consent: dto.consent
      ? {
          purposes: dto.consent.purposes,
          expiresAt: dto.consent.expiresAt,
          autoApprove: dto.consent.autoApprove,
        }
      : null,
  };
}

/** Every id a search matches (up to the cohort limit), for "add all N results". */
export async function findCatalogueIds(options: { db: DbClient; filter: CatalogueFilter }) {
  const rows = await options.db.$queryRaw<{ id: string }[]>`
    SELECT l."id" FROM "Listing" l JOIN "ConsentTerms" c ON c."listingId" = l."id"
    WHERE ${whereClause(options.filter)} ORDER BY l."createdAt" DESC LIMIT ${MAX_IDS}`;
  return rows.map((row) => row.id);
}

export async function findMyListings(options: { db: DbClient; ownerId: string }) {
  const rows = await options.db.listing.findMany({
    where: { ownerId: options.ownerId },
    orderBy: { createdAt: "desc" },
    select: listingSelect,
  });
  return rows.map((row) => toListingDto(row, options.ownerId));
}
