-- AlterTable
ALTER TABLE "Listing" ADD COLUMN     "catalogueTx" BIGINT NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "CatalogueRemoval" (
    "listingId" TEXT NOT NULL,
    "catalogueTx" BIGINT NOT NULL,

    CONSTRAINT "CatalogueRemoval_pkey" PRIMARY KEY ("listingId")
);

-- CreateIndex
CREATE INDEX "CatalogueRemoval_catalogueTx_idx" ON "CatalogueRemoval"("catalogueTx");

-- CreateIndex
CREATE INDEX "Listing_catalogueTx_idx" ON "Listing"("catalogueTx");

