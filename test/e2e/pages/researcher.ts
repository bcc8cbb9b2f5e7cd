import type { Page } from "playwright-core";
import { expect } from "vitest";
import { WAIT_MS } from "../browser";
import { clickWhenReady, whenReady } from "./ready";

/**
 * A researcher's journey in the browser, as named steps: find a listing in the catalogue, ask
 * for a cohort (paying into escrow by signature), build the pooled extract and download it.
 * The researcher is signed in on `page`.
 */
export function researcherSteps(page: Page, appUrl: string) {
  return {
    /** Opens the catalogue and waits until the listing with this title is in it. */
    async findInCatalogue(title: string) {
      await page.goto(`${appUrl}/catalogue`);
      await page.getByRole("link", { name: title }).waitFor({ timeout: WAIT_MS });
    },

    /** Adds a listing to the cohort and writes the research plan; does not send yet. */
    async prepareRequest(title: string, plan: string) {
      await (await whenReady(page.getByLabel(`Add ${title} to the cohort`))).check();
      await page.getByLabel(/Research plan summary/).fill(plan);
    },

    /** Signs and sends the prepared request; waits until the requests page shows it open. */
    async sendRequest() {
      await clickWhenReady(page.getByRole("button", { name: "Sign and request" }));
      await page.waitForURL(/\/researcher\/requests$/, { timeout: WAIT_MS });
      await expect
        .poll(() => page.getByTestId("request-status").first().textContent(), {
          timeout: WAIT_MS,
        })
        .toBe("open");
    },

    /** Builds the extract of the newest request with this k and downloads its CSV as text. */
    async downloadExtract(k: string): Promise<string> {
      await page.reload();
      const panel = page.getByTestId("extract-panel").first();
      await (await whenReady(panel.getByLabel(/^k/))).fill(k);
      await clickWhenReady(panel.getByRole("button", { name: "Build extract" }));
      await page.getByTestId("extract-ready").waitFor({ timeout: WAIT_MS });
      const [download] = await Promise.all([
        page.waitForEvent("download"),
        page.getByRole("link", { name: "CSV" }).click(),
      ]);
      const chunks = await (await download.createReadStream()).toArray();
      return Buffer.concat(chunks as Buffer[]).toString("utf8");
    },
  };
}
