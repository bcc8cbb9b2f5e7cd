-- AlterTable
ALTER TABLE "User" ADD COLUMN     "sessionVersion" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "SignInBackoff" (
    "key" TEXT NOT NULL,
    "failures" INTEGER NOT NULL,
    "retryAt" TIMESTAMP(3) NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SignInBackoff_pkey" PRIMARY KEY ("key")
);

