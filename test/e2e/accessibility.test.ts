import type { BrowserContext, Locator, Page } from "playwright-core";
import { afterAll, describe, expect, inject, it } from "vitest";
import { DEMO_PASSWORD } from "~/server/seed/demo-accounts";
import { browserForFile, signInWithPassword, WAIT_MS } from "./browser";
import { auditPage, LAPTOP } from "./page-audit";
import { whenReady } from "./pages/ready";

/**
 * Every route, signed out and in each role, at a laptop's and a phone's width: axe-core finds
 * no serious or critical violation and no page is wider than the phone. Forms are checked
 * again after a submission with errors, as a person who mistyped sees them, and the panels that
 * open in place (the erasure confirmation, the report disclosure) once open. The app has no
 * modal dialogs; its other confirmations are the browser's own window.confirm.
 */
const skipReason = inject("e2eSkipReason");
const appUrl = skipReason ? "" : inject("appUrl");
const browser = browserForFile(Boolean(skipReason));
const contexts: BrowserContext[] = [];
afterAll(async () => {
  for (const context of contexts) await context.close();
});

const CSV = ["subject_id,visit_date,systolic_bp", "p1,2024-01-02,128", "p2,2024-02-03,141"].join(
  "\n",
);

/** A person going through the site's pages, collecting what each page gets wrong. */
async function visitor(role?: string) {
  const context = await browser().newContext({ viewport: LAPTOP });
  contexts.push(context);
  const page = await context.newPage();
  if (role) await signInWithPassword(page, appUrl, role);
  const problems: string[] = [];
  const prefix = role?.toLowerCase() ?? "signed-out";
  return {
    page,
    problems,
    /** Opens a path and checks the page. */
    visit: async (path: string, name: string) => {
      await page.goto(`${appUrl}${path}`);
      problems.push(...(await auditPage(page, `${prefix}-${name}`)));
    },
    /** Checks the page as it is now (after a click or a submission). */
    check: async (name: string) => problems.push(...(await auditPage(page, `${prefix}-${name}`))),
    /** The first link on the current page whose address starts with `start`. */
    firstLink: async (start: string) => {
      const link = page.locator(`a[href^="${start}"]`).first();
      await link.waitFor({ timeout: WAIT_MS });
      return (await link.getAttribute("href"))!;
    },
  };
}

/** Waits until a submitted form shows what was wrong: an alert or a field marked invalid. */
async function waitForFormErrors(page: Page) {
  await page
    .getByRole("alert")
    .filter({ hasText: /\w/ })
    .or(page.locator('[aria-invalid="true"]'))
    .first()
    .waitFor({ timeout: WAIT_MS });
}

/** Opens the erasure panel, checks it once it says what erasing affects, closes it unused. */
async function openErasure(
  person: Awaited<ReturnType<typeof visitor>>,
  opener: Locator,
  name: string,
) {
  await opener.click();
  const panel = person.page.getByTestId("erasure-confirm");
  await panel.getByTestId("erasure-delivered").waitFor({ timeout: WAIT_MS });
  await person.check(name);
  await panel.getByRole("button", { name: "Cancel" }).click();
  await panel.waitFor({ state: "detached", timeout: WAIT_MS });
}

describe.skipIf(Boolean(skipReason))("every page is accessible and fits a phone", () => {
  it("signed out: home, sign-in, register, and both forms after a mistake", async () => {
    const person = await visitor();
    await person.visit("/", "home");
    await person.visit("/catalogue", "catalogue");
    await person.visit("/register", "register");
    await person.page.getByLabel("Display name").fill("Someone");
    // Already taken: the server says so.
    await person.page.getByLabel("Email").fill("participant@demo.trialshare.test");
    await person.page.getByLabel(/^Password/).fill("long-enough-password");
    await person.page.getByRole("button", { name: "Create account" }).click();
    await waitForFormErrors(person.page);
    // The refusal is said beside the field it is about, and the field says it is invalid.
    const email = person.page.getByLabel("Email");
    expect(await email.getAttribute("aria-invalid")).toBe("true");
    const described = (await email.getAttribute("aria-describedby"))!;
    await expect
      .poll(() => person.page.locator(`[id="${described}"]`).textContent())
      .toMatch(/already exists/);
    await person.check("register-error");
    await person.visit("/sign-in", "sign-in");
    await person.page.getByLabel("Email").fill("nobody@demo.trialshare.test");
    await person.page.getByLabel("Password").fill(`${DEMO_PASSWORD}-wrong`);
    await person.page.getByRole("button", { name: "Sign in", exact: true }).click();
    await waitForFormErrors(person.page);
    await person.check("sign-in-error");
    // An email's unsubscribe link, forged; and a page that does not exist (the development
    // mail catcher is not served in production).
    await person.visit("/unsubscribe?token=forged-token", "unsubscribe");
    await person.visit("/dev/mail", "not-found");
    expect(person.problems).toEqual([]);
  });

  it("serves the icons, the web manifest and robots.txt the pages name", async () => {
    const person = await visitor();
    await person.page.goto(appUrl);
    const named = await person.page
      .locator('link[rel~="icon"], link[rel="apple-touch-icon"], link[rel="manifest"]')
      .evaluateAll((links) => links.map((link) => (link as HTMLLinkElement).href));
    expect(named.map((href) => new URL(href).pathname).sort()).toEqual([
      "/apple-touch-icon.png",
      "/favicon.ico",
      "/icon.svg",
      "/manifest.webmanifest",
    ]);
    const manifest = (await (await fetch(`${appUrl}/manifest.webmanifest`)).json()) as {
      name: string;
      icons: { src: string; type: string; sizes: string }[];
    };
    expect(manifest.name).toBe("TrialShare");
    expect(manifest.icons.map((icon) => icon.sizes)).toEqual(
      expect.arrayContaining(["192x192", "512x512"]),
    );
    // Browsers ask for /favicon.ico whatever the page says.
    const files = [...named, ...manifest.icons.map((icon) => `${appUrl}${icon.src}`)];
    for (const url of [...files, `${appUrl}/favicon.ico`]) {
      const response = await fetch(url);
      expect(response.status, url).toBe(200);
      expect(response.headers.get("content-type"), url).toMatch(/^image\/|manifest/);
      expect((await response.arrayBuffer()).byteLength, url).toBeGreaterThan(100);
    }
    const robots = await fetch(`${appUrl}/robots.txt`);
    expect(robots.status).toBe(200);
    expect(await robots.text()).toMatch(/^Disallow: \/api\/$/m);
  });

  it("participant: every page, the upload review, and the publish form after a mistake", async () => {
    const person = await visitor("PARTICIPANT");
    await person.visit("/", "home");
    await person.visit("/participant/trials", "trials");
    await person.visit("/participant/listings", "listings");
    await person.visit(await person.firstLink("/listings/"), "listing");
    // What opens in place on the owner's listing: the report disclosure and the erasure panel.
    const report = person.page.locator("details > summary");
    if ((await report.count()) > 0) {
      await report.first().click();
      await person.check("listing-report-open");
    }
    const eraseListing = person.page.getByRole("button", { name: "Erase this listing…" });
    if ((await eraseListing.count()) > 0)
      await openErasure(person, eraseListing, "listing-erase-open");
    await person.visit("/participant/requests", "requests");
    await person.visit("/participant/ledger", "ledger");
    await person.visit("/notifications", "notifications");
    await person.visit("/account", "account");
    const eraseAccount = person.page.getByRole("button", { name: "Erase my account…" });
    await openErasure(person, eraseAccount, "account-erase-open");
    await person.visit("/sponsor", "not-for-role");
    await person.visit("/participant/uploads/new", "upload");
    await person.page
      .locator("input[type=file]")
      .setInputFiles({ name: "visits.csv", mimeType: "text/csv", buffer: Buffer.from(CSV) });
    await person.page.getByRole("button", { name: "Upload and de-identify" }).click();
    await person.page.waitForURL(/\/participant\/uploads\/[^/]+$/, { timeout: WAIT_MS });
    await person.page.getByRole("heading", { name: /^Review:/ }).waitFor({ timeout: WAIT_MS });
    await person.check("upload-review");
    await person.page.getByLabel("Title").fill("Visits");
    await person.page.getByLabel("Price per use (TSR)").fill("ten");
    // The button waits for the consent acknowledgement; the price is the mistake.
    await person.page.getByLabel(/I have read what this consent allows/).check();
    await person.page.getByRole("button", { name: "Sign and publish" }).click();
    await waitForFormErrors(person.page);
    await person.check("upload-review-error");
    expect(person.problems).toEqual([]);
  });

  it("researcher: catalogue, a listing, requests, and the cohort form after a mistake", async () => {
    const person = await visitor("RESEARCHER");
    await person.visit("/researcher/requests", "requests");
    // The analysis builder of the demo request, after an ε it does not take.
    await person.visit(await person.firstLink("/researcher/requests/"), "analyse");
    await (await whenReady(person.page.getByLabel("Privacy cost ε"))).fill("9");
    await person.page.getByRole("button", { name: "Run analysis" }).click();
    await waitForFormErrors(person.page);
    await person.check("analyse-error");
    await person.visit("/account", "account");
    await person.visit("/catalogue", "catalogue");
    const listing = await person.firstLink("/listings/");
    await person.page
      .getByRole("checkbox", { name: /^Add .* to the cohort$/ })
      .first()
      .check();
    await person.page
      .getByLabel(/Research plan summary/)
      .fill("Blood pressure trajectories after a diagnosis of type 2 diabetes.");
    await person.page.getByTestId("max-total").fill("a lot");
    await person.page.getByRole("button", { name: "Sign and request" }).click();
    await waitForFormErrors(person.page);
    await person.check("cohort-request-error");
    await person.visit(listing, "listing");
    expect(person.problems).toEqual([]);
  });

  it("sponsor: trials, a trial, the audit, a timeline and a transaction", async () => {
    const person = await visitor("SPONSOR");
    await person.visit("/sponsor", "trials");
    await person.visit(await person.firstLink("/sponsor/trials/"), "trial");
    await person.visit("/catalogue", "catalogue");
    await person.visit("/audit", "audit");
    await person.visit(await person.firstLink("/audit/"), "timeline");
    await person.visit(await person.firstLink("/tx/"), "transaction");
    expect(person.problems).toEqual([]);
  });

  it("auditor: the audit, a timeline, the catalogue and the account", async () => {
    const person = await visitor("AUDITOR");
    await person.visit("/audit", "audit");
    await person.visit(await person.firstLink("/audit/"), "timeline");
    await person.visit("/catalogue", "catalogue");
    await person.visit("/account", "account");
    await person.visit("/participant/ledger", "not-for-role");
    expect(person.problems).toEqual([]);
  });
});
