import { mkdir } from "node:fs/promises";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { DEMO_ACCOUNTS, DEMO_PASSWORD, DEMO_WALLET_PARTICIPANT } from "~/server/seed/demo-accounts";
import { CHROMIUM_PATH } from "./global-setup";
import { injectTestWallet } from "./test-wallet";

const skipReason = inject("e2eSkipReason");
if (skipReason) console.warn(`[e2e] skipped: ${skipReason}`);
const appUrl = skipReason ? "" : inject("appUrl");

let browser: Browser;

beforeAll(async () => {
  if (skipReason) return;
  await mkdir("test-results", { recursive: true });
  browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
});

afterAll(async () => {
  await browser?.close();
});

describe.skipIf(Boolean(skipReason))("the verified slice in a browser", () => {
  it("a wallet participant publishes a listing that gets anchored, and a researcher finds it", async () => {
    const title = `E2E blood pressure ${Date.now()}`;
    const participant = await browser.newContext();
    const page = await participant.newPage();
    await injectTestWallet(page, DEMO_WALLET_PARTICIPANT.privateKey, 31337);

    await page.goto(`${appUrl}/sign-in`);
    await page.getByRole("button", { name: "Sign in with Ethereum" }).click();
    await expect
      .poll(() => page.getByTestId("signed-in-as").textContent(), { timeout: 20_000 })
      .toContain("participant");

    await page.goto(`${appUrl}/participant/listings/new`);
    await page.getByLabel("Title").fill(title);
    await page
      .locator("textarea[name=csv]")
      .fill("pseudonym,year,systolic_bp\nP-1,2023,128\nP-2,2024,141");
    await page.getByLabel("Price per use (TSR)").fill("3");
    await page.getByRole("button", { name: "Publish listing" }).click();

    await page.waitForURL(/\/listings\/[^/]+$/, { timeout: 30_000 });
    await expect
      .poll(() => page.getByTestId("anchor-status").textContent(), { timeout: 30_000 })
      .toBe("Anchored on chain");
    const txHash = await page.getByTestId("anchor-tx").textContent();
    expect(txHash).toMatch(/^0x[0-9a-f]{64}$/);
    await expect
      .poll(() => page.getByTestId("chain-panel").textContent())
      .toContain("Anchored data root matches");
    await page.screenshot({ path: "test-results/slice-listing.png", fullPage: true });
    await participant.close();

    const researcherAccount = DEMO_ACCOUNTS.find((account) => account.role === "RESEARCHER")!;
    const researcher = await browser.newContext();
    const researcherPage = await researcher.newPage();
    await researcherPage.goto(`${appUrl}/sign-in`);
    await researcherPage.getByLabel("Email").fill(researcherAccount.email);
    await researcherPage.getByLabel("Password").fill(DEMO_PASSWORD);
    await researcherPage.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect
      .poll(() => researcherPage.getByTestId("signed-in-as").textContent(), { timeout: 20_000 })
      .toContain("researcher");
    await researcherPage.goto(`${appUrl}/catalogue`);
    await researcherPage.getByRole("link", { name: title }).waitFor({ timeout: 20_000 });
    await researcherPage.screenshot({ path: "test-results/slice-catalogue.png", fullPage: true });
    await researcher.close();
  });

  it("shows a clear error for a wrong password and stays signed out", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${appUrl}/sign-in`);
    await page.getByLabel("Email").fill("researcher@demo.trialshare.test");
    await page.getByLabel("Password").fill("not the password");
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect
      .poll(() => page.locator("p[role=alert]").textContent(), { timeout: 20_000 })
      .toContain("Wrong email or password");
    expect(await page.getByTestId("signed-in-as").count()).toBe(0);
    await context.close();
  });
});
