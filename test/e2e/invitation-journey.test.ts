import type { Page } from "playwright-core";
import { describe, expect, inject, it } from "vitest";
import { browserForFile, signInWithPassword, WAIT_MS } from "./browser";
import { issueInvitationLink, openSponsorTrial, registerTrialInBrowser } from "./sponsor-steps";

const skipReason = inject("e2eSkipReason");
const appUrl = skipReason ? "" : inject("appUrl");
const browser = browserForFile(Boolean(skipReason));

const CSV = ["pseudonym,year,hba1c_pct", "S-1,2022,6.1", "S-2,2023,7.4", "S-3,2021,5.9"].join("\n");

/** A new participant creates an account with email and password. */
async function registerParticipant(page: Page) {
  await page.goto(`${appUrl}/register`);
  await page.getByLabel("Display name").fill("Invited participant");
  await page.getByLabel("Email").fill(`invited-${Date.now()}@e2e.test`);
  await page.getByLabel(/^Password/).fill("a long enough password");
  await page.getByLabel("I am a").selectOption("PARTICIPANT");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect
    .poll(() => page.getByTestId("signed-in-as").textContent(), { timeout: WAIT_MS })
    .toContain("participant");
}

/** Uploads a small table and publishes it linked to the trial; returns the listing's page. */
async function publishLinkedListing(page: Page, title: string) {
  await page.goto(`${appUrl}/participant/uploads/new`);
  await page
    .locator("input[type=file]")
    .setInputFiles({ name: "readings.csv", mimeType: "text/csv", buffer: Buffer.from(CSV) });
  await page.getByRole("button", { name: "Upload and de-identify" }).click();
  await page.waitForURL(/\/participant\/uploads\/[^/]+$/, { timeout: WAIT_MS });
  await page.getByLabel("Title").fill(title);
  await page.getByLabel("Price per use (TSR)").fill("2");
  await page.getByLabel("Trial").selectOption({ index: 1 });
  await page.getByLabel(/I have read what this consent allows/).check();
  await page.getByRole("button", { name: "Sign and publish" }).click();
  await page.waitForURL(/\/listings\/[^/]+$/, { timeout: WAIT_MS });
  await expect
    .poll(() => page.getByTestId("anchor-status").textContent(), { timeout: WAIT_MS })
    .toBe("Anchored on chain");
  return page.url();
}

describe.skipIf(Boolean(skipReason))("invitation, enrolment, amendment and re-consent", () => {
  it("a sponsor invites, the subject enrols with the link, an amendment holds their listing until they re-consent", async () => {
    const registryId = `INV${String(Date.now()).slice(-8)}`;
    const sponsorContext = await browser().newContext();
    const sponsor = await sponsorContext.newPage();
    await signInWithPassword(sponsor, appUrl, "SPONSOR");
    await registerTrialInBrowser(sponsor, appUrl, registryId);
    await openSponsorTrial(sponsor, appUrl, registryId);
    const link = await issueInvitationLink(sponsor, "Leeds, visit 1");
    await sponsor.screenshot({ path: "test-results/invitations.png", fullPage: true });

    // The subject opens the link: the trial is shown before anything is signed.
    const participantContext = await browser().newContext();
    const page = await participantContext.newPage();
    await registerParticipant(page);
    await page.goto(link);
    const join = page.getByTestId("invitation-trial");
    await join.waitFor({ timeout: WAIT_MS });
    expect(await join.textContent()).toContain(registryId);
    await join.getByLabel(/subject number/).fill("LEEDS-0007");
    await join.getByTestId("enroll").click();
    // The action queues, or says why not.
    await join
      .getByText(/Queued|Error|refused|failed|not /)
      .first()
      .waitFor({ timeout: WAIT_MS });
    expect(await join.getByRole("alert").count(), (await join.textContent()) ?? "").toBe(0);
    const trial = page.getByTestId(`trial-${registryId}`);
    await expect
      .poll(
        async () => {
          await page.reload();
          return trial
            .getByTestId("enrolled")
            .textContent()
            .catch(() => "");
        },
        { timeout: WAIT_MS, interval: 2_000 },
      )
      .toContain("protocol v1");
    // The invitation is spent: the sponsor sees it redeemed, and its link is gone.
    await sponsor.reload();
    await expect
      .poll(() => sponsor.getByTestId("invitation-status").first().textContent(), {
        timeout: WAIT_MS,
      })
      .toBe("redeemed");
    // Opening the spent link again (in a fresh page) is refused with a reason.
    await page.goto(`${appUrl}/`);
    await page.goto(link);
    await page.getByTestId("join-trial").getByRole("alert").waitFor({ timeout: WAIT_MS });
    expect(await page.getByTestId("join-trial").textContent()).toMatch(/redeemed already/);

    const listingUrl = await publishLinkedListing(page, `Readings of ${registryId}`);

    // The sponsor amends the protocol.
    await sponsor.getByLabel("Protocol v2 document").setInputFiles({
      name: `${registryId}-protocol-v2.txt`,
      mimeType: "text/plain",
      buffer: Buffer.from("Protocol version 2: an added safety visit."),
    });
    await sponsor.getByRole("button", { name: "Amend protocol" }).click();
    await expect
      .poll(() => sponsor.getByTestId("protocol-versions").textContent(), { timeout: WAIT_MS })
      .toMatch(/v2/);

    // The participant is told, on the trial and on the listing, that uses wait for them.
    await expect
      .poll(
        async () => {
          await page.goto(`${appUrl}/participant/trials`);
          return trial
            .getByTestId("reconsent-needed")
            .textContent()
            .catch(() => "");
        },
        { timeout: WAIT_MS, interval: 2_000 },
      )
      .toMatch(/cannot request or use your listing linked to this trial/);
    await page.screenshot({ path: "test-results/reconsent-needed.png", fullPage: true });
    await page.goto(listingUrl);
    expect(await page.getByTestId("awaiting-reconsent").textContent()).toMatch(
      /cannot request or use this listing/,
    );
    expect(await page.getByTestId("consent-state").textContent()).toMatch(/waiting/);

    // Re-consent: the listing is in force again, under a new consent epoch.
    await page.goto(`${appUrl}/participant/trials`);
    await trial.getByTestId("reconsent").click();
    // The action is queued, or the page says why not.
    await trial
      .getByText(/Recording on chain|Queued/)
      .or(trial.getByRole("alert"))
      .first()
      .waitFor({ timeout: WAIT_MS });
    expect(await trial.getByRole("alert").count(), (await trial.textContent()) ?? "").toBe(0);
    await expect
      .poll(
        async () => {
          await page.reload();
          return trial
            .getByTestId("enrolled")
            .textContent()
            .catch(() => "");
        },
        { timeout: WAIT_MS, interval: 2_000 },
      )
      .toContain("protocol v2");
    await expect
      .poll(
        async () => {
          await page.goto(listingUrl);
          return page.getByTestId("consent-state").textContent();
        },
        { timeout: WAIT_MS, interval: 2_000 },
      )
      .toMatch(/until .* epoch 2/);
    expect(await page.getByTestId("awaiting-reconsent").count()).toBe(0);
    await sponsorContext.close();
    await participantContext.close();
  });
});
