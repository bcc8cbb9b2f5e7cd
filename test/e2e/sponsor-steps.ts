import type { Page } from "playwright-core";
import { expect } from "vitest";
import { WAIT_MS } from "./browser";

/**
 * Sponsor steps shared by the browser journeys. The sponsor is signed in on `page`.
 */

/** Registers a trial from the sponsor's page and waits until it is anchored; returns its row. */
export async function registerTrialInBrowser(page: Page, appUrl: string, registryId: string) {
  await page.goto(`${appUrl}/sponsor`);
  await page.getByLabel("Registry id").fill(registryId);
  await page.getByLabel("Title").fill("Once-weekly therapy and re-consent, a browser trial");
  await page.getByLabel("Phase").selectOption("Phase 2");
  await page.getByLabel("Conditions").fill("Type 2 diabetes");
  await page.getByLabel("Protocol document").setInputFiles({
    name: `${registryId}-protocol-v1.txt`,
    mimeType: "text/plain",
    buffer: Buffer.from(`Protocol version 1 of ${registryId}.`),
  });
  await page.getByRole("button", { name: "Register trial" }).click();
  const row = page.getByTestId(`sponsor-trial-${registryId}`);
  await expect
    .poll(() => row.getByTestId("anchor-status").textContent(), { timeout: WAIT_MS })
    .toBe("Anchored on chain");
  return row;
}

/** Opens one of the sponsor's trials by its registry id. */
export async function openSponsorTrial(page: Page, appUrl: string, registryId: string) {
  await page.goto(`${appUrl}/sponsor`);
  await page.getByTestId(`sponsor-trial-${registryId}`).getByRole("link").click();
  await page.getByTestId("invitations").waitFor({ timeout: WAIT_MS });
}

/** Issues one invitation from the open trial page and returns its link. */
export async function issueInvitationLink(page: Page, reference: string): Promise<string> {
  const section = page.getByTestId("invitations");
  // Count only once the list has answered (it loads after the section shows).
  await section
    .getByTestId("invitation-list")
    .or(section.getByTestId("no-invitations"))
    .waitFor({ timeout: WAIT_MS });
  const before = await section.getByTestId("invitation-link").count();
  await section.getByLabel(/Your reference/).fill(reference);
  await section.getByTestId("issue-invitations").click();
  await expect
    .poll(() => section.getByTestId("invitation-link").count(), { timeout: WAIT_MS })
    .toBe(before + 1);
  // The newest invitation is listed first.
  const link = await section.getByTestId("invitation-link").first().inputValue();
  expect(link).toMatch(/\/participant\/trials#invite=[A-Za-z0-9_-]{43}$/);
  return link;
}

/** Amends the open trial's protocol with a version 2 document; waits until the chain has v2. */
export async function amendProtocolInBrowser(page: Page, registryId: string) {
  await page.getByLabel("Protocol v2 document").setInputFiles({
    name: `${registryId}-protocol-v2.txt`,
    mimeType: "text/plain",
    buffer: Buffer.from("Protocol version 2: an added safety visit."),
  });
  await page.getByRole("button", { name: "Amend protocol" }).click();
  await expect
    .poll(() => page.getByTestId("protocol-versions").textContent(), { timeout: WAIT_MS })
    .toMatch(/v2/);
  // v2 shows at once as "(recording…)"; the step ends when the chain has it, so a journey
  // that waits on the amendment fails here, naming it, if it never gets recorded.
  await expect
    .poll(
      async () => {
        await page.reload();
        return page.getByTestId("protocol-versions").textContent();
      },
      { timeout: WAIT_MS, interval: 2_000 },
    )
    .not.toMatch(/recording/);
}
