import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createTRPCClient, httpBatchLink, TRPCClientError } from "@trpc/client";
import superjson from "superjson";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handleTrpcRequest } from "~/server/api/http-handler";
import type { AppRouter } from "~/server/api/root";
import { sessionCookie } from "../support/session-cookie";
import { createHarness, listingInput, SMALL_CSV, type Harness } from "./harness";

/** The app's tRPC handler behind a real HTTP server, called with next-auth session cookies. */
let harness: Harness;
let server: Server;
let baseUrl: string;

beforeAll(async () => {
  harness = await createHarness();
  server = createServer((request, response) => {
    void (async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      const body = chunks.length > 0 ? Buffer.concat(chunks) : undefined;
      const fetchResponse = await handleTrpcRequest(
        new Request(`${baseUrl}${request.url}`, {
          method: request.method,
          headers: request.headers as Record<string, string>,
          body: request.method === "GET" || request.method === "HEAD" ? undefined : body,
        }),
      );
      response.writeHead(fetchResponse.status, Object.fromEntries(fetchResponse.headers));
      response.end(Buffer.from(await fetchResponse.arrayBuffer()));
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await harness.close();
});

function client(cookie?: string) {
  return createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url: `${baseUrl}/api/trpc`,
        transformer: superjson,
        headers: () => (cookie ? { cookie } : {}),
      }),
    ],
  });
}

async function errorOf(promise: Promise<unknown>) {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(TRPCClientError);
  return error as TRPCClientError<AppRouter>;
}

describe("tRPC over HTTP", () => {
  it("serves a signed-in participant and answers with DTOs", async () => {
    const participant = await harness.createUser("PARTICIPANT");
    const api = client(await sessionCookie(participant));
    const upload = await harness.upload(participant, SMALL_CSV);
    const { id } = await api.listings.createDraft.mutate(listingInput(upload.id));
    const [mine] = await api.listings.mine.query();
    expect(mine).toMatchObject({ id, status: "DRAFT", isOwner: true });
    expect(mine!.createdAt).toBeInstanceOf(Date);
    expect(Object.keys(mine!)).not.toContain("blobKey");
    expect(Object.keys(mine!)).not.toContain("ownerId");
  });

  it("treats a missing or forged session as signed out", async () => {
    const participant = await harness.createUser("PARTICIPANT");
    expect((await errorOf(client().listings.mine.query())).data?.httpStatus).toBe(401);
    const forged = await sessionCookie(participant, "a-different-secret-of-thirty-two-characters!");
    expect((await errorOf(client(forged).listings.mine.query())).data?.code).toBe("UNAUTHORIZED");
  });

  it("returns 400 with field errors for malformed input, 403 for the wrong role, 404 for unknown ids", async () => {
    const participant = await harness.createUser("PARTICIPANT");
    const researcher = await harness.createUser("RESEARCHER");
    const bad = await errorOf(
      client(await sessionCookie(participant)).listings.createDraft.mutate({
        ...listingInput("u"),
        title: "",
      }),
    );
    expect(bad.data?.httpStatus).toBe(400);
    expect(bad.message).toMatch(/title/i);
    const wrongRole = await errorOf(
      client(await sessionCookie(researcher)).listings.createDraft.mutate(listingInput("u")),
    );
    expect(wrongRole.data?.httpStatus).toBe(403);
    const missing = await errorOf(
      client(await sessionCookie(researcher)).listings.byId.query({ listingId: "nope" }),
    );
    expect(missing.data?.httpStatus).toBe(404);
  });
});
