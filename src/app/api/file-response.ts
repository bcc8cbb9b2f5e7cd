import { isAppError } from "~/server/errors";

/** A generated file as a download nobody caches. */
export function fileResponse(file: { name: string; type: string; body: Buffer }): Response {
  return new Response(new Uint8Array(file.body), {
    headers: {
      "content-type": file.type,
      "content-disposition": `attachment; filename="${file.name}"`,
      "cache-control": "no-store",
    },
  });
}

const STATUS: Record<string, number> = { NOT_FOUND: 404, FORBIDDEN: 403 };

/** A domain error as JSON with its status; anything else is rethrown (a 500, logged). */
export function errorResponse(error: unknown): Response {
  if (isAppError(error))
    return Response.json({ message: error.message }, { status: STATUS[error.code] ?? 400 });
  throw error;
}
