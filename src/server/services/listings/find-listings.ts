import type { DbClient } from "~/server/db";
import type { Prisma } from "~/server/generated/prisma/client";
import { listingSelect, toListingDto } from "./listing-dto";

/** Published listings whose anchor the indexer has seen on chain, newest first. */
export async function findCatalogueListings(options: {
  db: DbClient;
  viewerId: string;
  query?: string;
  limit: number;
  cursor?: string;
}) {
  const where: Prisma.ListingWhereInput = {
    status: "ACTIVE",
    anchorStatus: "CONFIRMED",
    ...(options.query
      ? {
          OR: [
            { title: { contains: options.query, mode: "insensitive" } },
            { description: { contains: options.query, mode: "insensitive" } },
            { conditions: { has: options.query } },
          ],
        }
      : {}),
  };
  const rows = await options.db.listing.findMany({
    where,
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: options.limit + 1,
    ...(options.cursor ? { cursor: { id: options.cursor }, skip: 1 } : {}),
    select: listingSelect,
  });
  const hasMore = rows.length > options.limit;
  const page = hasMore ? rows.slice(0, options.limit) : rows;
  return {
    items: page.map((row) => toListingDto(row, options.viewerId)),
    nextCursor: hasMore ? (page.at(-1)?.id ?? null) : null,
  };
}

export async function findMyListings(options: { db: DbClient; ownerId: string }) {
  const rows = await options.db.listing.findMany({
    where: { ownerId: options.ownerId },
    orderBy: { createdAt: "desc" },
    select: listingSelect,
  });
  return rows.map((row) => toListingDto(row, options.ownerId));
}
