import { describe, expect, inject, it } from "vitest";
import { DEMO_ACCOUNTS } from "~/server/seed/demo-accounts";
import type { MyDataExport } from "~/server/services/rights/export-my-data";
import { browserForFile, signInWithPassword, WAIT_MS } from "./browser";
import { mailbox } from "./pages/mailbox";
import { participantSteps } from "./pages/participant";

const skipReason = inject("e2eSkipReason");
if (skipReason) console.warn(`[e2e] skipped: ${skipReason}`);
const appUrl = skipReason ? "" : inject("appUrl");
const mailDir = skipReason ? "" : inject("mailDir");
const browser = browserForFile(Boolean(skipReason));

describe.skipIf(Boolean(skipReason))(
  "a participant's notifications and rights in a browser",
  () => {
    it("gets an email for a request, decides, sees the use, downloads the export and erases a listing", async () => {
      const email = DEMO_ACCOUNTS.find((account) => account.role === "PARTICIPANT")!.email;
      // The demo request waiting for the participant's decision arrives by email.
      const requestMail = await mailbox(mailDir).waitForOne(email, "asks to use your data");
      expect(requestMail.text).toMatch(/Decide by \d{4}-\d{2}-\d{2}/);
      expect(requestMail.text).toContain(`${appUrl}/participant/requests`);
      expect(requestMail.text).not.toMatch(/diabetes|HbA1c|vitals|Glycaemic/i);

      const context = await browser().newContext({ acceptDownloads: true });
      const page = await context.newPage();
      const participant = participantSteps(page, appUrl);
      await signInWithPassword(page, appUrl, "PARTICIPANT");
      await expect.poll(participant.unreadCount, { timeout: WAIT_MS }).toBe(1);

      // Decide the request from the page the email links to.
      await participant.approveRequest("Baseline vitals");

      // The earlier delivery of the other listing is in the ledger.
      await participant.openLedger("Data use");

      // Everything held about them, as a download from the account page.
      const exported = await participant.exportMyData<MyDataExport>();
      expect(exported.account.email).toBe(email);
      expect(exported.listings.length).toBeGreaterThanOrEqual(2);
      expect(exported.dataUses.length).toBeGreaterThanOrEqual(1);
      const delivered = exported.listings.find((listing) => listing.title.startsWith("HbA1c"))!;
      const approved = exported.listings.find((listing) => listing.title.startsWith("Baseline"))!;
      expect(delivered.deidentifiedData).toBeTruthy();

      // The listing just approved has a payment pending (once the approval is on chain): its
      // erasure waits, and says why.
      await expect
        .poll(() => participant.startErasure(approved.id), { timeout: WAIT_MS, interval: 1_500 })
        .toBe("blocked");

      // The delivered one is erased, after being told what stays with the researcher.
      await participant.startErasure(delivered.id);
      await expect
        .poll(participant.erasureDeliveredText, { timeout: WAIT_MS })
        .toMatch(/cannot be recalled/);
      await participant.confirmErasure();
      await context.close();
    });
  },
);
