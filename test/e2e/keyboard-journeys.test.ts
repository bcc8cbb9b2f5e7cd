import type { BrowserContext } from "playwright-core";
import { afterAll, describe, expect, inject, it } from "vitest";
import { browserForFile, WAIT_MS } from "./browser";
import { keyboardUser } from "./keyboard";

/**
 * The three main journeys with the keyboard alone (Tab, Shift+Tab, Enter, Space, typing; no
 * click): signing in, a researcher searching the catalogue, opening a listing and asking for
 * access, a participant uploading a file and reviewing it for publication. Every control the
 * focus passes on the way shows that it has it. The requests and the publication stop at the
 * form's own refusal of a mistake: a sent request or a published listing would change the
 * demo data other browser tests share (a request emails the demo participant).
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

async function keyboardPerson() {
  const context = await browser().newContext();
  contexts.push(context);
  const page = await context.newPage();
  return { page, keys: keyboardUser(page) };
}

describe.skipIf(Boolean(skipReason))("the main journeys with the keyboard alone", () => {
  it("a researcher signs in, searches, opens a listing and asks for access", async () => {
    const { page, keys } = await keyboardPerson();
    await keys.signIn(appUrl, "RESEARCHER");

    await page.goto(`${appUrl}/catalogue`);
    const results = page.getByTestId("catalogue-list");
    const firstTitle = (await results.getByRole("link").first().textContent())!.trim();
    const word = firstTitle.split(/\s+/).find((part) => /^[A-Za-z]{4,}$/.test(part))!;
    await keys.typeInto(page.getByRole("searchbox", { name: "Search" }), word);
    await expect
      .poll(() => new URL(page.url()).searchParams.get("query"), { timeout: WAIT_MS })
      .toBe(word);
    const listing = results.getByRole("link", { name: firstTitle }).first();
    await keys.tabTo(listing);
    await keys.press("Enter");
    await page.waitForURL(/\/listings\/[^/]+$/, { timeout: WAIT_MS });
    await page.getByRole("heading", { name: firstTitle }).first().waitFor({ timeout: WAIT_MS });

    await page.goto(`${appUrl}/catalogue?query=${encodeURIComponent(word)}`);
    const add = page.getByRole("checkbox", { name: `Add ${firstTitle} to the cohort` }).first();
    await keys.tabTo(add);
    await keys.press("Space");
    await expect.poll(() => add.isChecked(), { timeout: WAIT_MS }).toBe(true);
    // Back up with Shift+Tab to the search box and forward again: the order holds both ways.
    await keys.tabTo(page.getByRole("searchbox", { name: "Search" }), { backwards: true });
    await keys.typeInto(
      page.getByLabel(/Research plan summary/),
      "Blood pressure trajectories after a diagnosis of type 2 diabetes.",
    );
    await keys.typeInto(page.getByTestId("max-total"), "a lot");
    await keys.tabTo(page.getByRole("button", { name: "Sign and request" }));
    await keys.press("Enter");
    await expect
      .poll(() => page.getByTestId("max-total").getAttribute("aria-invalid"), {
        timeout: WAIT_MS,
      })
      .toBe("true");
    expect(keys.unseenFocus).toEqual([]);
  });

  it("a participant signs in, uploads a file and reviews it for publication", async () => {
    const { page, keys } = await keyboardPerson();
    await keys.signIn(appUrl, "PARTICIPANT");

    await page.goto(`${appUrl}/participant/uploads/new`);
    const fileInput = page.locator("input[type=file]");
    await keys.tabTo(fileInput);
    // The operating system's file chooser is the one step a browser test cannot type into.
    await fileInput.setInputFiles({
      name: "visits.csv",
      mimeType: "text/csv",
      buffer: Buffer.from(CSV),
    });
    await keys.tabTo(page.getByRole("button", { name: "Upload and de-identify" }));
    await keys.press("Enter");
    await page.waitForURL(/\/participant\/uploads\/[^/]+$/, { timeout: WAIT_MS });
    await page.getByRole("heading", { name: /^Review:/ }).waitFor({ timeout: WAIT_MS });

    await keys.typeInto(page.getByLabel("Title"), "Visits by keyboard");
    await keys.typeInto(page.getByLabel("Price per use (TSR)"), "ten");
    const understood = page.getByLabel(/I have read what this consent allows/);
    await keys.tabTo(understood);
    await keys.press("Space");
    await expect.poll(() => understood.isChecked(), { timeout: WAIT_MS }).toBe(true);
    await keys.tabTo(page.getByRole("button", { name: "Sign and publish" }));
    await keys.press("Enter");
    await expect
      .poll(() => page.getByLabel("Price per use (TSR)").getAttribute("aria-invalid"), {
        timeout: WAIT_MS,
      })
      .toBe("true");
    expect(keys.unseenFocus).toEqual([]);
  });
});
