-- Every app server keeps an in-memory catalogue index (src/server/services/listings/catalogue)
-- and polls for listings changed since its last look. These triggers stamp each change with
-- the id of the transaction that made it; a reader that remembers the oldest transaction still
-- running at its previous look (pg_snapshot_xmin) misses no change, whatever the commit order.
CREATE FUNCTION "catalogue_stamp_listing"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW."catalogueTx" := pg_current_xact_id()::text::bigint;
  RETURN NEW;
END $$;

CREATE TRIGGER "Listing_catalogue_stamp" BEFORE INSERT OR UPDATE ON "Listing"
  FOR EACH ROW EXECUTE FUNCTION "catalogue_stamp_listing"();

-- A consent change changes what the catalogue shows of its listing.
CREATE FUNCTION "catalogue_stamp_consent"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "Listing" SET "catalogueTx" = pg_current_xact_id()::text::bigint
  WHERE "id" = (CASE WHEN TG_OP = 'DELETE' THEN OLD."listingId" ELSE NEW."listingId" END);
  RETURN NULL;
END $$;

CREATE TRIGGER "ConsentTerms_catalogue_stamp" AFTER INSERT OR UPDATE OR DELETE ON "ConsentTerms"
  FOR EACH ROW EXECUTE FUNCTION "catalogue_stamp_consent"();

-- Result cards show the owner's name and the trial: their changes restamp the listings too.
CREATE FUNCTION "catalogue_stamp_owner"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "Listing" SET "catalogueTx" = pg_current_xact_id()::text::bigint WHERE "ownerId" = NEW."id";
  RETURN NULL;
END $$;

CREATE TRIGGER "User_catalogue_stamp" AFTER UPDATE OF "displayName" ON "User"
  FOR EACH ROW WHEN (OLD."displayName" IS DISTINCT FROM NEW."displayName")
  EXECUTE FUNCTION "catalogue_stamp_owner"();

CREATE FUNCTION "catalogue_stamp_trial"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "Listing" SET "catalogueTx" = pg_current_xact_id()::text::bigint WHERE "trialId" = NEW."id";
  RETURN NULL;
END $$;

CREATE TRIGGER "Trial_catalogue_stamp" AFTER UPDATE OF "title", "registryId" ON "Trial"
  FOR EACH ROW WHEN (OLD."title" IS DISTINCT FROM NEW."title" OR OLD."registryId" IS DISTINCT FROM NEW."registryId")
  EXECUTE FUNCTION "catalogue_stamp_trial"();

-- A deleted listing leaves a tombstone, so the indexes drop it too.
CREATE FUNCTION "catalogue_record_removal"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "CatalogueRemoval" ("listingId", "catalogueTx")
  VALUES (OLD."id", pg_current_xact_id()::text::bigint)
  ON CONFLICT ("listingId") DO UPDATE SET "catalogueTx" = EXCLUDED."catalogueTx";
  RETURN NULL;
END $$;

CREATE TRIGGER "Listing_catalogue_removal" AFTER DELETE ON "Listing"
  FOR EACH ROW EXECUTE FUNCTION "catalogue_record_removal"();

-- Search no longer runs in SQL: the expression index the old search used only slows writes.
DROP INDEX IF EXISTS "Listing_searchText_fts_idx";
