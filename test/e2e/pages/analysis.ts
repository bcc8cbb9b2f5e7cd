import type { Page } from "playwright-core";
import { expect } from "vitest";
import { WAIT_MS } from "../browser";
import { clickWhenReady, shown, whenReady } from "./ready";

/**
 * A researcher analysing a cohort where it lives, as named steps: open "Analyse here" on a
 * request, buy analyses, compose one, run it and read (or download) what was released. The
 * researcher is signed in on `page`.
 */
export function analysisSteps(page: Page, appUrl: string) {
  const builder = () => page.getByTestId("analysis-builder");
  return {
    /** From "My requests", the request whose items include this listing title. */
    async openFromRequests(listingTitle: string) {
      await page.goto(`${appUrl}/researcher/requests`);
      const card = page.getByTestId("my-request").filter({ hasText: listingTitle });
      await clickWhenReady(card.getByRole("link", { name: "Analyse here" }));
      await page.waitForURL(/\/analyse$/, { timeout: WAIT_MS });
      await whenReady(builder().getByRole("button", { name: "Run analysis" }));
    },

    /** Signs the purchase, then reloads until the projected credits show. */
    async buyAnalyses(count: number) {
      const panel = page.getByTestId("fund-analyses");
      await (await whenReady(panel.getByLabel("Analyses to buy"))).fill(String(count));
      await clickWhenReady(panel.getByRole("button", { name: "Sign and buy analyses" }));
      await panel.getByText("Queued").waitFor({ timeout: WAIT_MS });
      await expect
        .poll(
          async () => {
            await page.reload();
            return shown(page, "credits-left").textContent({ timeout: WAIT_MS });
          },
          { timeout: WAIT_MS, interval: 1_000 },
        )
        .toContain(`${count} analysis credit(s) left`);
    },

    /** The newest analysis in the request's list, on its own page. */
    async openResultFromList() {
      await clickWhenReady(shown(page, "analysis-list").getByRole("link").first());
      await page.waitForURL(/\/analyses\/[^/]+$/, { timeout: WAIT_MS });
    },

    async cohortText() {
      return shown(page, "cohort-budget").textContent();
    },

    /**
     * Fills the form: the kind (a count unless told), ε, the grouping variables (name and
     * levels; none counts the whole cohort), or a histogram's measurement and bins.
     */
    async compose(options: {
      epsilon: string;
      by?: { variable: string; levels: string }[];
      histogram?: { measurement: string; bins: string };
    }) {
      const form = builder();
      await (
        await whenReady(form.getByLabel("Analysis", { exact: true }))
      ).selectOption(options.histogram ? "histogram" : "count");
      await (await whenReady(form.getByLabel("Privacy cost ε"))).fill(options.epsilon);
      if (options.histogram) {
        await form
          .getByLabel("Measurement", { exact: true })
          .selectOption(options.histogram.measurement);
        await form.getByLabel("Bins", { exact: true }).fill(options.histogram.bins);
      }
      for (const [index, term] of (options.by ?? []).entries()) {
        await clickWhenReady(form.getByRole("button", { name: "Add a variable" }));
        await form.getByLabel(`Variable ${index + 1}`).selectOption(term.variable);
        await form.getByLabel(`Levels of ${term.variable}`).fill(term.levels);
      }
    },

    async run() {
      await clickWhenReady(builder().getByRole("button", { name: "Run analysis" }));
    },

    /** Waits for the released result of the analysis just run; returns its table's text. */
    async releasedTable(): Promise<string> {
      await expect
        .poll(() => shown(page, "analysis-status").textContent(), { timeout: WAIT_MS })
        .toMatch(/^Released/);
      return (await shown(page, "result-table").textContent()) ?? "";
    },

    async disclosureText() {
      return shown(page, "disclosure-summary").textContent();
    },

    /** The builder's error for the whole form, as the server said it. */
    async formError(): Promise<string> {
      const alert = builder().locator("p[role=alert]").first();
      await alert.waitFor({ timeout: WAIT_MS });
      return (await alert.textContent()) ?? "";
    },

    /** Downloads the CSV of the released result as text. */
    async downloadCsv(): Promise<string> {
      const [download] = await Promise.all([
        page.waitForEvent("download"),
        shown(page, "released-result").getByRole("button", { name: "Download CSV" }).click(),
      ]);
      const chunks = await (await download.createReadStream()).toArray();
      return Buffer.concat(chunks as Buffer[]).toString("utf8");
    },
  };
}
