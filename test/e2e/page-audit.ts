import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Page } from "playwright-core";
import { expect } from "vitest";
import { WAIT_MS } from "./browser";

/**
 * What a page must pass for every user: axe-core finds no serious or critical violation, and
 * at a phone's width nothing pushes the page wider than the screen. Screenshots at a phone's
 * and a laptop's width go to test-results/ for a person to look at.
 */
const axeSource = readFileSync(
  createRequire(import.meta.url).resolve("axe-core/axe.min.js"),
  "utf8",
);
export const PHONE = { width: 390, height: 844 };
export const LAPTOP = { width: 1280, height: 800 };

type AxeResult = {
  violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }[];
};

/** Waits until the page has its data: no request in flight, nothing still saying "Loading". */
export async function waitForSettledPage(page: Page) {
  await page.waitForLoadState("networkidle", { timeout: WAIT_MS });
  await expect
    .poll(
      () =>
        page
          .locator('[aria-busy="true"]')
          .or(page.getByText(/^Loading/))
          .count(),
      {
        timeout: WAIT_MS,
      },
    )
    .toBe(0);
}

/** axe-core's serious and critical violations on the page as it is now, one line each. */
export async function seriousViolations(page: Page): Promise<string[]> {
  // The script runs in the page from its text: nothing is fetched, no CSP exception needed.
  if (!(await page.evaluate(() => "axe" in window)))
    await page.addScriptTag({ content: axeSource });
  const result = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(): Promise<unknown> } }).axe;
    return (await axe.run()) as AxeResult;
  });
  return result.violations
    .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
    .map(
      (violation) =>
        `${violation.id} (${violation.impact}): ${violation.help} at ${violation.nodes
          .slice(0, 3)
          .map((node) => JSON.stringify(node.target))
          .join(", ")}`,
    );
}

/** How far the page is wider than its window, in pixels (0 when it fits). */
export function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
}

/**
 * Checks the page as it is at both widths and keeps both screenshots; returns the problems
 * found, so one test can list every page's problems at once.
 */
export async function auditPage(page: Page, name: string): Promise<string[]> {
  const problems: string[] = [];
  for (const viewport of [LAPTOP, PHONE]) {
    await page.setViewportSize(viewport);
    await waitForSettledPage(page);
    for (const violation of await seriousViolations(page))
      problems.push(`${name} at ${viewport.width}px: ${violation}`);
    const overflow = await horizontalOverflow(page);
    if (overflow > 0)
      problems.push(
        `${name} at ${viewport.width}px: the page is ${overflow}px wider than the screen`,
      );
    await page.screenshot({
      path: `test-results/layout-${name}-${viewport.width}.png`,
      fullPage: true,
    });
  }
  await page.setViewportSize(LAPTOP);
  return problems;
}
