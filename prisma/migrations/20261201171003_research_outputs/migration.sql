-- CreateEnum
CREATE TYPE "ResearchOutputKind" AS ENUM ('PUBLICATION', 'PREPRINT', 'SUMMARY');

-- CreateTable
CREATE TABLE "ResearchOutput" (
    "id" TEXT NOT NULL,
    "requestId" TEXT NOT NULL,
    "researcherId" TEXT NOT NULL,
    "kind" "ResearchOutputKind" NOT NULL,
    "title" TEXT NOT NULL,
    "doi" TEXT,
    "url" TEXT,
    "summary" TEXT,
    "outputHash" TEXT NOT NULL,
    "anchorStatus" "AnchorStatus" NOT NULL DEFAULT 'PENDING',
    "anchorTxHash" TEXT,
    "registeredAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ResearchOutput_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ResearchOutput_researcherId_idx" ON "ResearchOutput"("researcherId");

-- CreateIndex
CREATE INDEX "ResearchOutput_registeredAt_idx" ON "ResearchOutput"("registeredAt");

-- CreateIndex
CREATE UNIQUE INDEX "ResearchOutput_requestId_outputHash_key" ON "ResearchOutput"("requestId", "outputHash");

-- AddForeignKey
ALTER TABLE "ResearchOutput" ADD CONSTRAINT "ResearchOutput_requestId_fkey" FOREIGN KEY ("requestId") REFERENCES "AccessRequest"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

