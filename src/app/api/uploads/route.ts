import { getSessionFromRequest } from "~/server/auth";
import { consumeRateLimit } from "~/server/rate-limit";
import { getDb } from "~/server/db";
import { isAppError } from "~/server/errors";
import { MAX_UPLOAD_BYTES } from "~/server/services/uploads/create-upload";
import { processUpload, saveRequestBody } from "~/server/services/uploads/receive-upload";

export const dynamic = "force-dynamic";

/** POST the file as the raw body (X-File-Name header); the answer streams progress (NDJSON). */
export async function POST(request: Request) {
  const session = await getSessionFromRequest(request);
  if (!session) return Response.json({ message: "Sign in to continue." }, { status: 401 });
  if (session.user.role !== "PARTICIPANT")
    return Response.json({ message: "Uploads are for participant accounts." }, { status: 403 });
  try {
    await consumeRateLimit(getDb(), "upload", session.user.id);
  } catch (error) {
    if (isAppError(error)) return Response.json({ message: error.message }, { status: 429 });
    throw error;
  }
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > MAX_UPLOAD_BYTES) {
    return Response.json(
      { message: `The file is over ${MAX_UPLOAD_BYTES / 1024 / 1024} MB; upload a smaller file.` },
      { status: 413 },
    );
  }
  if (!request.body) return Response.json({ message: "The upload is empty." }, { status: 400 });
  const fileName = decodeURIComponent(request.headers.get("x-file-name") ?? "upload.csv").replace(
    /[^\w .()-]/g,
    "_",
  );
  let saved;
  try {
    saved = await saveRequestBody(request.body);
  } catch (error) {
    const isTooLarge = isAppError(error) && error.code === "TOO_LARGE";
    return Response.json(
      { message: isAppError(error) ? error.message : "The upload was interrupted; try again." },
      { status: isTooLarge ? 413 : 400 },
    );
  }
  const stream = processUpload({
    db: getDb(),
    ownerId: session.user.id,
    fileName,
    file: saved.file,
    cleanUp: saved.cleanUp,
  });
  return new Response(stream, {
    headers: { "content-type": "application/x-ndjson", "cache-control": "no-store" },
  });
}
