import "server-only";
import { createHydrationHelpers } from "@trpc/react-query/rsc";
import { headers } from "next/headers";
import { cache } from "react";
import { createCaller, type AppRouter } from "~/server/api/root";
import { createTRPCContext } from "~/server/api/trpc";
import { getSession } from "~/server/auth";
import { createQueryClient } from "./query-client";

/** tRPC for server components: the same procedures, called in-process with the session. */
const createContext = cache(async () =>
  createTRPCContext({ session: await getSession(), headers: new Headers(await headers()) }),
);

export async function getServerApi() {
  return createCaller(await createContext());
}

/**
 * Prefetching for pages (create-t3-app's pattern): `await prefetch.ledger.mine.prefetch()`
 * in the page, then `<HydrateClient>` around the client component that asks for the same
 * query; it renders with the data at once instead of "Loading…". A failed prefetch is not
 * passed on: the browser then asks itself and shows the error as usual.
 */
const getQueryClient = cache(createQueryClient);
export const { trpc: prefetch, HydrateClient } = createHydrationHelpers<AppRouter>(
  createCaller(createContext),
  getQueryClient,
);
