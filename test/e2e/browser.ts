import { chromium, type Browser, type Page } from "playwright-core";
import { mkdir } from "node:fs/promises";
import { afterAll, beforeAll, expect } from "vitest";
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from "~/server/seed/demo-accounts";
import { CHROMIUM_PATH } from "./global-setup";

/**
 * How long a browser test waits for something to appear. Long, because the machine may be
 * busy (the app, a chain and other test runs share two cores); a test that works does not
 * wait longer for it, only one that is broken does.
 */
export const WAIT_MS = 5 * 60_000;

/** Debian's Chromium, headless, with nothing that would reach for the network on its own. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
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
}

/** One browser for a test file: launched before its tests, closed after, none when skipped. */
export function browserForFile(isSkipped: boolean): () => Browser {
  let browser: Browser | undefined;
  beforeAll(async () => {
    if (isSkipped) return;
    await mkdir("test-results", { recursive: true });
    browser = await launchBrowser();
    // Playwright's own default (30 s per action or navigation) is a machine-speed bet too.
    const newContext = browser.newContext.bind(browser);
    browser.newContext = async (...args) => {
      const context = await newContext(...args);
      context.setDefaultTimeout(WAIT_MS);
      context.setDefaultNavigationTimeout(WAIT_MS);
      return context;
    };
  });
  afterAll(async () => {
    await browser?.close();
  });
  return () => browser!;
}

/** Signs in with a demo account's email and password and waits for the header to say so. */
export async function signInWithPassword(page: Page, appUrl: string, role: string) {
  const account = DEMO_ACCOUNTS.find((candidate) => candidate.role === role)!;
  await page.goto(`${appUrl}/sign-in`);
  await page.getByLabel("Email").fill(account.email);
  await page.getByLabel("Password").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect
    .poll(() => page.getByTestId("signed-in-as").textContent(), { timeout: WAIT_MS })
    .toContain(role.toLowerCase());
}
