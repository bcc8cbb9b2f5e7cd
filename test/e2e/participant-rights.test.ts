import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { simpleParser } from "mailparser";
import { describe, expect, inject, it } from "vitest";
import { DEMO_ACCOUNTS } from "~/server/seed/demo-accounts";
import type { MyDataExport } from "~/server/services/rights/export-my-data";
import { browserForFile, signInWithPassword, WAIT_MS } from "./browser";

const skipReason = inject("e2eSkipReason");
if (skipReason) console.warn(`[e2e] skipped: ${skipReason}`);
const appUrl = skipReason ? "" : inject("appUrl");
const mailDir = skipReason ? "" : inject("mailDir");
const browser = browserForFile(Boolean(skipReason));

/** The emails the app's SMTP server received so far, parsed. */
async function receivedMail() {
  const names = await readdir(mailDir).catch(() => [] as string[]);
  return Promise.all(
    names
      .filter((name) => name.endsWith(".eml"))
      .map(async (name) => simpleParser(await readFile(path.join(mailDir, name)))),
  );
}

describe.skipIf(Boolean(skipReason))(
  "a participant's notifications and rights in a browser",
  () => {
    it("gets an email for a request, decides, sees the use, downloads the export and erases a listing", async () => {
      const email = DEMO_ACCOUNTS.find((account) => account.role === "PARTICIPANT")!.email;
      // The demo request waiting for the participant's decision arrives by email.
      await expect
        .poll(
          async () =>
            (await receivedMail()).filter(
              (mail) =>
                JSON.stringify(mail.to).includes(email) &&
                (mail.subject ?? "").includes("asks to use your data"),
            ).length,
          { timeout: WAIT_MS, interval: 1_000 },
        )
        .toBe(1);
      const [requestMail] = (await receivedMail()).filter((mail) =>
        (mail.subject ?? "").includes("asks to use your data"),
      );
      expect(requestMail!.text).toMatch(/Decide by \d{4}-\d{2}-\d{2}/);
      expect(requestMail!.text).toContain(`${appUrl}/participant/requests`);
      expect(requestMail!.text).not.toMatch(/diabetes|HbA1c|vitals|Glycaemic/i);

      const context = await browser().newContext({ acceptDownloads: true });
      const page = await context.newPage();
      await signInWithPassword(page, appUrl, "PARTICIPANT");
      await expect
        .poll(() => page.getByTestId("unread-count").count(), { timeout: WAIT_MS })
        .toBe(1);

      // Decide the request from the page the email links to.
      await page.goto(`${appUrl}/participant/requests`);
      // Other browser tests on the same installation may have asked for this listing too: the
      // test follows the one item it decides.
      const decidable = page
        .getByTestId("incoming-item")
        .filter({ hasText: "Baseline vitals" })
        .filter({ has: page.locator("[data-testid=approve]:enabled") })
        .first();
      await decidable.waitFor({ timeout: WAIT_MS });
      const itemId = await decidable.getAttribute("data-item-id");
      const pending = page.locator(`[data-item-id="${itemId}"]`);
      await pending.getByTestId("approve").click();
      await page
        .getByText(/Queued|decision on its way/)
        .first()
        .waitFor({ timeout: WAIT_MS });
      await expect
        .poll(
          async () => {
            await page.reload();
            return pending.getByTestId("item-status").textContent();
          },
          { timeout: WAIT_MS, interval: 1_500 },
        )
        .toBe("approved");

      // The earlier delivery of the other listing is in the ledger.
      await page.goto(`${appUrl}/participant/ledger`);
      await page.getByText("Data use").first().waitFor({ timeout: WAIT_MS });

      // Everything held about them, as a download from the account page.
      await page.goto(`${appUrl}/account`);
      const [download] = await Promise.all([
        page.waitForEvent("download"),
        page.getByTestId("export-json").click(),
      ]);
      const exported = JSON.parse(
        await (
          await download.createReadStream()
        )
          .toArray()
          .then((chunks) => Buffer.concat(chunks as Buffer[]).toString("utf8")),
      ) as MyDataExport;
      expect(exported.account.email).toBe(email);
      expect(exported.listings.length).toBeGreaterThanOrEqual(2);
      expect(exported.dataUses.length).toBeGreaterThanOrEqual(1);
      const delivered = exported.listings.find((listing) => listing.title.startsWith("HbA1c"))!;
      const approved = exported.listings.find((listing) => listing.title.startsWith("Baseline"))!;
      expect(delivered.deidentifiedData).toBeTruthy();

      // The listing just approved has a payment pending (once the approval is on chain): its
      // erasure waits, and says why.
      await expect
        .poll(
          async () => {
            await page.goto(`${appUrl}/listings/${approved.id}`);
            await page.getByRole("button", { name: "Erase this listing…" }).click();
            await page
              .getByTestId("erasure-blocked")
              .or(page.getByTestId("erasure-understood"))
              .waitFor({ timeout: WAIT_MS });
            return page.getByTestId("erasure-blocked").count();
          },
          { timeout: WAIT_MS, interval: 1_500 },
        )
        .toBe(1);

      // The delivered one is erased, after being told what stays with the researcher.
      await page.goto(`${appUrl}/listings/${delivered.id}`);
      await page.getByRole("button", { name: "Erase this listing…" }).click();
      await expect
        .poll(() => page.getByTestId("erasure-delivered").textContent(), { timeout: WAIT_MS })
        .toMatch(/cannot be recalled/);
      await page.getByTestId("erasure-understood").check();
      await page.getByTestId("erasure-confirm-button").click();
      await page.getByTestId("listing-erased").waitFor({ timeout: WAIT_MS });
      await context.close();
    });
  },
);
