import { readFile } from "node:fs/promises";
import type { Page } from "playwright-core";
import { describe, expect, inject, it } from "vitest";
import { DEMO_TRIAL_REGISTRY_ID, DEMO_WALLET_PARTICIPANT } from "~/server/seed/demo-accounts";
import { signInWithPassword as signIn, browserForFile, WAIT_MS } from "./browser";
import { issueInvitationLink, openSponsorTrial } from "./sponsor-steps";
import { injectTestWallet } from "./test-wallet";

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
    await injectTestWallet(page, DEMO_WALLET_PARTICIPANT.privateKey, 31337);
    await page.goto(`${appUrl}/sign-in`);
    await page.getByRole("button", { name: "Sign in with Ethereum" }).click();
    await expect
      .poll(() => page.getByTestId("signed-in-as").textContent(), { timeout: WAIT_MS })
      .toContain("participant");

    // The sponsor invites this subject; the participant enrols with the link: a commitment goes
    // on chain, not the subject number.
    const sponsorContext = await browser().newContext();
    const sponsor = await sponsorContext.newPage();
    await signInWithPassword(sponsor, "SPONSOR");
    await openSponsorTrial(sponsor, appUrl, DEMO_TRIAL_REGISTRY_ID);
    const link = await issueInvitationLink(sponsor, "wallet participant");
    await sponsorContext.close();
    await page.goto(link);
    const join = page.getByTestId("invitation-trial");
    await join.getByLabel(/subject number/).fill("DEMO-SUBJ-17");
    await join.getByTestId("enroll").click();
    // The action queues, or says why not.
    await join
      .getByText(/Queued|Error|refused|failed|not /)
      .first()
      .waitFor({ timeout: WAIT_MS });
    expect(await join.getByRole("alert").count(), (await join.textContent()) ?? "").toBe(0);
    const trial = page.getByTestId("trial-DEMO-0001");
    await expect
      .poll(
        async () => {
          await page.reload();
          return trial.getByTestId("enrolled").count();
        },
        { timeout: WAIT_MS, interval: 1_500 },
      )
      .toBe(1);

    // Upload: the report and the preview show what was removed, before anything is published.
    await page.goto(`${appUrl}/participant/uploads/new`);
    await page
      .locator("input[type=file]")
      .setInputFiles({ name: "my-visits.csv", mimeType: "text/csv", buffer: Buffer.from(CSV) });
    await page.getByRole("button", { name: "Upload and de-identify" }).click();
    await page.waitForURL(/\/participant\/uploads\/[^/]+$/, { timeout: WAIT_MS });
    const report = await page.getByTestId("deid-report").textContent();
    expect(report).toContain("first_name");
    expect(report).toContain("Telephone numbers");
    const preview = (await page.getByTestId("preview").textContent()) ?? "";
    expect(preview).not.toContain("Blaine377");
    expect(preview).not.toContain("555-262-5593");
    expect(preview).toContain("141");
    await page.screenshot({ path: "test-results/upload-review.png", fullPage: true });

    await page.getByLabel("Title").fill(title);
    await page.getByLabel("Price per use (TSR)").fill("3");
    await page.getByLabel("Requests").selectOption("ask");
    await page.getByLabel("Trial").selectOption({ index: 1 });
    await page.getByLabel(/I have read what this consent allows/).check();
    await page.getByRole("button", { name: "Sign and publish" }).click();
    await page.waitForURL(/\/listings\/[^/]+$/, { timeout: WAIT_MS });
    await expect
      .poll(() => page.getByTestId("anchor-status").textContent(), { timeout: WAIT_MS })
      .toBe("Anchored on chain");
    expect(await page.getByTestId("anchor-tx").textContent()).toMatch(/^0x[0-9a-f]{64}$/);
    await expect
      .poll(() => page.getByTestId("chain-panel").textContent())
      .toContain("Anchored data root matches");
    await page.screenshot({ path: "test-results/slice-listing.png", fullPage: true });

    // A researcher finds it and requests access, paying into escrow by signature.
    const researcherContext = await browser().newContext();
    const researcher = await researcherContext.newPage();
    await signInWithPassword(researcher, "RESEARCHER");
    await researcher.goto(`${appUrl}/catalogue`);
    await researcher.getByRole("link", { name: title }).waitFor({ timeout: WAIT_MS });
    expect(await researcher.locator("img[src=x]").count()).toBe(0);
    expect(await researcher.evaluate(() => (window as { __xss?: number }).__xss)).toBeUndefined();
    await researcher.getByLabel(`Add ${title} to the cohort`).check();
    await researcher
      .getByLabel(/Research plan summary/)
      .fill("Blood pressure trajectories after a diagnosis of type 2 diabetes.");
    await researcher.screenshot({ path: "test-results/slice-catalogue.png", fullPage: true });
    await researcher.getByRole("button", { name: "Sign and request" }).click();
    await researcher.waitForURL(/\/researcher\/requests$/, { timeout: WAIT_MS });
    await expect
      .poll(() => researcher.getByTestId("request-status").first().textContent(), {
        timeout: WAIT_MS,
      })
      .toBe("open");

    // The participant approves it; settlement credits them; they withdraw.
    await page.goto(`${appUrl}/participant/requests`);
    await page.getByTestId("approve").first().click();
    await page
      .getByText(/Queued|decision on its way/)
      .first()
      .waitFor({ timeout: WAIT_MS });
    await expect
      .poll(
        async () => {
          await page.reload();
          return page.getByTestId("item-status").first().textContent();
        },
        { timeout: WAIT_MS, interval: 1_500 },
      )
      .toBe("approved");
    // The researcher builds the pooled extract (k = 2 for this two-record listing) and downloads it.
    await researcher.reload();
    const panel = researcher.getByTestId("extract-panel").first();
    await panel.getByLabel(/^k/).fill("2");
    await panel.getByRole("button", { name: "Build extract" }).click();
    await researcher.getByTestId("extract-ready").waitFor({ timeout: WAIT_MS });
    const [download] = await Promise.all([
      researcher.waitForEvent("download"),
      researcher.getByRole("link", { name: "CSV" }).click(),
    ]);
    const extractText = await (
      await download.createReadStream()
    )
      .toArray()
      .then((chunks) => Buffer.concat(chunks as Buffer[]).toString("utf8"));
    expect(extractText).toContain("systolic_bp");
    expect(extractText).not.toContain("Blaine377");
    await researcher.screenshot({ path: "test-results/extract.png", fullPage: true });

    await page.goto(`${appUrl}/participant/ledger`);
    await expect
      .poll(() => page.getByTestId("balance").textContent(), { timeout: WAIT_MS })
      .toBe("3 TSR");
    await page.getByTestId("withdraw").click();
    await page.getByText("Queued").first().waitFor({ timeout: WAIT_MS });
    await expect
      .poll(() => page.getByTestId("balance").textContent(), { timeout: WAIT_MS })
      .toBe("0 TSR");
    const ledgerText = await page.getByTestId("ledger-table").textContent();
    expect(ledgerText).toContain("Withdrawn");
    expect(ledgerText).toContain("Data use");
    await page.screenshot({ path: "test-results/ledger.png", fullPage: true });
    await researcherContext.close();
    await participantContext.close();
  });

  it("an auditor audits the demo trial and downloads the report", async () => {
    const context = await browser().newContext({ acceptDownloads: true });
    const page = await context.newPage();
    await signInWithPassword(page, "AUDITOR");
    await page.getByRole("navigation").getByRole("link", { name: "Audit" }).click();
    const row = page.locator("li", { hasText: DEMO_TRIAL_REGISTRY_ID });
    await row.getByRole("button", { name: "Run audit" }).click();
    await expect
      .poll(() => page.getByTestId("audit-verdict").textContent(), { timeout: WAIT_MS })
      .toBe("all checks passed");
    expect(await page.getByTestId("check-consent").textContent()).toContain("dataUsesOnChain");
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Download JSON" }).click(),
    ]);
    const report = JSON.parse(await readFile(await download.path(), "utf8")) as {
      passed: boolean;
      checks: unknown[];
    };
    expect(report).toMatchObject({ passed: true });
    expect(report.checks).toHaveLength(4);
    const [csvDownload] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Download findings (CSV)" }).click(),
    ]);
    const csv = await readFile(await csvDownload.path(), "utf8");
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
