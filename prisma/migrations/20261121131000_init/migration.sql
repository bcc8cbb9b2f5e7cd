-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "Role" AS ENUM ('PARTICIPANT', 'RESEARCHER', 'SPONSOR', 'AUDITOR');

-- CreateEnum
CREATE TYPE "UploadStatus" AS ENUM ('READY', 'PUBLISHED');

-- CreateEnum
CREATE TYPE "EnrollmentStatus" AS ENUM ('ACTIVE', 'WITHDRAWN');

-- CreateEnum
CREATE TYPE "AnchorStatus" AS ENUM ('PENDING', 'CONFIRMED', 'FAILED');

-- CreateEnum
CREATE TYPE "ListingStatus" AS ENUM ('DRAFT', 'ACTIVE', 'UNLISTED');

-- CreateEnum
CREATE TYPE "DataType" AS ENUM ('CSV', 'FHIR');

-- CreateEnum
CREATE TYPE "RequestStatus" AS ENUM ('PENDING', 'OPEN', 'SETTLED', 'CANCELLED');

-- CreateEnum
CREATE TYPE "ItemStatus" AS ENUM ('EXCLUDED', 'PENDING', 'APPROVED', 'REJECTED', 'EXPIRED');

-- CreateEnum
CREATE TYPE "PayoutKind" AS ENUM ('ENROLLMENT_REWARD', 'DATA_USE_CREDIT', 'REFUND', 'WITHDRAWAL');

-- CreateEnum
CREATE TYPE "OutboxStatus" AS ENUM ('PENDING', 'SENT', 'CONFIRMED', 'FAILED');

-- CreateTable
CREATE TABLE "User" (
    "id" TEXT NOT NULL,
    "role" "Role" NOT NULL,
    "displayName" TEXT NOT NULL,
    "email" TEXT,
    "passwordHash" TEXT,
    "walletAddress" TEXT NOT NULL,
    "walletKeyCipher" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Upload" (
    "id" TEXT NOT NULL,
    "ownerId" TEXT NOT NULL,
    "fileName" TEXT NOT NULL,
    "format" "DataType" NOT NULL,
    "status" "UploadStatus" NOT NULL DEFAULT 'READY',
    "blobKey" TEXT NOT NULL,
    "pseudonymBlobKey" TEXT,
    "columns" TEXT[],
    "rowCount" INTEGER NOT NULL,
    "report" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Upload_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "UsedSiweNonce" (
    "nonce" TEXT NOT NULL,
    "usedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "UsedSiweNonce_pkey" PRIMARY KEY ("nonce")
);

-- CreateTable
CREATE TABLE "Trial" (
    "id" TEXT NOT NULL,
    "chainKey" TEXT NOT NULL,
    "chainSalt" TEXT NOT NULL,
    "registryId" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "phase" TEXT NOT NULL,
    "conditions" TEXT[],
    "sites" TEXT[],
    "sponsorId" TEXT NOT NULL,
    "currentVersion" INTEGER NOT NULL DEFAULT 1,
    "anchorStatus" "AnchorStatus" NOT NULL DEFAULT 'PENDING',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Trial_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ProtocolVersion" (
    "id" TEXT NOT NULL,
    "trialId" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "documentHash" TEXT NOT NULL,
    "documentName" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ProtocolVersion_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Enrollment" (
    "id" TEXT NOT NULL,
    "trialId" TEXT NOT NULL,
    "participantId" TEXT NOT NULL,
    "protocolVersion" INTEGER NOT NULL,
    "subjectCommitment" TEXT NOT NULL,
    "saltCipher" TEXT,
    "status" "EnrollmentStatus" NOT NULL DEFAULT 'ACTIVE',
    "anchorStatus" "AnchorStatus" NOT NULL DEFAULT 'PENDING',
    "anchorTxHash" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "withdrawnAt" TIMESTAMP(3),

    CONSTRAINT "Enrollment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Listing" (
    "id" TEXT NOT NULL,
    "chainKey" TEXT NOT NULL,
    "chainSalt" TEXT NOT NULL,
    "ownerId" TEXT NOT NULL,
    "trialId" TEXT,
    "title" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "dataType" "DataType" NOT NULL,
    "conditions" TEXT[],
    "searchText" TEXT NOT NULL DEFAULT '',
    "recordCount" INTEGER NOT NULL,
    "dataRoot" TEXT NOT NULL,
    "recordHashes" JSONB,
    "reportHash" TEXT,
    "report" JSONB,
    "uploadId" TEXT,
    "blobKey" TEXT,
    "priceWei" DECIMAL(78,0) NOT NULL,
    "status" "ListingStatus" NOT NULL DEFAULT 'ACTIVE',
    "anchorStatus" "AnchorStatus" NOT NULL DEFAULT 'PENDING',
    "anchorTxHash" TEXT,
    "anchorBlock" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Listing_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ConsentTerms" (
    "listingId" TEXT NOT NULL,
    "purposes" INTEGER NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "autoApprove" BOOLEAN NOT NULL,
    "termsHash" TEXT NOT NULL,
    "protocolVersion" INTEGER,
    "revokedAt" TIMESTAMP(3),

    CONSTRAINT "ConsentTerms_pkey" PRIMARY KEY ("listingId")
);

-- CreateTable
CREATE TABLE "AccessRequest" (
    "id" TEXT NOT NULL,
    "chainKey" TEXT NOT NULL,
    "chainSalt" TEXT NOT NULL,
    "researcherId" TEXT NOT NULL,
    "purpose" INTEGER NOT NULL,
    "planHash" TEXT NOT NULL,
    "planSummary" TEXT NOT NULL,
    "totalWei" DECIMAL(78,0) NOT NULL,
    "accessUntil" TIMESTAMP(3) NOT NULL,
    "decisionDeadline" TIMESTAMP(3),
    "status" "RequestStatus" NOT NULL DEFAULT 'PENDING',
    "anchorStatus" "AnchorStatus" NOT NULL DEFAULT 'PENDING',
    "anchorTxHash" TEXT,
    "settledAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "planDocumentId" TEXT,

    CONSTRAINT "AccessRequest_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ResearchPlan" (
    "id" TEXT NOT NULL,
    "researcherId" TEXT NOT NULL,
    "fileName" TEXT NOT NULL,
    "mimeType" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "blobKey" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ResearchPlan_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Extract" (
    "id" TEXT NOT NULL,
    "requestId" TEXT NOT NULL,
    "k" INTEGER NOT NULL,
    "extractRoot" TEXT NOT NULL,
    "csvBlobKey" TEXT NOT NULL,
    "fhirBlobKey" TEXT NOT NULL,
    "manifestBlobKey" TEXT NOT NULL,
    "report" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Extract_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AccessRequestItem" (
    "id" TEXT NOT NULL,
    "requestId" TEXT NOT NULL,
    "listingId" TEXT NOT NULL,
    "itemIndex" INTEGER NOT NULL,
    "priceWei" DECIMAL(78,0) NOT NULL,
    "status" "ItemStatus" NOT NULL DEFAULT 'PENDING',
    "decidedAt" TIMESTAMP(3),
    "decisionTxHash" TEXT,

    CONSTRAINT "AccessRequestItem_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DataUse" (
    "id" TEXT NOT NULL,
    "requestId" TEXT NOT NULL,
    "listingId" TEXT NOT NULL,
    "extractRoot" TEXT NOT NULL,
    "anchorStatus" "AnchorStatus" NOT NULL DEFAULT 'PENDING',
    "anchorTxHash" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DataUse_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Payout" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "kind" "PayoutKind" NOT NULL,
    "amountWei" DECIMAL(78,0) NOT NULL,
    "txHash" TEXT,
    "eventId" BIGINT,
    "requestId" TEXT,
    "listingId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Payout_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ChainOutbox" (
    "id" BIGSERIAL NOT NULL,
    "kind" TEXT NOT NULL,
    "entityId" TEXT NOT NULL,
    "idempotencyKey" TEXT NOT NULL,
    "signer" TEXT NOT NULL,
    "signerNonce" INTEGER,
    "payload" JSONB NOT NULL,
    "status" "OutboxStatus" NOT NULL DEFAULT 'PENDING',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "rawTx" TEXT,
    "txHash" TEXT,
    "blockNumber" INTEGER,
    "availableAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lockedBy" TEXT,
    "lockedUntil" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ChainOutbox_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ChainEvent" (
    "id" BIGSERIAL NOT NULL,
    "chainId" INTEGER NOT NULL,
    "blockNumber" INTEGER NOT NULL,
    "blockHash" TEXT NOT NULL,
    "txHash" TEXT NOT NULL,
    "logIndex" INTEGER NOT NULL,
    "blockTime" TIMESTAMP(3) NOT NULL,
    "contract" TEXT NOT NULL,
    "eventName" TEXT NOT NULL,
    "args" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ChainEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "IndexerCheckpoint" (
    "name" TEXT NOT NULL,
    "chainId" INTEGER NOT NULL,
    "blockNumber" INTEGER NOT NULL,
    "blockHash" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "IndexerCheckpoint_pkey" PRIMARY KEY ("name")
);

-- CreateTable
CREATE TABLE "WorkerLease" (
    "name" TEXT NOT NULL,
    "holder" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "WorkerLease_pkey" PRIMARY KEY ("name")
);

-- CreateTable
CREATE TABLE "AuditLog" (
    "id" BIGSERIAL NOT NULL,
    "actorId" TEXT,
    "action" TEXT NOT NULL,
    "entityType" TEXT NOT NULL,
    "entityId" TEXT NOT NULL,
    "details" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AuditLog_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");

-- CreateIndex
CREATE UNIQUE INDEX "User_walletAddress_key" ON "User"("walletAddress");

-- CreateIndex
CREATE INDEX "Upload_ownerId_createdAt_idx" ON "Upload"("ownerId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Trial_chainKey_key" ON "Trial"("chainKey");

-- CreateIndex
CREATE UNIQUE INDEX "Trial_registryId_key" ON "Trial"("registryId");

-- CreateIndex
CREATE UNIQUE INDEX "ProtocolVersion_trialId_version_key" ON "ProtocolVersion"("trialId", "version");

-- CreateIndex
CREATE UNIQUE INDEX "Enrollment_subjectCommitment_key" ON "Enrollment"("subjectCommitment");

-- CreateIndex
CREATE UNIQUE INDEX "Enrollment_trialId_participantId_key" ON "Enrollment"("trialId", "participantId");

-- CreateIndex
CREATE UNIQUE INDEX "Listing_chainKey_key" ON "Listing"("chainKey");

-- CreateIndex
CREATE UNIQUE INDEX "Listing_uploadId_key" ON "Listing"("uploadId");

-- CreateIndex
CREATE INDEX "Listing_status_createdAt_idx" ON "Listing"("status", "createdAt");

-- CreateIndex
CREATE INDEX "Listing_ownerId_idx" ON "Listing"("ownerId");

-- CreateIndex
CREATE UNIQUE INDEX "AccessRequest_chainKey_key" ON "AccessRequest"("chainKey");

-- CreateIndex
CREATE INDEX "ResearchPlan_researcherId_idx" ON "ResearchPlan"("researcherId");

-- CreateIndex
CREATE INDEX "Extract_requestId_idx" ON "Extract"("requestId");

-- CreateIndex
CREATE INDEX "AccessRequestItem_listingId_idx" ON "AccessRequestItem"("listingId");

-- CreateIndex
CREATE UNIQUE INDEX "AccessRequestItem_requestId_listingId_key" ON "AccessRequestItem"("requestId", "listingId");

-- CreateIndex
CREATE INDEX "DataUse_listingId_idx" ON "DataUse"("listingId");

-- CreateIndex
CREATE UNIQUE INDEX "Payout_eventId_key" ON "Payout"("eventId");

-- CreateIndex
CREATE INDEX "Payout_userId_createdAt_idx" ON "Payout"("userId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "ChainOutbox_idempotencyKey_key" ON "ChainOutbox"("idempotencyKey");

-- CreateIndex
CREATE INDEX "ChainOutbox_status_availableAt_idx" ON "ChainOutbox"("status", "availableAt");

-- CreateIndex
CREATE INDEX "ChainOutbox_signer_signerNonce_idx" ON "ChainOutbox"("signer", "signerNonce");

-- CreateIndex
CREATE INDEX "ChainEvent_chainId_blockNumber_idx" ON "ChainEvent"("chainId", "blockNumber");

-- CreateIndex
CREATE INDEX "ChainEvent_eventName_idx" ON "ChainEvent"("eventName");

-- CreateIndex
CREATE UNIQUE INDEX "ChainEvent_chainId_txHash_logIndex_key" ON "ChainEvent"("chainId", "txHash", "logIndex");

-- CreateIndex
CREATE INDEX "AuditLog_entityType_entityId_idx" ON "AuditLog"("entityType", "entityId");

-- AddForeignKey
ALTER TABLE "Upload" ADD CONSTRAINT "Upload_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Trial" ADD CONSTRAINT "Trial_sponsorId_fkey" FOREIGN KEY ("sponsorId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ProtocolVersion" ADD CONSTRAINT "ProtocolVersion_trialId_fkey" FOREIGN KEY ("trialId") REFERENCES "Trial"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Enrollment" ADD CONSTRAINT "Enrollment_trialId_fkey" FOREIGN KEY ("trialId") REFERENCES "Trial"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Enrollment" ADD CONSTRAINT "Enrollment_participantId_fkey" FOREIGN KEY ("participantId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Listing" ADD CONSTRAINT "Listing_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Listing" ADD CONSTRAINT "Listing_trialId_fkey" FOREIGN KEY ("trialId") REFERENCES "Trial"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Listing" ADD CONSTRAINT "Listing_uploadId_fkey" FOREIGN KEY ("uploadId") REFERENCES "Upload"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ConsentTerms" ADD CONSTRAINT "ConsentTerms_listingId_fkey" FOREIGN KEY ("listingId") REFERENCES "Listing"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AccessRequest" ADD CONSTRAINT "AccessRequest_researcherId_fkey" FOREIGN KEY ("researcherId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AccessRequest" ADD CONSTRAINT "AccessRequest_planDocumentId_fkey" FOREIGN KEY ("planDocumentId") REFERENCES "ResearchPlan"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Extract" ADD CONSTRAINT "Extract_requestId_fkey" FOREIGN KEY ("requestId") REFERENCES "AccessRequest"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AccessRequestItem" ADD CONSTRAINT "AccessRequestItem_requestId_fkey" FOREIGN KEY ("requestId") REFERENCES "AccessRequest"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AccessRequestItem" ADD CONSTRAINT "AccessRequestItem_listingId_fkey" FOREIGN KEY ("listingId") REFERENCES "Listing"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DataUse" ADD CONSTRAINT "DataUse_requestId_fkey" FOREIGN KEY ("requestId") REFERENCES "AccessRequest"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DataUse" ADD CONSTRAINT "DataUse_listingId_fkey" FOREIGN KEY ("listingId") REFERENCES "Listing"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Payout" ADD CONSTRAINT "Payout_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AuditLog" ADD CONSTRAINT "AuditLog_actorId_fkey" FOREIGN KEY ("actorId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

