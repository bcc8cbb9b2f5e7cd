import "server-only";
import { createWriteStream } from "node:fs";
import { mkdtemp, open, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { DbClient } from "~/server/db";
import { AppError } from "~/server/errors";
import { deidentifyFile, detectFormat, type DeidProgress } from "~/server/privacy/pipeline";
import { putBlob } from "~/server/storage/blob-store";
import { MAX_UPLOAD_BYTES } from "~/shared/uploads";

/**
 * De-identifies a participant's file (already on disk, in a private temporary folder) and
 * keeps only the result: the de-identified CSV and the pseudonym map, both encrypted, and the
 * report. The raw file is deleted by the caller whatever happens.
 */
export async function createUpload(options: {
  db: DbClient;
  ownerId: string;
  fileName: string;
  filePath: string;
  onProgress?: (progress: DeidProgress) => void;
}) {
  const { db } = options;
  const handle = await open(options.filePath, "r");
  const head = Buffer.alloc(64);
  const { bytesRead } = await handle.read(head, 0, 64, 0);
  const { size } = await handle.stat();
  await handle.close();
  if (size > MAX_UPLOAD_BYTES) {
    throw new AppError(
      "TOO_LARGE",
      `The file is ${(size / 1024 / 1024).toFixed(1)} MB; the limit is ${MAX_UPLOAD_BYTES / 1024 / 1024} MB.`,
    );
  }
  const format = detectFormat(options.fileName, head.subarray(0, bytesRead));
  const work = await mkdtemp(path.join(tmpdir(), "trialshare-deid-"));
  try {
    const output = path.join(work, "deidentified.csv");
    const result = await deidentifyFile({
      inputPath: options.filePath,
      format,
      output: createWriteStream(output),
      onProgress: options.onProgress,
      // Uncertain text stays, marked, in the encrypted upload for the participant's review;
      // publishing withholds whatever they do not keep.
      flags: "mark",
    });
    const [blobKey, pseudonymBlobKey] = await Promise.all([
      putBlob(await readFile(output)),
      putBlob(Buffer.from(JSON.stringify(Object.fromEntries(result.pseudonyms)), "utf8")),
    ]);
    return await db.upload.create({
      data: {
        ownerId: options.ownerId,
        fileName: options.fileName.slice(0, 200),
        format: format === "fhir" ? "FHIR" : "CSV",
        blobKey,
        pseudonymBlobKey,
        columns: result.columns,
        rowCount: result.report.rowsOut,
        report: result.report,
      },
      select: { id: true, rowCount: true, columns: true },
    });
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
