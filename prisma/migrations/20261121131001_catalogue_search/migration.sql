-- Full-text search over listings: an expression index Prisma's schema language cannot declare,
-- so it lives only here. Queries must use exactly this expression to use the index.
CREATE INDEX "Listing_searchText_fts_idx" ON "Listing" USING GIN (to_tsvector('english', "searchText"));

-- The catalogue lists active, anchored listings newest first.
CREATE INDEX "Listing_catalogue_idx" ON "Listing" ("createdAt" DESC) WHERE "status" = 'ACTIVE' AND "anchorStatus" = 'CONFIRMED';
