-- AlterTable
ALTER TABLE "ChainOutbox" ADD COLUMN     "replacedTxHashes" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "sentAt" TIMESTAMP(3);

