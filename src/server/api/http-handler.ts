import "server-only";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { TRPC_ERROR_CODES_BY_KEY } from "@trpc/server/rpc";
import superjson from "superjson";
import { getSessionFromRequest } from "~/server/auth";
import { AppError, ERROR_TRANSPORT, isAppError } from "~/server/errors";
import { assertSameOriginWrite, readBodyWithin } from "~/server/request-guards";
import { MAX_BATCH_CALLS, UNBATCHED_PROCEDURES } from "~/shared/trpc-limits";
import { CONTENT_SECURITY_POLICY } from "~/shared/security-headers";
import { appRouter } from "./root";
import { createTRPCContext } from "./trpc";

/**
 * Bounds on one tRPC request, checked before anything is parsed or run (batch bounds in
 * src/shared/trpc-limits.ts). Inputs are small: the largest, a research-plan summary, is
 * 20,000 characters.
 */
export const MAX_TRPC_BODY_BYTES = 1024 * 1024;

function assertBatchShape(request: Request): void {
  const url = new URL(request.url);
  const paths = decodeURIComponent(url.pathname.replace(/^.*\/api\/trpc\/?/, "")).split(",");
  if (paths.length > MAX_BATCH_CALLS)
    throw new AppError(
      "BAD_INPUT",
      `A batch may hold at most ${MAX_BATCH_CALLS} calls; this one has ${paths.length}. Send fewer at once.`,
    );
  if (paths.length > 1 && paths.some((path) => UNBATCHED_PROCEDURES.includes(path)))
    throw new AppError(
      "BAD_INPUT",
      `${paths.find((path) => UNBATCHED_PROCEDURES.includes(path))} takes one account at a time; send it alone, not in a batch.`,
    );
}

/**
 * Answers depend on who asks: no shared cache may keep one, no browser cache either. The
 * security policy comes from here, not next.config.js, on this route (security-headers.js).
 */
const RESPONSE_HEADERS = {
  "cache-control": "private, no-store",
  "content-security-policy": CONTENT_SECURITY_POLICY,
};

/** A refusal in tRPC's own error envelope, so the client shows its message like any other. */
function trpcRefusal(error: AppError): Response {
  const { trpc: code, http: httpStatus } = ERROR_TRANSPORT[error.code];
  const shape = {
    message: error.message,
    code: TRPC_ERROR_CODES_BY_KEY[code],
    data: { code, httpStatus },
  };
  return Response.json(
    { error: superjson.serialize(shape) },
    { status: httpStatus, headers: RESPONSE_HEADERS },
  );
}

/** tRPC over HTTP for any fetch-style server: the Next route, and the tests' own server. */
export async function handleTrpcRequest(request: Request): Promise<Response> {
  let bounded: Request;
  try {
    assertSameOriginWrite(request);
    assertBatchShape(request);
    const hasBody = request.method !== "GET" && request.method !== "HEAD";
    bounded = hasBody
      ? new Request(request.url, {
          method: request.method,
          headers: request.headers,
          body: new Uint8Array(await readBodyWithin(request, MAX_TRPC_BODY_BYTES)),
        })
      : request;
  } catch (error) {
    if (isAppError(error)) return trpcRefusal(error);
    throw error;
  }
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    req: bounded,
    router: appRouter,
    maxBatchSize: MAX_BATCH_CALLS,
    createContext: async () =>
      createTRPCContext({
        session: await getSessionFromRequest(bounded),
        headers: bounded.headers,
      }),
    responseMeta: () => ({ headers: new Headers(RESPONSE_HEADERS) }),
  });
}
