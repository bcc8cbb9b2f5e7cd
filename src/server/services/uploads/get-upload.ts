import "server-only";
import Papa from "papaparse";
import type { DbClient } from "~/server/db";
import { AppError } from "~/server/errors";
import type { DeidReport } from "~/server/privacy/report";
import { collectFlaggedValues, previewParts } from "~/server/privacy/review";
import { getBlob } from "~/server/storage/blob-store";

const PREVIEW_ROWS = 20;

/**
 * An upload with its report, the first de-identified rows (flagged text marked as parts) and
 * the flagged values to review, for its owner only. Flagged text is the participant's own
 * data, shown only to them; it never leaves the upload unless they keep it.
 */
export async function getUpload(options: { db: DbClient; ownerId: string; uploadId: string }) {
  const upload = await options.db.upload.findUnique({
    where: { id: options.uploadId },
    select: {
      id: true,
      ownerId: true,
      fileName: true,
      format: true,
      status: true,
      columns: true,
      rowCount: true,
      report: true,
      blobKey: true,
      createdAt: true,
      listing: { select: { id: true } },
    },
  });
  if (!upload || upload.ownerId !== options.ownerId)
    throw new AppError("NOT_FOUND", "No upload of yours has this id.");
  const text = (await getBlob(upload.blobKey)).toString("utf8");
  const parsed = Papa.parse<string[]>(text, { preview: PREVIEW_ROWS + 1, skipEmptyLines: true });
  const report = upload.report as unknown as DeidReport;
  const hasFlags = (report.flagged ?? []).length > 0;
  return {
    id: upload.id,
    fileName: upload.fileName,
    format: upload.format,
    status: upload.status,
    columns: upload.columns,
    rowCount: upload.rowCount,
    report,
    preview: parsed.data.slice(1).map((row) => row.map(previewParts)),
    flagged: hasFlags && !upload.listing ? collectFlaggedValues(text) : [],
    listingId: upload.listing?.id ?? null,
    createdAt: upload.createdAt,
  };
}

export async function findMyUploads(options: { db: DbClient; ownerId: string }) {
  return options.db.upload.findMany({
    where: { ownerId: options.ownerId },
    orderBy: { createdAt: "desc" },
    select: {
      id: true,
      fileName: true,
      format: true,
      status: true,
      rowCount: true,
      createdAt: true,
    },
  });
}
