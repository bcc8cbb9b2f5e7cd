import { describe, expect, inject, it } from "vitest";
import { browserForFile, signInWithPassword, WAIT_MS } from "./browser";
import { participantSteps } from "./pages/participant";
import {
  amendProtocolInBrowser,
  issueInvitationLink,
  openSponsorTrial,
  registerTrialInBrowser,
} from "./sponsor-steps";

const skipReason = inject("e2eSkipReason");
const appUrl = skipReason ? "" : inject("appUrl");
const browser = browserForFile(Boolean(skipReason));

const CSV = ["pseudonym,year,hba1c_pct", "S-1,2022,6.1", "S-2,2023,7.4", "S-3,2021,5.9"].join("\n");

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
    const participant = participantSteps(page, appUrl);
    await participant.register("Invited participant");
    expect(await participant.openInvitation(link)).toContain(registryId);
    await participant.enrol("LEEDS-0007");
    await participant.expectEnrolled(registryId, "protocol v1");
    // The invitation is spent: the sponsor sees it redeemed, and its link is gone.
    await sponsor.reload();
    await expect
      .poll(() => sponsor.getByTestId("invitation-status").first().textContent(), {
        timeout: WAIT_MS,
      })
      .toBe("redeemed");
    // Opening the spent link again (in a fresh page) is refused with a reason.
    expect(await participant.refusedInvitation(link)).toMatch(/redeemed already/);

    const review = await participant.upload("readings.csv", CSV);
    await review.publish({ title: `Readings of ${registryId}`, price: "2", linkTrial: true });
    const listingUrl = await participant.expectAnchored();

    await amendProtocolInBrowser(sponsor, registryId);

    // The participant is told, on the trial and on the listing, that uses wait for them.
    await participant.expectReconsentNeeded(registryId);
    await page.screenshot({ path: "test-results/reconsent-needed.png", fullPage: true });
    const listing = await participant.openListing(listingUrl);
    expect(await listing.awaitingReconsent().textContent()).toMatch(
      /cannot request or use this listing/,
    );
    expect(await listing.consentState()).toMatch(/waiting/);

    // Re-consent: the listing is in force again, under a new consent epoch.
    await participant.reconsent(registryId);
    await participant.expectEnrolled(registryId, "protocol v2");
    await participant.expectListingConsent(listingUrl, /until .* epoch 2/);
    expect(await listing.awaitingReconsent().count()).toBe(0);
    await sponsorContext.close();
    await participantContext.close();
  });

  it("an invitation code or a file chosen before the page's script runs never reaches a URL", async () => {
    const signedIn = await browser().newContext();
    await signInWithPassword(await signedIn.newPage(), appUrl, "PARTICIPANT");
    // The same session, in a browser where the app's scripts never arrive.
    const context = await browser().newContext({ storageState: await signedIn.storageState() });
    await signedIn.close();
    await context.route("**/_next/static/**/*.js", (route) => route.abort());
    const page = await context.newPage();
    const requests: { method: string; url: string }[] = [];
    page.on("request", (request) =>
      requests.push({ method: request.method(), url: request.url() }),
    );
    await page.goto(`${appUrl}/participant/trials`);
    const code = `never-in-a-url-${Date.now()}`;
    await page.getByTestId("invitation-code").fill(code);
    // Without the script nothing can send it: the button waits for the script (and the form
    // would post, so a code sent early would still not be in the address).
    expect(await page.getByRole("button", { name: "Check invitation" }).isDisabled()).toBe(true);
    await page.getByTestId("invitation-code").press("Enter");
    // A file chosen for upload cannot be sent either: the button waits for the script.
    await page.goto(`${appUrl}/participant/uploads/new`);
    const fileName = `subject-jane-doe-${Date.now()}.csv`;
    await page
      .locator("input[type=file]")
      .setInputFiles({ name: fileName, mimeType: "text/csv", buffer: Buffer.from(CSV) });
    expect(await page.getByRole("button", { name: "Upload and de-identify" }).isDisabled()).toBe(
      true,
    );
    expect(requests.filter((request) => request.url.includes(code))).toEqual([]);
    expect(requests.filter((request) => request.url.includes(fileName))).toEqual([]);
    expect(requests.filter((request) => request.method !== "GET")).toEqual([]);
    expect(page.url()).not.toContain(code);
    await context.close();
  });
});
