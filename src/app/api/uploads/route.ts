import { consumeRateLimit } from "~/server/rate-limit";
import { getDb } from "~/server/db";
import { AppError } from "~/server/errors";
import { processUpload, saveRequestBody } from "~/server/services/uploads/receive-upload";
import { MAX_UPLOAD_BYTES } from "~/shared/uploads";
import { readFileName, withSession } from "../route-guard";

export const dynamic = "force-dynamic";

/** POST the file as the raw body (X-File-Name header); the answer streams progress (NDJSON). */
export function POST(request: Request) {
  const access = {
    roles: ["PARTICIPANT"] as const,
    roleRefusal: "Uploads are for participant accounts.",
  };
  return withSession(request, access, async (user) => {
    // Malformed requests are refused before they count against the participant's quota.
    const fileName = readFileName(request, "upload.csv");
    const declared = Number(request.headers.get("content-length") ?? "0");
    if (declared > MAX_UPLOAD_BYTES)
      throw new AppError(
        "TOO_LARGE",
        `The file is over ${MAX_UPLOAD_BYTES / 1024 / 1024} MB; upload a smaller file.`,
      );
    if (!request.body) throw new AppError("BAD_INPUT", "The upload is empty.");
    await consumeRateLimit(getDb(), "upload", user.id);
    const saved = await saveRequestBody(request.body).catch((error: unknown) => {
      throw error instanceof AppError
        ? error
        : new AppError("BAD_INPUT", "The upload was interrupted; try again.");
    });
    const stream = processUpload({
      db: getDb(),
      ownerId: user.id,
      fileName,
      file: saved.file,
      cleanUp: saved.cleanUp,
    });
    return new Response(stream, {
      headers: { "content-type": "application/x-ndjson", "cache-control": "private, no-store" },
    });
  });
}
