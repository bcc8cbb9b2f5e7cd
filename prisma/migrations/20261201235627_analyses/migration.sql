-- CreateEnum
CREATE TYPE "AnalysisStatus" AS ENUM ('RESERVED', 'CHARGING', 'RELEASED', 'REFUSED', 'FAILED', 'REFUSED_EMPTY');

-- AlterEnum
ALTER TYPE "PayoutKind" ADD VALUE 'ANALYSIS_CREDIT';

-- AlterTable
ALTER TABLE "AccessRequest" ADD COLUMN     "analysisCredits" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "ConsentTerms" ADD COLUMN     "epsilonBudget" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "minCellCount" INTEGER NOT NULL DEFAULT 10;

-- CreateTable
CREATE TABLE "AnalysisJob" (
    "id" TEXT NOT NULL,
    "requestId" TEXT NOT NULL,
    "researcherId" TEXT NOT NULL,
    "chainKey" TEXT NOT NULL,
    "spec" JSONB NOT NULL,
    "epsilonCentis" INTEGER NOT NULL,
    "status" "AnalysisStatus" NOT NULL DEFAULT 'RESERVED',
    "reason" TEXT,
    "queryHash" TEXT,
    "outputHash" TEXT,
    "outputBlobKey" TEXT,
    "disclosure" JSONB,
    "anchorTxHash" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "AnalysisJob_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AnalysisListing" (
    "jobId" TEXT NOT NULL,
    "listingId" TEXT NOT NULL,
    "itemIndex" INTEGER NOT NULL,
    "creditedWei" DECIMAL(78,0),
    "settledAt" TIMESTAMP(3),

    CONSTRAINT "AnalysisListing_pkey" PRIMARY KEY ("jobId","listingId")
);

-- CreateTable
CREATE TABLE "PrivacyBudget" (
    "listingId" TEXT NOT NULL,
    "totalCentis" INTEGER NOT NULL,
    "spentCentis" INTEGER NOT NULL DEFAULT 0,
    "reservedCentis" INTEGER NOT NULL DEFAULT 0,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "PrivacyBudget_pkey" PRIMARY KEY ("listingId")
);

-- CreateIndex
CREATE UNIQUE INDEX "AnalysisJob_chainKey_key" ON "AnalysisJob"("chainKey");

-- CreateIndex
CREATE INDEX "AnalysisJob_requestId_createdAt_idx" ON "AnalysisJob"("requestId", "createdAt");

-- CreateIndex
CREATE INDEX "AnalysisJob_status_createdAt_idx" ON "AnalysisJob"("status", "createdAt");

-- CreateIndex
CREATE INDEX "AnalysisListing_listingId_idx" ON "AnalysisListing"("listingId");

-- AddForeignKey
ALTER TABLE "AnalysisJob" ADD CONSTRAINT "AnalysisJob_requestId_fkey" FOREIGN KEY ("requestId") REFERENCES "AccessRequest"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AnalysisListing" ADD CONSTRAINT "AnalysisListing_jobId_fkey" FOREIGN KEY ("jobId") REFERENCES "AnalysisJob"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AnalysisListing" ADD CONSTRAINT "AnalysisListing_listingId_fkey" FOREIGN KEY ("listingId") REFERENCES "Listing"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PrivacyBudget" ADD CONSTRAINT "PrivacyBudget_listingId_fkey" FOREIGN KEY ("listingId") REFERENCES "Listing"("id") ON DELETE CASCADE ON UPDATE CASCADE;

