import "server-only";
import { createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import type { DbClient } from "~/server/db";
import { AppError, isAppError } from "~/server/errors";
import { describeError, logger } from "~/server/logger";
import { MAX_UPLOAD_BYTES } from "~/shared/uploads";
import { createUpload } from "./create-upload";

/**
 * Receives an upload over HTTP and answers with progress as it goes, one JSON object a line:
 * {"type":"progress","phase":...,"percent":...}, then {"type":"done","uploadId":...} or
 * {"type":"error","message":...}. The raw file lives only in a private temporary folder and is
 * deleted whatever happens.
 */
export type UploadEvent =
  | { type: "progress"; phase: string; percent: number; rows: number }
  | { type: "done"; uploadId: string; rows: number; columns: number }
  | { type: "error"; message: string };

export async function saveRequestBody(body: ReadableStream<Uint8Array>, limit = MAX_UPLOAD_BYTES) {
  const work = await mkdtemp(path.join(tmpdir(), "trialshare-upload-"));
  const file = path.join(work, "upload");
  let bytes = 0;
  const limiter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length;
      if (bytes > limit)
        callback(
          new AppError(
            "TOO_LARGE",
            `The file is over ${limit / 1024 / 1024} MB; upload a smaller file.`,
          ),
        );
      else callback(null, chunk);
    },
  });
  try {
    await pipeline(
      Readable.fromWeb(body as WebReadableStream<Uint8Array>),
      limiter,
      createWriteStream(file, { mode: 0o600 }),
    );
  } catch (error) {
    await rm(work, { recursive: true, force: true });
    throw error;
  }
  return { file, bytes, cleanUp: () => rm(work, { recursive: true, force: true }) };
}

export function processUpload(options: {
  db: DbClient;
  ownerId: string;
  fileName: string;
  file: string;
  cleanUp: () => Promise<void>;
}): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    async start(controller) {
      const send = (event: UploadEvent) =>
        controller.enqueue(encoder.encode(`${JSON.stringify(event)}\n`));
      try {
        const upload = await createUpload({
          db: options.db,
          ownerId: options.ownerId,
          fileName: options.fileName,
          filePath: options.file,
          onProgress: (progress) =>
            send({
              type: "progress",
              phase: progress.phase,
              percent: Math.round((100 * progress.bytes) / Math.max(progress.totalBytes, 1)),
              rows: progress.rows,
            }),
        });
        send({
          type: "done",
          uploadId: upload.id,
          rows: upload.rowCount,
          columns: upload.columns.length,
        });
      } catch (error) {
        if (!isAppError(error)) logger.error("upload failed", { error: describeError(error) });
        send({
          type: "error",
          message: isAppError(error)
            ? error.message
            : "The file could not be processed; nothing was saved.",
        });
      } finally {
        await options.cleanUp();
        controller.close();
      }
    },
  });
}
