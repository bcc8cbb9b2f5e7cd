-- CreateEnum
CREATE TYPE "DerivedAccountKind" AS ENUM ('ENROLLMENT', 'LISTING');

-- CreateEnum
CREATE TYPE "InvitationStatus" AS ENUM ('OPEN', 'REDEEMED', 'REVOKED');

-- AlterTable
ALTER TABLE "AccessRequest" ADD COLUMN     "feeRecipient" TEXT,
ADD COLUMN     "maxTotalWei" DECIMAL(78,0);

-- AlterTable
ALTER TABLE "AccessRequestItem" ADD COLUMN     "creditedWei" DECIMAL(78,0),
ADD COLUMN     "refundedWei" DECIMAL(78,0),
ADD COLUMN     "settledAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "ConsentTerms" ADD COLUMN     "epoch" INTEGER NOT NULL DEFAULT 1,
ADD COLUMN     "suspendedAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "Enrollment" ADD COLUMN     "accountAddress" TEXT,
ADD COLUMN     "invitationId" TEXT;

-- AlterTable
ALTER TABLE "Listing" ADD COLUMN     "ownerAddress" TEXT;

-- CreateTable
CREATE TABLE "DerivedAccount" (
    "address" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "kind" "DerivedAccountKind" NOT NULL,
    "scope" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DerivedAccount_pkey" PRIMARY KEY ("address")
);

-- CreateTable
CREATE TABLE "TrialInvitation" (
    "id" TEXT NOT NULL,
    "trialId" TEXT NOT NULL,
    "invitationKey" TEXT NOT NULL,
    "keyCipher" TEXT,
    "issuerAddress" TEXT NOT NULL,
    "issuerSignature" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "label" TEXT NOT NULL DEFAULT '',
    "status" "InvitationStatus" NOT NULL DEFAULT 'OPEN',
    "redeemedAt" TIMESTAMP(3),
    "redeemTxHash" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TrialInvitation_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "DerivedAccount_userId_idx" ON "DerivedAccount"("userId");

-- CreateIndex
CREATE UNIQUE INDEX "DerivedAccount_userId_kind_scope_key" ON "DerivedAccount"("userId", "kind", "scope");

-- CreateIndex
CREATE UNIQUE INDEX "TrialInvitation_invitationKey_key" ON "TrialInvitation"("invitationKey");

-- CreateIndex
CREATE INDEX "TrialInvitation_trialId_createdAt_idx" ON "TrialInvitation"("trialId", "createdAt");

