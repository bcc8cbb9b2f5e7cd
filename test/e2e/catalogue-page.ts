import { createRequire } from "node:module";
import type { Page } from "playwright-core";
import { expect } from "vitest";
import { WAIT_MS } from "./browser";

/** The researcher's catalogue, as a person uses it: named steps and what they should see. */
const axePath = createRequire(import.meta.url).resolve("axe-core/axe.min.js");

export function cataloguePage(page: Page, appUrl: string) {
  const count = () => page.getByTestId("result-count").textContent();
  const titles = async () => page.getByTestId("catalogue-list").getByRole("link").allTextContents();
  return {
    open: (query = "") => page.goto(`${appUrl}/catalogue${query}`),
    /** Types as a person does, a key at a time, without pressing Enter. */
    type: async (text: string) => {
      const box = page.getByRole("searchbox", { name: "Search" });
      await box.fill("");
      await box.pressSequentially(text, { delay: 30 });
    },
    chooseDataType: (value: "CSV" | "FHIR" | "") =>
      page.getByLabel("Data type").selectOption(value),
    dataTypeOptions: () => page.getByLabel("Data type").locator("option").allTextContents(),
    next: () => page.getByRole("button", { name: "Next" }).click(),
    count,
    titles,
    position: () => page.getByTestId("page-position").textContent(),
    searchParams: () => new URL(page.url()).searchParams,
    emptyState: () => page.getByTestId("catalogue-empty"),
    expectCount: (text: string) => expect.poll(count, { timeout: WAIT_MS }).toBe(text),
    /** axe-core's violations on the page as it is now. */
    accessibilityViolations: async () => {
      await page.addScriptTag({ path: axePath });
      return page.evaluate(async () => {
        const axe = (
          window as unknown as {
            axe: { run(): Promise<{ violations: { id: string; nodes: unknown[] }[] }> };
          }
        ).axe;
        const result = await axe.run();
        return result.violations.map((violation) => `${violation.id} (${violation.nodes.length})`);
      });
    },
  };
}
