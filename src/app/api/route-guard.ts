import "server-only";
import { getSessionFromRequest } from "~/server/auth";
import { AppError, ERROR_TRANSPORT, isAppError } from "~/server/errors";
import type { Role } from "~/server/generated/prisma/enums";
import { assertSameOriginWrite } from "~/server/request-guards";
import type { SessionUser } from "~/server/session";

/**
 * The one door of every route handler: writes from this origin only, a current session, the
 * right role; then the handler. A domain error becomes JSON with its one HTTP status
 * (errors.ts); anything else is a 500, logged by Next.
 */
export async function withSession(
  request: Request,
  access: { roles?: readonly Role[]; roleRefusal?: string },
  handle: (user: SessionUser) => Promise<Response>,
): Promise<Response> {
  try {
    assertSameOriginWrite(request);
    // Ids in the path go to the database, whose text cannot hold a NUL character.
    if (new URL(request.url).pathname.includes("%00"))
      throw new AppError("BAD_INPUT", "The address contains a NUL character (%00); remove it.");
    const session = await getSessionFromRequest(request);
    if (!session) throw new AppError("UNAUTHENTICATED", "Sign in to continue.");
    if (access.roles && !access.roles.includes(session.user.role))
      throw new AppError("FORBIDDEN", access.roleRefusal ?? "Your account's role may not do this.");
    return await handle(session.user);
  } catch (error) {
    return errorResponse(error);
  }
}

/** A domain error as JSON with its status; anything else is rethrown (a 500, logged). */
export function errorResponse(error: unknown): Response {
  if (isAppError(error))
    return Response.json(
      { message: error.message },
      {
        status: ERROR_TRANSPORT[error.code].http,
        headers: { "cache-control": "private, no-store" },
      },
    );
  throw error;
}

/**
 * The file name a client sent in X-File-Name (percent-encoded), reduced to safe characters.
 * A malformed one is refused before anything else is spent on the request.
 */
export function readFileName(request: Request, fallback: string): string {
  const header = request.headers.get("x-file-name");
  if (header === null) return fallback;
  let decoded: string;
  try {
    decoded = decodeURIComponent(header);
  } catch {
    throw new AppError(
      "BAD_INPUT",
      "The file name (X-File-Name) is not valid percent-encoding; send encodeURIComponent(name).",
    );
  }
  return decoded.replace(/[^\w .()-]/g, "_").slice(0, 200) || fallback;
}

/** Whether `name` is one of the keys of `table` itself (never "constructor" or "__proto__"). */
export function isOneOf<Table extends object>(
  table: Table,
  name: string,
): name is Extract<keyof Table, string> {
  return Object.hasOwn(table, name);
}
