import { readFile } from "node:fs/promises";
import { describe, expect, inject, it } from "vitest";
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from "~/server/seed/demo-accounts";
import { cookieJar } from "./http-client";

/** Headers, rate limits and logs of the real app under `next start`. */
const skipReason = inject("e2eSkipReason");
const appUrl = skipReason ? "" : inject("appUrl");

async function passwordSignIn(email: string, password: string) {
  const request = cookieJar(appUrl);
  const { csrfToken } = (await (await request("/api/auth/csrf")).json()) as { csrfToken: string };
  const response = await request("/api/auth/callback/password", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ csrfToken, email, password, json: "true" }),
  });
  const { url } = (await response.json()) as { url: string };
  return new URL(url).searchParams.get("error");
}

describe.skipIf(Boolean(skipReason))("HTTP security", () => {
  it("sends a content security policy that forbids framing, and the other headers", async () => {
    const ping = `/api/trpc/system.ping?input=${encodeURIComponent(JSON.stringify({ json: null }))}`;
    // tRPC sends its own policy (security-headers.js): an answer, a refusal, an unknown route.
    const trpc = [ping, "/api/trpc/listings.catalogue", "/api/trpc/no.such.procedure"];
    // Not the tRPC route (one segment only): the not-found page, with the policy of every page.
    trpc.push("/api/trpc/listings/catalogue");
    for (const path of ["/", "/sign-in", "/api/health", ...trpc]) {
      const response = await fetch(`${appUrl}${path}`);
      const csp = response.headers.get("content-security-policy") ?? "";
      // Once: two policies would both apply, and a header sent twice is joined with ", ".
      expect(csp.split("default-src").length, path).toBe(2);
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("object-src 'none'");
      expect(csp).not.toContain("unsafe-eval");
      expect(response.headers.get("x-frame-options")).toBe("DENY");
      expect(response.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    }
  });

  it("slows password guesses from one client, with a clear message", async () => {
    // An account of its own: the demo accounts are used by the other browser tests.
    const email = `locked-${Date.now()}@test.local`;
    const password = "correct horse battery staple";
    const registered = await fetch(`${appUrl}/api/trpc/account.register`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        json: { email, password, displayName: "Locked out", role: "RESEARCHER" },
      }),
    });
    expect(registered.status).toBe(200);
    const errors: (string | null)[] = [];
    for (let attempt = 0; attempt < 6; attempt += 1)
      errors.push(await passwordSignIn(email, `wrong-guess-${attempt}-Sup3rSecret`));
    expect(errors.slice(0, 5).every((error) => /Wrong email or password/.test(error ?? ""))).toBe(
      true,
    );
    expect(errors[5]).toMatch(/Too many attempts; try again in \d+ seconds?/);
    // The right password is not even checked from this client while it waits.
    expect(await passwordSignIn(email, password)).toMatch(/Too many attempts/);
    // Other accounts are not slowed down by it (sign-in-attacks.test.ts: nor other clients).
    expect(await passwordSignIn("auditor@demo.trialshare.test", DEMO_PASSWORD)).toBeNull();
  });

  it("writes no secret, password, email or key to the server's log", async () => {
    const log = await readFile(inject("appLog"), "utf8");
    expect(log).toContain("demo data seeded");
    const forbidden = [
      ...inject("appSecrets"),
      DEMO_PASSWORD,
      "Sup3rSecret",
      ...DEMO_ACCOUNTS.map((account) => account.email),
    ];
    for (const text of forbidden) expect(log.includes(text), `log contains ${text}`).toBe(false);
    // No 32-byte hex strings next to the word key (private keys, sealed secrets).
    expect(log).not.toMatch(/key"?\s*[:=]\s*"?(0x)?[0-9a-f]{64}/i);
  });
});
