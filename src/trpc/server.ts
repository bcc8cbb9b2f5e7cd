import "server-only";
import { headers } from "next/headers";
import { cache } from "react";
import { createCaller } from "~/server/api/root";
import { createTRPCContext } from "~/server/api/trpc";
import { getSession } from "~/server/auth";

/** tRPC for server components: the same procedures, called in-process with the session. */
const createContext = cache(async () =>
  createTRPCContext({ session: await getSession(), headers: new Headers(await headers()) }),
);

export async function getServerApi() {
  return createCaller(await createContext());
}
