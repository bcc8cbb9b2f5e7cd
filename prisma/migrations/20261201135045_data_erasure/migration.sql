-- CreateEnum
CREATE TYPE "ErasureScope" AS ENUM ('LISTING', 'ACCOUNT');

-- AlterTable
ALTER TABLE "Listing" ADD COLUMN     "erasedAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "User" ADD COLUMN     "erasedAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "DataErasure" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "scope" "ErasureScope" NOT NULL,
    "listingId" TEXT,
    "blobKeys" TEXT[],
    "requestedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "shreddedAt" TIMESTAMP(3),

    CONSTRAINT "DataErasure_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "DataErasure_userId_idx" ON "DataErasure"("userId");

-- CreateIndex
CREATE INDEX "DataErasure_shreddedAt_idx" ON "DataErasure"("shreddedAt");

