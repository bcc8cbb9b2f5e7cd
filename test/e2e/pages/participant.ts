import type { Page } from "playwright-core";
import { expect } from "vitest";
import { WAIT_MS } from "../browser";
import { injectTestWallet } from "../test-wallet";
import { clickWhenReady, shown, whenReady } from "./ready";

/**
 * A participant's journey in the browser, as named steps: create an account, enrol with an
 * invitation link, upload and review a file, publish it, decide requests, see the ledger,
 * withdraw, re-consent and erase. The participant is signed in on `page` (except `register`).
 */
export function participantSteps(page: Page, appUrl: string) {
  /** Reloads `read`'s page until it says `expected` (the chain and the worker take a while). */
  const pollAfterReload = (read: () => Promise<string | number | null>) =>
    expect.poll(
      async () => {
        await page.reload();
        return read();
      },
      { timeout: WAIT_MS, interval: 1_500 },
    );
  const trialRow = (registryId: string) => page.getByTestId(`trial-${registryId}`);
  const enrolledText = (registryId: string) =>
    trialRow(registryId)
      .getByTestId("enrolled")
      .textContent()
      .catch(() => "");

  return {
    /** Signs in with an Ethereum wallet (the test's own, injected as window.ethereum). */
    async signInWithWallet(privateKey: string) {
      await injectTestWallet(page, privateKey, 31337);
      await page.goto(`${appUrl}/sign-in`);
      await clickWhenReady(page.getByRole("button", { name: "Sign in with Ethereum" }));
      await expect
        .poll(() => page.getByTestId("signed-in-as").textContent(), { timeout: WAIT_MS })
        .toContain("participant");
    },

    /** A new participant creates an account with email and password. */
    async register(displayName: string) {
      await page.goto(`${appUrl}/register`);
      await page.getByLabel("Display name").fill(displayName);
      await page.getByLabel("Email").fill(`invited-${Date.now()}@e2e.test`);
      await page.getByLabel(/^Password/).fill("a long enough password");
      await page.getByLabel("I am a").selectOption("PARTICIPANT");
      await page.getByRole("button", { name: "Create account" }).click();
      await expect
        .poll(() => page.getByTestId("signed-in-as").textContent(), { timeout: WAIT_MS })
        .toContain("participant");
    },

    /** Opens an invitation link: the trial is shown before anything is signed; returns its text. */
    async openInvitation(link: string) {
      await page.goto(link);
      const join = page.getByTestId("invitation-trial");
      await join.waitFor({ timeout: WAIT_MS });
      return (await join.textContent()) ?? "";
    },

    /** Enrols with the open invitation; the action queues, or the test fails with the reason. */
    async enrol(subjectNumber: string) {
      const join = page.getByTestId("invitation-trial");
      await (await whenReady(join.getByLabel(/subject number/))).fill(subjectNumber);
      await clickWhenReady(join.getByTestId("enroll"));
      await join
        .getByText(/Queued|Error|refused|failed|not /)
        .first()
        .waitFor({ timeout: WAIT_MS });
      expect(await join.getByRole("alert").count(), (await join.textContent()) ?? "").toBe(0);
    },

    /** Waits until the trials page shows the enrolment (under this protocol version, if given). */
    expectEnrolled: (registryId: string, protocol?: string) =>
      protocol
        ? pollAfterReload(() => enrolledText(registryId)).toContain(protocol)
        : pollAfterReload(() => trialRow(registryId).getByTestId("enrolled").count()).toBe(1),

    /** Opening a spent link again (from another page first) is refused with this reason. */
    async refusedInvitation(link: string) {
      await page.goto(`${appUrl}/`);
      await page.goto(link);
      const join = page.getByTestId("join-trial");
      await join.getByRole("alert").waitFor({ timeout: WAIT_MS });
      return (await join.textContent()) ?? "";
    },

    /** Uploads a CSV and waits for its review page; returns the review steps. */
    async upload(name: string, csv: string) {
      await page.goto(`${appUrl}/participant/uploads/new`);
      await page
        .locator("input[type=file]")
        .setInputFiles({ name, mimeType: "text/csv", buffer: Buffer.from(csv) });
      await clickWhenReady(page.getByRole("button", { name: "Upload and de-identify" }));
      await page.waitForURL(/\/participant\/uploads\/[^/]+$/, { timeout: WAIT_MS });
      return reviewSteps(page);
    },

    /** The listing's anchoring reaches the chain; returns the listing page's address. */
    async expectAnchored() {
      await expect
        .poll(() => page.getByTestId("anchor-status").textContent(), { timeout: WAIT_MS })
        .toBe("Anchored on chain");
      return page.url();
    },

    /** The listing's anchored de-identification report, as the listing page shows it. */
    listingReportText: async () => (await page.getByText(/"keptValues"/).textContent()) ?? "",

    /** The trials page says why uses of the listing linked to this trial wait for them. */
    expectReconsentNeeded: (registryId: string) =>
      expect
        .poll(
          async () => {
            await page.goto(`${appUrl}/participant/trials`);
            return trialRow(registryId)
              .getByTestId("reconsent-needed")
              .textContent()
              .catch(() => "");
          },
          { timeout: WAIT_MS, interval: 2_000 },
        )
        .toMatch(/cannot request or use your listing linked to this trial/),

    /** Re-consents to the trial's current protocol; the action queues, or fails with the reason. */
    async reconsent(registryId: string) {
      const trial = trialRow(registryId);
      await page.goto(`${appUrl}/participant/trials`);
      await clickWhenReady(trial.getByTestId("reconsent"));
      await trial
        .getByText(/Recording on chain|Queued/)
        .or(trial.getByRole("alert"))
        .first()
        .waitFor({ timeout: WAIT_MS });
      expect(await trial.getByRole("alert").count(), (await trial.textContent()) ?? "").toBe(0);
    },

    /** What the listing's page says about its consent, once it is open. */
    async openListing(listingUrl: string) {
      await page.goto(listingUrl);
      return {
        consentState: () => shown(page, "consent-state").textContent(),
        awaitingReconsent: () => shown(page, "awaiting-reconsent"),
      };
    },

    /** Waits until the listing's consent reads as `expected` (the chain confirms it later). */
    expectListingConsent: (listingUrl: string, expected: RegExp) =>
      expect
        .poll(
          async () => {
            await page.goto(listingUrl);
            return shown(page, "consent-state").textContent();
          },
          { timeout: WAIT_MS, interval: 2_000 },
        )
        .toMatch(expected),

    /** The unread count in the header. */
    unreadCount: () => page.getByTestId("unread-count").count(),

    /**
     * Approves a request from the requests page: the first decidable item whose text matches
     * `listing` (other tests may ask for the same listing: the step follows the one it decides)
     * and waits until it reads approved.
     */
    async approveRequest(listing?: string) {
      await page.goto(`${appUrl}/participant/requests`);
      let items = page.getByTestId("incoming-item");
      if (listing) items = items.filter({ hasText: listing });
      const decidable = items
        .filter({ has: page.locator("[data-testid=approve]:enabled") })
        .first();
      await decidable.waitFor({ timeout: WAIT_MS });
      const itemId = await decidable.getAttribute("data-item-id");
      const pending = page.locator(`[data-item-id="${itemId}"]`);
      await clickWhenReady(pending.getByTestId("approve"));
      await page
        .getByText(/Queued|decision on its way/)
        .first()
        .waitFor({ timeout: WAIT_MS });
      await pollAfterReload(() => pending.getByTestId("item-status").textContent()).toBe(
        "approved",
      );
    },

    /** Opens the ledger and waits for its first entry of the given kind. */
    async openLedger(entry = "Data use") {
      await page.goto(`${appUrl}/participant/ledger`);
      await page.getByText(entry).first().waitFor({ timeout: WAIT_MS });
    },

    expectBalance: (balance: string) =>
      expect.poll(() => shown(page, "balance").textContent(), { timeout: WAIT_MS }).toBe(balance),

    /** Withdraws the balance; the action queues. */
    async withdraw() {
      await clickWhenReady(page.getByTestId("withdraw"));
      await page.getByText("Queued").first().waitFor({ timeout: WAIT_MS });
    },

    /**
     * Waits until the ledger lists `entry`. The balance is read from the chain and the rows from
     * the indexer, which catches up a moment later: a balance of 0 does not yet mean a
     * "Withdrawn" row.
     */
    expectLedgerEntry: (entry: string) =>
      expect
        .poll(async () => (await shown(page, "ledger-table").textContent()) ?? "", {
          timeout: WAIT_MS,
        })
        .toContain(entry),

    /** Downloads "everything held about me" from the account page, parsed. */
    async exportMyData<Export>(): Promise<Export> {
      await page.goto(`${appUrl}/account`);
      const button = await whenReady(page.getByTestId("export-json"));
      const [download] = await Promise.all([page.waitForEvent("download"), button.click()]);
      const chunks = await (await download.createReadStream()).toArray();
      return JSON.parse(Buffer.concat(chunks as Buffer[]).toString("utf8")) as Export;
    },

    /** Opens a listing's erasure dialog: "blocked" (a payment pending) or "allowed". */
    async startErasure(listingId: string): Promise<"blocked" | "allowed"> {
      await page.goto(`${appUrl}/listings/${listingId}`);
      await clickWhenReady(page.getByRole("button", { name: "Erase this listing…" }));
      await page
        .getByTestId("erasure-blocked")
        .or(page.getByTestId("erasure-understood"))
        .waitFor({ timeout: WAIT_MS });
      return (await shown(page, "erasure-blocked").count()) === 1 ? "blocked" : "allowed";
    },

    /** What the open erasure dialog says stays with the researcher who received the data. */
    erasureDeliveredText: () => shown(page, "erasure-delivered").textContent(),

    /** Confirms the open erasure, having read what stays, and waits until the listing is gone. */
    async confirmErasure() {
      await page.getByTestId("erasure-understood").check();
      await page.getByTestId("erasure-confirm-button").click();
      await page.getByTestId("listing-erased").waitFor({ timeout: WAIT_MS });
    },
  };
}

/** The review page of one upload: what was removed, what is flagged, and publishing it. */
export function reviewSteps(page: Page) {
  return {
    reportText: () => shown(page, "deid-report").textContent(),
    previewText: async () => (await page.getByTestId("preview").textContent()) ?? "",
    flaggedSpans: () => page.getByTestId("preview").getByTestId("flagged-span").allTextContents(),
    flaggedReviewText: () => page.getByTestId("flagged-review").textContent(),
    keepColumn: async (column: string) =>
      (await whenReady(page.getByLabel(`Publish the column ${column}`))).check(),
    keepValue: (text: string) => page.getByLabel(`Keep “${text}”`).check(),
    valueCheckbox: (text: string) => page.getByLabel(`Keep “${text}”`),

    /**
     * Fills the publication form, confirms the consent, signs and waits for the listing's page.
     * `trial: true` links it to the first trial the participant is enrolled in.
     */
    async publish(listing: {
      title: string;
      price: string;
      requests?: "ask" | "auto";
      linkTrial?: boolean;
    }) {
      await (await whenReady(page.getByLabel("Title"))).fill(listing.title);
      await page.getByLabel("Price per use (TSR)").fill(listing.price);
      if (listing.requests) await page.getByLabel("Requests").selectOption(listing.requests);
      if (listing.linkTrial) await page.getByLabel("Trial").selectOption({ index: 1 });
      await page.getByLabel(/I have read what this consent allows/).check();
      await clickWhenReady(page.getByRole("button", { name: "Sign and publish" }));
      await page.waitForURL(/\/listings\/[^/]+$/, { timeout: WAIT_MS });
    },
  };
}
