import type { Page } from "playwright-core";
import { describe, expect, inject, it } from "vitest";
import { browserForFile, signInWithPassword, WAIT_MS } from "./browser";

const skipReason = inject("e2eSkipReason");
if (skipReason) console.warn(`[e2e] skipped: ${skipReason}`);
const appUrl = skipReason ? "" : inject("appUrl");
const browser = browserForFile(Boolean(skipReason));

/** Notes whose names no dictionary holds: the scanner flags them for the participant. */
const CSV = [
  "subject_id,systolic_bp,note",
  'p1,128,"Poehn presented with chest pain; call Megan Holloway on 617-555-0188"',
  'p2,141,"Reviewed with Zyrtakova at the bedside, Gleason score 3+4=7"',
  'p3,133,"Stable, Poehn to return in two weeks"',
].join("\n");

/** The participant's review page, as a person uses it. */
function reviewPage(page: Page) {
  return {
    flaggedSpans: () => page.getByTestId("preview").getByTestId("flagged-span").allTextContents(),
    keepColumn: (column: string) => page.getByLabel(`Publish the column ${column}`).check(),
    keepValue: (text: string) => page.getByLabel(`Keep “${text}”`).check(),
    valueCheckbox: (text: string) => page.getByLabel(`Keep “${text}”`),
  };
}

describe.skipIf(Boolean(skipReason))("reviewing flagged text in the browser", () => {
  it("a participant sees the flagged words, keeps one, drops another and publishes", async () => {
    const context = await browser().newContext();
    const page = await context.newPage();
    await signInWithPassword(page, appUrl, "PARTICIPANT");

    await page.goto(`${appUrl}/participant/uploads/new`);
    await page
      .locator("input[type=file]")
      .setInputFiles({ name: "notes.csv", mimeType: "text/csv", buffer: Buffer.from(CSV) });
    await page.getByRole("button", { name: "Upload and de-identify" }).click();
    await page.waitForURL(/\/participant\/uploads\/[^/]+$/, { timeout: WAIT_MS });

    const review = reviewPage(page);
    // Sure identifiers are gone already; the unsure words are highlighted, not published yet.
    const preview = (await page.getByTestId("preview").textContent()) ?? "";
    expect(preview).not.toMatch(/Megan|Holloway|617-555-0188/);
    expect(await review.flaggedSpans()).toEqual(expect.arrayContaining(["Poehn", "Zyrtakova"]));
    expect(await page.getByTestId("flagged-review").textContent()).toContain(
      "Column note: 3 flagged words",
    );
    // Words stay withheld until their column is kept; then each is a choice of its own.
    expect(await review.valueCheckbox("Zyrtakova").isDisabled()).toBe(true);
    await review.keepColumn("note");
    await review.keepValue("Zyrtakova");
    expect(await review.valueCheckbox("Poehn").isChecked()).toBe(false);
    await page.screenshot({ path: "test-results/flagged-review.png", fullPage: true });

    await page.getByLabel("Title").fill(`E2E reviewed notes ${Date.now()}`);
    await page.getByLabel("Price per use (TSR)").fill("2");
    await page.getByLabel(/I have read what this consent allows/).check();
    await page.getByRole("button", { name: "Sign and publish" }).click();
    await page.waitForURL(/\/listings\/[^/]+$/, { timeout: WAIT_MS });
    // The anchored report counts the choices and never quotes the words.
    const report = (await page.getByText(/"keptValues"/).textContent()) ?? "";
    expect(report).toMatch(/"keptValues": 1/);
    expect(report).toMatch(/"withheldValues": 2/);
    expect(report).not.toMatch(/Poehn|Zyrtakova/);
    await context.close();
  });
});
