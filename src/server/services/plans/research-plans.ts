import "server-only";
import { readFile } from "node:fs/promises";
import { keccak256 } from "ethers";
import type { DbClient } from "~/server/db";
import { AppError } from "~/server/errors";
import { getBlob, putBlob } from "~/server/storage/blob-store";

export const MAX_PLAN_BYTES = 5 * 1024 * 1024;

/**
 * Research-plan documents: a PDF or a text file, stored encrypted; their keccak256 is the plan
 * hash anchored with each request that cites them. Readable by the researcher and by the
 * owners of listings a submitted request (recorded on chain) cites the plan for.
 */
export async function saveResearchPlan(options: {
  db: DbClient;
  researcherId: string;
  fileName: string;
  filePath: string;
}) {
  const bytes = await readFile(options.filePath);
  if (bytes.length === 0) throw new AppError("BAD_INPUT", "The plan document is empty.");
  const isPdf = bytes.subarray(0, 5).toString("latin1") === "%PDF-";
  if (!isPdf) {
    if (bytes.includes(0))
      throw new AppError("BAD_INPUT", "The plan must be a PDF or a text file.");
    try {
      new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    } catch {
      throw new AppError("BAD_INPUT", "The plan must be a PDF or a UTF-8 text file.");
    }
  }
  const blobKey = await putBlob(bytes);
  return options.db.researchPlan.create({
    data: {
      researcherId: options.researcherId,
      fileName: options.fileName.slice(0, 200),
      mimeType: isPdf ? "application/pdf" : "text/plain; charset=utf-8",
      hash: keccak256(bytes),
      blobKey,
    },
    select: { id: true, hash: true, fileName: true },
  });
}

export async function readResearchPlan(options: { db: DbClient; userId: string; planId: string }) {
  const plan = await options.db.researchPlan.findUnique({
    where: { id: options.planId },
    select: { researcherId: true, fileName: true, mimeType: true, blobKey: true },
  });
  const isOwnerOfRequestedListing =
    plan &&
    plan.researcherId !== options.userId &&
    (await options.db.accessRequestItem.count({
      // A draft shows only the researcher's intent: owners see the plan once it is requested.
      where: {
        request: { planDocumentId: options.planId, anchorStatus: "CONFIRMED" },
        listing: { ownerId: options.userId },
      },
    })) > 0;
  if (!plan || (plan.researcherId !== options.userId && !isOwnerOfRequestedListing)) {
    throw new AppError("NOT_FOUND", "There is no research plan with this id that you can read.");
  }
  return { fileName: plan.fileName, mimeType: plan.mimeType, body: await getBlob(plan.blobKey) };
}
