import { randomBytes } from "node:crypto";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { ERROR_TRANSPORT, type AppErrorCode } from "~/server/errors";
import { DEMO_PASSWORD, DEMO_TRIAL_REGISTRY_ID } from "~/server/seed/demo-accounts";
import {
  cookieJar,
  signInWithPassword,
  trpcMutation,
  trpcQuery,
  type CookieJar,
} from "./http-client";

/**
 * Requests an attacker shapes against the running app (`next start`): cross-origin writes,
 * oversize and over-long batches, odd names and values. Each must end in a clear 4xx and
 * change nothing.
 */
const skipReason = inject("e2eSkipReason");
const appUrl = skipReason ? "" : inject("appUrl");

let participant: CookieJar;
let researcher: CookieJar;
let auditor: CookieJar;

async function newAccount(from: string, role: "PARTICIPANT" | "RESEARCHER") {
  const client = cookieJar(appUrl, { from });
  const email = `${role.toLowerCase()}-${randomBytes(4).toString("hex")}@test.local`;
  const password = "a long enough password";
  const registered = await trpcMutation(client, "account.register", {
    email,
    password,
    displayName: `Request attacks ${role.toLowerCase()}`,
    role,
  });
  expect(registered.status).toBe(200);
  expect(await signInWithPassword(client, email, password)).toBeNull();
  return client;
}

/** Another origin of the same site (same host, other port): its cookies are same-site. */
const sameSiteOrigin = () => `http://localhost:${Number(new URL(appUrl).port) + 1}`;
const crossSite = () => ({
  origin: sameSiteOrigin(),
  "sec-fetch-site": "same-site",
  "sec-fetch-mode": "no-cors",
  "content-type": "text/plain",
});

async function myUploads() {
  return (await trpcQuery(participant, "uploads.mine")).data as unknown[];
}

beforeAll(async () => {
  if (skipReason) return;
  participant = await newAccount("127.0.9.1", "PARTICIPANT");
  researcher = await newAccount("127.0.9.2", "RESEARCHER");
  auditor = cookieJar(appUrl, { from: "127.0.9.3" });
  expect(await signInWithPassword(auditor, "auditor@demo.trialshare.test", DEMO_PASSWORD)).toBe(
    null,
  );
});

describe.skipIf(Boolean(skipReason))("requests shaped by an attacker", () => {
  it("refuses writes from another origin of the same site, and writes nothing", async () => {
    const before = (await myUploads()).length;
    const upload = await participant("/api/uploads", {
      method: "POST",
      headers: { ...crossSite(), "x-file-name": "planted.csv" },
      body: "pseudonym,year\nS-1,2020\nS-2,2021\n",
    });
    expect(upload.status).toBe(403);
    expect(((await upload.json()) as { message: string }).message).toMatch(/another site/);
    expect((await myUploads()).length).toBe(before);

    const plan = await researcher("/api/plans", {
      method: "POST",
      headers: crossSite(),
      body: "A planted research plan of the attacker's choosing.",
    });
    expect(plan.status).toBe(403);

    // The same refusal for tRPC and for next-auth's own endpoints, by Origin alone.
    const draft = await trpcMutation(
      participant,
      "listings.createDraft",
      { uploadId: "x" },
      { origin: "https://evil.example" },
    );
    expect(draft.status).toBe(403);
    const signOut = await participant("/api/auth/signout", {
      method: "POST",
      headers: { ...crossSite(), "content-type": "application/x-www-form-urlencoded" },
      body: "json=true",
    });
    expect(signOut.status).toBe(403);

    // The app's own pages still write: same origin, or no browser headers at all.
    const own = await researcher("/api/plans", {
      method: "POST",
      headers: { origin: appUrl, "sec-fetch-site": "same-origin", "x-file-name": "plan.txt" },
      body: "A research plan written by the researcher in the app itself.",
    });
    expect(own.status).toBe(200);
  });

  it("refuses a 50 MB tRPC body before parsing it, and a batch of 300 calls", async () => {
    const huge = JSON.stringify({ json: { email: "x".repeat(50 * 1024 * 1024) } });
    const started = Date.now();
    const tooLarge = await fetch(`${appUrl}/api/trpc/account.register`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: huge,
    });
    expect(tooLarge.status).toBe(413);
    expect(await tooLarge.text()).toMatch(/too large/i);
    expect(Date.now() - started).toBeLessThan(30_000);

    const paths = Array(300).fill("system.ping").join(",");
    const batch = await fetch(`${appUrl}/api/trpc/${paths}?batch=1&input={}`);
    expect(batch.status).toBe(400);
    expect(await batch.text()).toMatch(/batch/i);
    const inputs = Object.fromEntries(
      Array.from({ length: 5 }, (_, index) => [
        index,
        {
          json: {
            email: `batch-${index}-${randomBytes(3).toString("hex")}@test.local`,
            password: "a long enough password",
            displayName: "Batch",
            role: "PARTICIPANT",
          },
        },
      ]),
    );
    const registrations = await fetch(
      `${appUrl}/api/trpc/${Array(5).fill("account.register").join(",")}?batch=1`,
      {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(inputs),
      },
    );
    expect(registrations.status).toBe(400);
    expect(await registrations.text()).toMatch(/one account at a time/i);
  });

  it("every route handler answers a domain error with the status of the one table", async () => {
    const anonymous = cookieJar(appUrl, { from: "127.0.9.4" });
    // Each route: a refusal and the error code it stands for; the status comes from errors.ts.
    const expectRefusal = async (response: Response, code: AppErrorCode, message: RegExp) => {
      expect(response.status, `${response.url} → ${code}`).toBe(ERROR_TRANSPORT[code].http);
      expect(response.headers.get("content-type")).toMatch(/application\/json/);
      expect(response.headers.get("cache-control")).toMatch(/no-store/);
      expect(((await response.json()) as { message: string }).message).toMatch(message);
    };
    const csv = { "content-type": "text/csv", "x-file-name": "a.csv" };
    const guarded: Array<[string, RequestInit]> = [
      ["/api/uploads", { method: "POST", headers: csv, body: "pseudonym,year\nS-1,2020\n" }],
      ["/api/plans", { method: "POST", headers: { "content-type": "text/plain" }, body: "x" }],
      ["/api/plans/no-such-plan", {}],
      ["/api/extracts/no-such-extract/csv", {}],
      [`/api/audit/${DEMO_TRIAL_REGISTRY_ID}/report`, {}],
      ["/api/my-data/json", {}],
    ];
    for (const [route, init] of guarded)
      await expectRefusal(await anonymous(route, init), "UNAUTHENTICATED", /sign in/i);

    // The wrong role: a researcher uploading health data, a participant sending a plan.
    await expectRefusal(
      await researcher("/api/uploads", guarded[0]![1]),
      "FORBIDDEN",
      /participant accounts/i,
    );
    await expectRefusal(
      await participant("/api/plans", guarded[1]![1]),
      "FORBIDDEN",
      /researcher/i,
    );
    // Bad input, something that is not there, a document over the limit.
    await expectRefusal(
      await participant("/api/uploads", {
        method: "POST",
        headers: { ...csv, "x-file-name": "%E0%A4%A" },
        body: "pseudonym,year\nS-1,2020\n",
      }),
      "BAD_INPUT",
      /file name/i,
    );
    await expectRefusal(
      await researcher("/api/plans/no-such-plan"),
      "NOT_FOUND",
      /no research plan/i,
    );
    await expectRefusal(await participant("/api/my-data/xml"), "NOT_FOUND", /my-data\/json/);
    await expectRefusal(
      await researcher("/api/plans", {
        method: "POST",
        headers: { "content-type": "text/plain", "x-file-name": "big.txt" },
        body: "x".repeat(6 * 1024 * 1024),
      }),
      "TOO_LARGE",
      /.+/,
    );
  });

  it("answers odd file names in uploads and downloads with a clear 400 or 404", async () => {
    for (let attempt = 0; attempt < 31; attempt += 1) {
      const response = await participant("/api/uploads", {
        method: "POST",
        headers: { "x-file-name": "%E0%A4%A", "content-type": "text/csv" },
        body: "pseudonym,year\nS-1,2020\n",
      });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { message: string }).message).toMatch(/file name/i);
    }
    // The refused uploads did not use up the participant's hourly quota.
    const upload = await participant("/api/uploads", {
      method: "POST",
      headers: { "x-file-name": encodeURIComponent("vitals ü.csv"), "content-type": "text/csv" },
      body: "pseudonym,year,systolic_bp\nS-1,2020,120\nS-2,2021,130\n",
    });
    expect(upload.status).toBe(200);
    await upload.text();

    for (const name of ["constructor", "__proto__", "toString", "hasOwnProperty"]) {
      const extract = await researcher(`/api/extracts/no-such-extract/${name}`);
      expect(extract.status, name).toBe(404);
      expect(((await extract.json()) as { message: string }).message).toMatch(/Ask for/);
      const audit = await auditor(`/api/audit/${DEMO_TRIAL_REGISTRY_ID}/${name}`);
      expect(audit.status, name).toBe(404);
      expect(audit.headers.get("content-type")).toMatch(/application\/json/);
    }
  });

  it("answers a NUL byte and dates beyond what the chain holds with a clear 400", async () => {
    const search = (filter: Record<string, unknown>) =>
      trpcQuery(
        researcher,
        `listings.catalogue?input=${encodeURIComponent(JSON.stringify({ json: { filter } }))}`,
      );
    const nul = await search({ query: "diabetes\u0000" });
    expect(nul.response.status).toBe(400);
    expect(nul.error?.message).toMatch(/query/);
    for (const date of ["-271821-04-20", "+275760-09-13", "10000-01-01"]) {
      const result = await search({ publishedAfter: date });
      expect(result.response.status, date).toBe(400);
      expect(result.error?.message, date).toMatch(/publishedAfter/);
    }
    const farFuture = await trpcMutation(participant, "listings.createDraft", {
      uploadId: "any",
      title: "Consent until year 10000",
      price: "1",
      purposes: ["ACADEMIC_RESEARCH"],
      consentExpiresAt: "10000-01-01T00:00:00.000Z",
      autoApprove: true,
    });
    expect(farFuture.status).toBe(400);
    expect(farFuture.error?.message).toMatch(/consentExpiresAt/);
    expect((await trpcQuery(participant, "listings.mine")).response.status).toBe(200);
  });

  it("marks private answers uncacheable, and tells browsers to use HTTPS only", async () => {
    const me = await trpcQuery(researcher, "account.me");
    expect(me.response.status).toBe(200);
    expect(me.response.headers.get("cache-control")).toBe("private, no-store");
    const plan = await researcher("/api/plans", {
      method: "POST",
      headers: { "x-file-name": "plan.txt" },
      body: "Another research plan, to read back as a private download.",
    });
    const { id } = (await plan.json()) as { id: string };
    const download = await researcher(`/api/plans/${id}`);
    expect(download.status).toBe(200);
    expect(download.headers.get("cache-control")).toBe("private, no-store");
    const home = await fetch(`${appUrl}/`);
    expect(home.headers.get("strict-transport-security")).toMatch(/max-age=\d{8}/);
  });
});
