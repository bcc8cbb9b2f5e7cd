import { describe, expect, inject, it } from "vitest";
import { browserForFile, signInWithPassword } from "./browser";
import { participantSteps } from "./pages/participant";

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

describe.skipIf(Boolean(skipReason))("reviewing flagged text in the browser", () => {
  it("a participant sees the flagged words, keeps one, drops another and publishes", async () => {
    const context = await browser().newContext();
    const page = await context.newPage();
    await signInWithPassword(page, appUrl, "PARTICIPANT");

    const participant = participantSteps(page, appUrl);
    const review = await participant.upload("notes.csv", CSV);
    // Sure identifiers are gone already; the unsure words are highlighted, not published yet.
    const preview = await review.previewText();
    expect(preview).not.toMatch(/Megan|Holloway|617-555-0188/);
    expect(await review.flaggedSpans()).toEqual(expect.arrayContaining(["Poehn", "Zyrtakova"]));
    expect(await review.flaggedReviewText()).toContain("Column note: 3 flagged words");
    // Words stay withheld until their column is kept; then each is a choice of its own.
    expect(await review.valueCheckbox("Zyrtakova").isDisabled()).toBe(true);
    await review.keepColumn("note");
    await review.keepValue("Zyrtakova");
    expect(await review.valueCheckbox("Poehn").isChecked()).toBe(false);
    await page.screenshot({ path: "test-results/flagged-review.png", fullPage: true });

    await review.publish({ title: `E2E reviewed notes ${Date.now()}`, price: "2" });
    // The anchored report counts the choices and never quotes the words.
    const report = await participant.listingReportText();
    expect(report).toMatch(/"keptValues": 1/);
    expect(report).toMatch(/"withheldValues": 2/);
    expect(report).not.toMatch(/Poehn|Zyrtakova/);
    await context.close();
  });
});
