import { readFile } from "node:fs/promises";
import type { Page } from "playwright-core";
import { expect } from "vitest";
import { WAIT_MS } from "../browser";
import { clickWhenReady, shown } from "./ready";

/**
 * An auditor's journey in the browser, as named steps: open the audit from the navigation,
 * audit a trial, read a check and download the report. The auditor is signed in on `page`.
 */
export function auditorSteps(page: Page) {
  /** Clicks a download button and returns the downloaded file's text. */
  async function download(name: string): Promise<string> {
    const button = page.getByRole("button", { name });
    const [file] = await Promise.all([page.waitForEvent("download"), clickWhenReady(button)]);
    return readFile(await file.path(), "utf8");
  }
  return {
    /** Runs the audit of one trial from the navigation's Audit page; waits for the verdict. */
    async auditTrial(registryId: string, verdict: string) {
      await page.getByRole("navigation").getByRole("link", { name: "Audit" }).click();
      const row = page.locator("li", { hasText: registryId });
      await clickWhenReady(row.getByRole("button", { name: "Run audit" }));
      await expect
        .poll(() => shown(page, "audit-verdict").textContent(), { timeout: WAIT_MS })
        .toBe(verdict);
    },
    checkText: (check: string) => shown(page, `check-${check}`).textContent(),
    downloadJson: async <Report>() => JSON.parse(await download("Download JSON")) as Report,
    downloadFindingsCsv: () => download("Download findings (CSV)"),
  };
}
