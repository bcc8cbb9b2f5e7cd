import "server-only";
import type { DbClient } from "~/server/db";
import { listingSelect, toListingDto } from "./listing-dto";

/** A participant's own listings, drafts included, newest first. */
export async function findMyListings(options: { db: DbClient; ownerId: string }) {
  const rows = await options.db.listing.findMany({
    where: { ownerId: options.ownerId },
    orderBy: { createdAt: "desc" },
    select: listingSelect,
  });
  return rows.map((row) => toListingDto(row, options.ownerId));
}
