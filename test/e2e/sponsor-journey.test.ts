import { readFile } from "node:fs/promises";
import type { Download, Page } from "playwright-core";
import { describe, expect, inject, it } from "vitest";
import { DEMO_TRIAL_REGISTRY_ID } from "~/server/seed/demo-accounts";
import { fhirSchemaErrors } from "../fhir-schema";
import { signInWithPassword, browserForFile, WAIT_MS } from "./browser";

const skipReason = inject("e2eSkipReason");
const appUrl = skipReason ? "" : inject("appUrl");
const browser = browserForFile(Boolean(skipReason));

async function downloaded(page: Page, testId: string): Promise<Buffer> {
  const [download]: [Download, void] = await Promise.all([
    page.waitForEvent("download"),
    page.getByTestId(testId).click(),
  ]);
  return readFile(await download.path());
}

describe.skipIf(Boolean(skipReason))("sponsor journey in a browser", () => {
  it("registers a trial, amends its protocol and funds its rewards", async () => {
    const context = await browser().newContext();
    const page = await context.newPage();
    await signInWithPassword(page, appUrl, "SPONSOR");
    await page.getByRole("navigation").getByRole("link", { name: "My trials" }).click();
    await page.getByTestId(`sponsor-trial-${DEMO_TRIAL_REGISTRY_ID}`).waitFor();

    const registryId = `NCT${String(Date.now()).slice(-8)}`;
    await page.getByLabel("Registry id").fill(registryId);
    await page.getByLabel("Title").fill("Once-daily inhaler in adults with moderate asthma");
    await page.getByLabel("Phase").selectOption("Phase 2");
    await page.getByLabel("Conditions").fill("Asthma");
    await page.getByLabel("Sites").fill("Leeds\nBristol");
    await page.getByLabel("Protocol document").setInputFiles({
      name: "asthma-protocol-v1.txt",
      mimeType: "text/plain",
      buffer: Buffer.from("Protocol version 1: eligibility, endpoints, schedule."),
    });
    await page.getByRole("button", { name: "Register trial" }).click();
    const row = page.getByTestId(`sponsor-trial-${registryId}`);
    await expect
      .poll(() => row.getByTestId("anchor-status").textContent(), { timeout: WAIT_MS })
      .toBe("Anchored on chain");

    await row.getByRole("link").click();
    await page.getByLabel("Protocol v2 document").setInputFiles({
      name: "asthma-protocol-v2.txt",
      mimeType: "text/plain",
      buffer: Buffer.from("Protocol version 2: an added safety visit."),
    });
    await page.getByRole("button", { name: "Amend protocol" }).click();
    await expect
      .poll(() => page.getByTestId("protocol-versions").textContent(), { timeout: WAIT_MS })
      .toMatch(/v2asthma-protocol-v2\.txt/);

    await page.getByLabel("Amount (TSR)").fill("100");
    await page.getByLabel("Reward per enrolment (TSR)").fill("10");
    await page.getByRole("button", { name: "Fund rewards" }).click();
    await expect
      .poll(() => page.getByTestId("rewards").textContent(), { timeout: WAIT_MS })
      .toContain("Pool left100.0 TSR");
    await page.getByLabel("Amount (TSR)").fill("abc");
    await page.getByLabel("Reward per enrolment (TSR)").fill("1");
    await page.getByRole("button", { name: "Fund rewards" }).click();
    await expect
      .poll(() => page.locator("[role=alert]").first().textContent(), { timeout: WAIT_MS })
      .toContain("Enter an amount like 100 or 2.5");
    await page.screenshot({ path: "test-results/sponsor-trial.png", fullPage: true });
    await context.close();
  });

  it("sees the demo trial's enrolment and usage, its timeline and its regulator exports", async () => {
    const context = await browser().newContext({ acceptDownloads: true });
    const page = await context.newPage();
    await signInWithPassword(page, appUrl, "SPONSOR");
    await page.goto(`${appUrl}/sponsor`);
    await page.getByTestId(`sponsor-trial-${DEMO_TRIAL_REGISTRY_ID}`).getByRole("link").click();
    await page.getByTestId("enrollment-chart").waitFor();
    expect(await page.getByTestId("usage").textContent()).toMatch(
      // Other browser tests may add requests of their own to the demo trial.
      /Academic research: [1-9]\d* · researchers: [1-9]/,
    );
    // The participant-rights test may have erased the HbA1c listing by now; Baseline vitals,
    // with a payment pending, cannot be.
    expect(await page.getByTestId("trial-listings").textContent()).toMatch(/HbA1c|Baseline vitals/);

    const bundle: unknown = JSON.parse(
      (await downloaded(page, "download-fhir-bundle.json")).toString(),
    );
    expect(fhirSchemaErrors(bundle)).toEqual([]);
    const ds = (await downloaded(page, "download-sdtm-ds.csv")).toString();
    expect(ds).toContain(`${DEMO_TRIAL_REGISTRY_ID},DS,${DEMO_TRIAL_REGISTRY_ID}-S-`);
    expect(ds).toContain("INFORMED CONSENT OBTAINED");
    const pdf = await downloaded(page, "download-report.pdf");
    expect(pdf.subarray(0, 5).toString("latin1")).toBe("%PDF-");

    await page.getByRole("link", { name: "Timeline", exact: true }).click();
    await page.getByTestId("event-TrialRegistered").waitFor();
    expect(await page.getByTestId("event-DataUseRecorded").count()).toBeGreaterThanOrEqual(1);
    await page
      .getByRole("group", { name: "Filter by kind" })
      .getByText("registration", { exact: true })
      .click();
    await expect.poll(() => page.getByTestId("event-Enrolled").count()).toBe(0);
    expect(await page.getByTestId("event-TrialRegistered").count()).toBe(1);
    await page.screenshot({ path: "test-results/timeline.png", fullPage: true });
    await page.getByTestId("event-TrialRegistered").getByRole("link").click();
    await page.getByText("Succeeded").waitFor();
    expect(await page.locator("body").textContent()).toContain("TrialRegistered");
    await context.close();
  });
});
