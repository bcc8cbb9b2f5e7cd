import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { getSessionFromRequest } from "~/server/auth";
import { appRouter } from "./root";
import { createTRPCContext } from "./trpc";

/** tRPC over HTTP for any fetch-style server: the Next route, and the tests' own server. */
export function handleTrpcRequest(request: Request): Promise<Response> {
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    req: request,
    router: appRouter,
    createContext: async () =>
      createTRPCContext({
        session: await getSessionFromRequest(request),
        headers: request.headers,
      }),
  });
}
