import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { readFile } from "node:fs/promises";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, describe, expect, inject, it } from "vitest";
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from "~/server/seed/demo-accounts";
import { browserForFile, signInWithPassword, WAIT_MS } from "./browser";

/** Sign-in as people do it in a browser: fast, before the page is ready, and under attack. */
const skipReason = inject("e2eSkipReason");
const appUrl = skipReason ? "" : inject("appUrl");
const browser = browserForFile(Boolean(skipReason));
const contexts: BrowserContext[] = [];

const pageErrors = new WeakMap<Page, string[]>();
async function freshPage(): Promise<Page> {
  const context = await browser().newContext();
  contexts.push(context);
  const page = await context.newPage();
  const errors: string[] = [];
  pageErrors.set(page, errors);
  page.on("pageerror", (error) => errors.push(`pageerror: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(`console: ${message.text()}`);
  });
  page.on("requestfailed", (request) =>
    errors.push(`failed: ${request.url()} ${request.failure()?.errorText}`),
  );
  page.on("framenavigated", (frame) => {
    if (frame === page.mainFrame()) errors.push(`nav: ${frame.url()}`);
  });
  return page;
}

/** Waits until the page shows who is signed in, or an error: never neither. */
async function outcomeOf(page: Page): Promise<string> {
  const signedIn = page.getByTestId("signed-in-as");
  // Next's route announcer is an (empty) alert too: the form's has words in it.
  const alert = page.getByRole("alert").filter({ hasText: /\w/ });
  await signedIn
    .or(alert)
    .first()
    .waitFor({ timeout: WAIT_MS })
    .catch(async (error: unknown) => {
      console.log("DEBUG url", page.url());
      console.log(
        "DEBUG header",
        await page
          .locator("header")
          .innerHTML()
          .catch(() => "none"),
      );
      console.log(
        "DEBUG main",
        (
          await page
            .locator("main")
            .innerHTML()
            .catch(() => "none")
        ).slice(0, 4000),
      );
      console.log("DEBUG events", JSON.stringify(pageErrors.get(page) ?? []));
      throw error;
    });
  if (await signedIn.isVisible()) return `signed in: ${await signedIn.textContent()}`;
  return `error: ${await alert.textContent()}`;
}

let attackerSite: Server | undefined;
afterAll(async () => {
  for (const context of contexts) await context.close();
  if (attackerSite) await new Promise((resolve) => attackerSite!.close(resolve));
});

describe.skipIf(Boolean(skipReason))("sign-in in a browser", () => {
  it("signs in 20 times in a row in fresh browsers, each quickly, none silently failing", async () => {
    const urls: string[] = [];
    const outcomes: string[] = [];
    for (let run = 0; run < 20; run += 1) {
      const account = DEMO_ACCOUNTS[run % DEMO_ACCOUNTS.length]!;
      const page = await freshPage();
      page.on("request", (request) => urls.push(request.url()));
      // No waiting for the page to settle: type and submit as soon as the form is there.
      await page.goto(`${appUrl}/sign-in`, { waitUntil: "commit" });
      await page.getByLabel("Email").fill(account.email);
      await page.getByLabel("Password").fill(DEMO_PASSWORD);
      await page.getByRole("button", { name: "Sign in", exact: true }).click();
      const outcome = await outcomeOf(page);
      outcomes.push(outcome);
      expect(outcome, `run ${run}`).toBe(
        `signed in: ${account.displayName} · ${account.role.toLowerCase()}`,
      );
      await page.context().close();
    }
    expect(outcomes).toHaveLength(20);
    expect(urls.filter((url) => url.includes(encodeURIComponent(DEMO_PASSWORD)))).toEqual([]);
    expect(urls.filter((url) => url.includes("csrf=true"))).toEqual([]);
    // Twenty browsers on a shared two-core machine: "quickly" is the typing, not the machine.
  }, 600_000);

  it("signs in when a session fetch replaces the CSRF cookie after the form read its token", async () => {
    const page = await freshPage();
    const context = page.context();
    // The header's session fetch (no cookie yet, so it gets a CSRF cookie of its own) is
    // answered only after the form has fetched its token, and before the form posts it.
    let releaseSession!: () => void;
    const sessionAnswered = new Promise<void>((resolve) => (releaseSession = resolve));
    let isRaceStaged = false;
    await context.route("**/api/auth/session", async (route) => {
      if (isRaceStaged) return route.continue();
      isRaceStaged = true;
      await page.waitForResponse("**/api/auth/csrf", { timeout: WAIT_MS });
      const late = await fetch(`${appUrl}/api/auth/session`);
      await route.fulfill({
        status: late.status,
        headers: Object.fromEntries([
          ...[...late.headers].filter(([name]) => name !== "set-cookie"),
          ["set-cookie", late.headers.getSetCookie().join("\n")],
        ]),
        body: await late.text(),
      });
      releaseSession();
    });
    let posts = 0;
    await context.route("**/api/auth/callback/password", async (route) => {
      posts += 1;
      if (posts === 1) await sessionAnswered;
      await route.continue();
    });
    await page.goto(`${appUrl}/sign-in`);
    const account = DEMO_ACCOUNTS[1];
    await page.getByLabel("Email").fill(account.email);
    await page.getByLabel("Password").fill(DEMO_PASSWORD);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    expect(await outcomeOf(page)).toBe(`signed in: ${account.displayName} · researcher`);
    // The first post lost the race; the form retried once with a fresh token.
    expect(posts).toBe(2);
  });

  it("never puts a password in a URL or the server log, even before the page is ready", async () => {
    const password = `never-in-a-url-${Date.now()}`;
    for (const form of ["sign-in", "register"] as const) {
      const page = await freshPage();
      // The app's scripts never arrive: the form is as the server rendered it.
      await page.context().route("**/_next/static/**/*.js", (route) => route.abort());
      const requests: { method: string; url: string }[] = [];
      page.on("request", (request) =>
        requests.push({ method: request.method(), url: request.url() }),
      );
      await page.goto(`${appUrl}/${form}`);
      if (form === "register") await page.getByLabel("Display name").fill("Someone");
      await page.getByLabel("Email").fill("someone@test.local");
      await page.getByLabel(/^Password/).fill(password);
      await page.getByLabel(/^Password/).press("Enter");
      // Submitted by other means too (an extension, a script, a slow click).
      const navigated = page.waitForEvent("framenavigated");
      await page
        .locator("form")
        .filter({ has: page.getByLabel(/^Password/) })
        .evaluate((element) => (element as HTMLFormElement).requestSubmit());
      await navigated;
      await page.waitForLoadState();
      expect(page.url()).not.toContain(password);
      for (const request of requests) expect(request.url, form).not.toContain(password);
      // The page says why nothing happened.
      await expect.poll(() => page.getByText(/needs JavaScript/).count()).toBeGreaterThan(0);
    }
    const log = await readFile(inject("appLog"), "utf8");
    expect(log).not.toContain("never-in-a-url");
  });

  it("refuses writes that another origin of the same site makes with the user's cookies", async () => {
    // A page on localhost with another port: same site, so the browser sends the cookies.
    attackerSite = createServer((_request, response) => {
      response.writeHead(200, { "content-type": "text/html" });
      response.end(`<!doctype html><script>
        Promise.all([
          fetch(${JSON.stringify(`${appUrl}/api/uploads`)}, { method: "POST", mode: "no-cors",
            credentials: "include", headers: { "content-type": "text/plain" },
            body: "pseudonym,year\\nS-1,2020\\nS-2,2021\\n" }),
          fetch(${JSON.stringify(`${appUrl}/api/plans`)}, { method: "POST", mode: "no-cors",
            credentials: "include", headers: { "content-type": "text/plain" },
            body: "A plan planted by another site, for the researcher to cite unknowingly." }),
        ]).finally(() => { document.title = "sent"; });
      </script>`);
    });
    await new Promise<void>((resolve) => attackerSite!.listen(0, "127.0.0.1", resolve));
    const attackerUrl = `http://localhost:${(attackerSite.address() as AddressInfo).port}/`;
    const countUploads = (page: Page) =>
      page.evaluate(async () => {
        const response = await fetch("/api/trpc/uploads.mine");
        const body = (await response.json()) as { result: { data: { json: unknown[] } } };
        return body.result.data.json.length;
      });

    // A participant and a researcher, each signed in, each visit the attacker's page.
    for (const role of ["PARTICIPANT", "RESEARCHER"] as const) {
      const page = await freshPage();
      await signInWithPassword(page, appUrl, role);
      const uploadsBefore = role === "PARTICIPANT" ? await countUploads(page) : 0;
      const statuses: Record<string, number> = {};
      page.on("response", (response) => {
        const path = new URL(response.url()).pathname;
        if (path === "/api/uploads" || path === "/api/plans") statuses[path] = response.status();
      });
      await page.goto(attackerUrl);
      await expect.poll(() => page.title(), { timeout: WAIT_MS }).toBe("sent");
      await expect.poll(() => Object.keys(statuses).length).toBe(2);
      const target = role === "PARTICIPANT" ? "/api/uploads" : "/api/plans";
      expect(statuses[target], `${role} ${target}`).toBe(403);
      if (role === "PARTICIPANT") {
        await page.goto(`${appUrl}/participant/listings`);
        expect(await countUploads(page)).toBe(uploadsBefore);
      }
    }
  });
});
