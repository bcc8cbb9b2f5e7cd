import type { Page } from "playwright-core";
import { describe, expect, inject, it } from "vitest";
import { DEMO_TRIAL_REGISTRY_ID, DEMO_WALLET_PARTICIPANT } from "~/server/seed/demo-accounts";
import { signInWithPassword as signIn, browserForFile, WAIT_MS } from "./browser";
import { auditorSteps } from "./pages/auditor";
import { participantSteps } from "./pages/participant";
import { researcherSteps } from "./pages/researcher";
import { issueInvitationLink, openSponsorTrial } from "./sponsor-steps";

const skipReason = inject("e2eSkipReason");
if (skipReason) console.warn(`[e2e] skipped: ${skipReason}`);
const appUrl = skipReason ? "" : inject("appUrl");

const browser = browserForFile(Boolean(skipReason));

const signInWithPassword = (page: Page, role: string) => signIn(page, appUrl, role);

const CSV = [
  "patient_id,first_name,last_name,phone,birth_date,zip,visit_date,systolic_bp,note",
  'p1,Blaine377,Hickle134,555-262-5593,1983-04-02,02134,2023-01-12,128,"Seen with daughter Aletha771; call 555-262-5593"',
  "p1,Blaine377,Hickle134,555-262-5593,1983-04-02,02134,2023-06-30,141,stable",
].join("\n");

describe.skipIf(Boolean(skipReason))("participant and researcher journeys in a browser", () => {
  it("a wallet participant uploads, reviews and publishes; a researcher requests; the participant approves and withdraws", async () => {
    // Markup in listing text must reach other users' pages as text, never as HTML.
    const title = `E2E blood pressure ${Date.now()} <img src=x onerror="window.__xss=1">`;
    const participantContext = await browser().newContext();
    const page = await participantContext.newPage();
    const participant = participantSteps(page, appUrl);
    await participant.signInWithWallet(DEMO_WALLET_PARTICIPANT.privateKey);

    // The sponsor invites this subject; the participant enrols with the link: a commitment goes
    // on chain, not the subject number.
    const sponsorContext = await browser().newContext();
    const sponsor = await sponsorContext.newPage();
    await signInWithPassword(sponsor, "SPONSOR");
    await openSponsorTrial(sponsor, appUrl, DEMO_TRIAL_REGISTRY_ID);
    const link = await issueInvitationLink(sponsor, "wallet participant");
    await sponsorContext.close();
    await participant.openInvitation(link);
    await participant.enrol("DEMO-SUBJ-17");
    await participant.expectEnrolled(DEMO_TRIAL_REGISTRY_ID);

    // Upload: the report and the preview show what was removed, before anything is published.
    const review = await participant.upload("my-visits.csv", CSV);
    const report = await review.reportText();
    expect(report).toContain("first_name");
    expect(report).toContain("Telephone numbers");
    const preview = await review.previewText();
    expect(preview).not.toContain("Blaine377");
    expect(preview).not.toContain("555-262-5593");
    expect(preview).toContain("141");
    await page.screenshot({ path: "test-results/upload-review.png", fullPage: true });

    await review.publish({ title, price: "3", requests: "ask", linkTrial: true });
    await participant.expectAnchored();
    expect(await page.getByTestId("anchor-tx").textContent()).toMatch(/^0x[0-9a-f]{64}$/);
    // Every check is labelled whatever its result: the mark before it is what the chain said.
    await expect
      .poll(() => page.getByTestId("chain-panel").textContent())
      .toContain("✓ Anchored data root matches");
    expect(await page.getByTestId("chain-panel").textContent()).not.toContain("○");
    await page.screenshot({ path: "test-results/slice-listing.png", fullPage: true });

    // A researcher finds it and requests access, paying into escrow by signature.
    const researcherContext = await browser().newContext();
    const researcherPage = await researcherContext.newPage();
    const researcher = researcherSteps(researcherPage, appUrl);
    await signInWithPassword(researcherPage, "RESEARCHER");
    await researcher.findInCatalogue(title);
    expect(await researcherPage.locator("img[src=x]").count()).toBe(0);
    expect(
      await researcherPage.evaluate(() => (window as { __xss?: number }).__xss),
    ).toBeUndefined();
    await researcher.prepareRequest(
      title,
      "Blood pressure trajectories after a diagnosis of type 2 diabetes.",
    );
    await researcherPage.screenshot({ path: "test-results/slice-catalogue.png", fullPage: true });
    await researcher.sendRequest();

    // The participant approves it; settlement credits them; they withdraw.
    await participant.approveRequest(title);
    // The researcher builds the pooled extract (k = 2 for this two-record listing) and downloads it.
    const extractText = await researcher.downloadExtract("2");
    expect(extractText).toContain("systolic_bp");
    expect(extractText).not.toContain("Blaine377");
    await researcherPage.screenshot({ path: "test-results/extract.png", fullPage: true });

    await participant.openLedger("Data use");
    await participant.expectBalance("3 TSR");
    await participant.withdraw();
    await participant.expectBalance("0 TSR");
    await participant.expectLedgerEntry("Withdrawn");
    await participant.expectLedgerEntry("Data use");
    await page.screenshot({ path: "test-results/ledger.png", fullPage: true });
    await researcherContext.close();
    await participantContext.close();
  });

  it("an auditor audits the demo trial and downloads the report", async () => {
    const context = await browser().newContext({ acceptDownloads: true });
    const page = await context.newPage();
    const auditor = auditorSteps(page);
    await signInWithPassword(page, "AUDITOR");
    await auditor.auditTrial(DEMO_TRIAL_REGISTRY_ID, "all checks passed");
    expect(await auditor.checkText("consent")).toContain("dataUsesOnChain");
    const report = await auditor.downloadJson<{ passed: boolean; checks: unknown[] }>();
    expect(report).toMatchObject({ passed: true });
    expect(report.checks).toHaveLength(5);
    const csv = await auditor.downloadFindingsCsv();
    expect(csv.split("\n")[0]).toContain("trial,chain_id,checked_at,check,result,kind,detail");
    expect(csv).toContain(`${DEMO_TRIAL_REGISTRY_ID},31337,`);
    expect(csv).toContain("money,passed,verdict");
    await context.close();
  });

  it("shows a clear error for a wrong password and stays signed out", async () => {
    const context = await browser().newContext();
    const page = await context.newPage();
    await page.goto(`${appUrl}/sign-in`);
    await page.getByLabel("Email").fill("researcher@demo.trialshare.test");
    await page.getByLabel("Password").fill("not the password");
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect
      .poll(() => page.locator("p[role=alert]").textContent(), { timeout: WAIT_MS })
      .toContain("Wrong email or password");
    expect(await page.getByTestId("signed-in-as").count()).toBe(0);
    await context.close();
  });
});
