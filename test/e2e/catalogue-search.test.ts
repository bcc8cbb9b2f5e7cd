import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { browserForFile, signInWithPassword, WAIT_MS } from "./browser";
import { cataloguePage } from "./catalogue-page";
import { SAMPLE } from "./catalogue-sample";
import { startCatalogueServer } from "./catalogue-server";

const skipReason = inject("e2eSkipReason");
if (skipReason) console.warn(`[e2e] skipped: ${skipReason}`);
const browser = browserForFile(Boolean(skipReason));
let appUrl = "";
let stopServer: (() => Promise<void>) | undefined;

beforeAll(async () => {
  if (skipReason) return;
  const server = await startCatalogueServer(inject("chainRpcUrl"));
  appUrl = server.appUrl;
  stopServer = server.stop;
});

afterAll(async () => {
  await stopServer?.();
});

describe.skipIf(Boolean(skipReason))("a researcher searches the catalogue", () => {
  it("types, narrows by a facet, pages, shares the URL and goes back", async () => {
    const context = await browser().newContext();
    const page = await context.newPage();
    await signInWithPassword(page, appUrl, "RESEARCHER");
    const catalogue = cataloguePage(page, appUrl);
    await catalogue.open();
    await page.getByTestId("result-count").waitFor({ timeout: WAIT_MS });
    expect(await catalogue.accessibilityViolations()).toEqual([]);

    // Results follow the typing, with no button to press.
    await catalogue.type("spirometry");
    await catalogue.expectCount(`${SAMPLE.spirometry} listings match`);
    expect(catalogue.searchParams().get("query")).toBe("spirometry");
    expect(await page.getByTestId("result-summary").textContent()).toMatch(/searched in [\d.]+ ms/);
    expect(await catalogue.position()).toBe("Page 1 of 2");

    // The data type's counts are for this search; choosing one narrows it.
    expect(await catalogue.dataTypeOptions()).toEqual([
      "Any",
      `CSV (${SAMPLE.spirometry - SAMPLE.spirometryFhir})`,
      `FHIR (${SAMPLE.spirometryFhir})`,
    ]);
    await catalogue.chooseDataType("FHIR");
    await catalogue.expectCount(`${SAMPLE.spirometryFhir} listings match`);
    await catalogue.chooseDataType("");
    await catalogue.expectCount(`${SAMPLE.spirometry} listings match`);

    // The second page, in the URL like the rest.
    const firstPage = await catalogue.titles();
    expect(firstPage).toHaveLength(20);
    await catalogue.next();
    await expect.poll(catalogue.position).toBe("Page 2 of 2");
    await expect.poll(async () => (await catalogue.titles()).length).toBe(10);
    const secondPage = await catalogue.titles();
    expect(secondPage.filter((title) => firstPage.includes(title))).toEqual([]);
    expect(catalogue.searchParams().get("page")).toBe("2");
    await page.screenshot({ path: "test-results/catalogue-search.png", fullPage: true });

    // Someone else opens the shared link and sees the same page of results.
    const shared = page.url();
    const otherContext = await browser().newContext();
    const other = await otherContext.newPage();
    await signInWithPassword(other, appUrl, "RESEARCHER");
    await other.goto(shared);
    const colleague = cataloguePage(other, appUrl);
    await colleague.expectCount(`${SAMPLE.spirometry} listings match`);
    await expect.poll(colleague.position).toBe("Page 2 of 2");
    expect(await colleague.titles()).toEqual(secondPage);
    expect(await other.getByRole("searchbox", { name: "Search" }).inputValue()).toBe("spirometry");
    await otherContext.close();

    // The back button returns to the first page.
    await page.goBack();
    await expect.poll(catalogue.position).toBe("Page 1 of 2");
    // The position comes from the URL; the titles from a query that may still be answering.
    await expect.poll(catalogue.titles).toEqual(firstPage);
    await context.close();
  });

  it("reads malformed search syntax as words, and says which filter to drop when nothing matches", async () => {
    const context = await browser().newContext();
    const page = await context.newPage();
    await signInWithPassword(page, appUrl, "RESEARCHER");
    const catalogue = cataloguePage(page, appUrl);
    await catalogue.open(`?query=${encodeURIComponent('"spirometry & (!')}&dataType=FHIR`);
    await catalogue.expectCount(`${SAMPLE.spirometryFhir} listings match`);
    expect(await page.locator("p[role=alert]").count()).toBe(0);

    await catalogue.type("spirometry insomnia");
    await catalogue.emptyState().waitFor({ timeout: WAIT_MS });
    expect(await catalogue.accessibilityViolations()).toEqual([]);
    await catalogue.emptyState().getByRole("button", { name: "Without the search words" }).click();
    await expect.poll(() => catalogue.searchParams().get("query")).toBeNull();
    await expect
      .poll(async () => Number((await catalogue.count())?.split(" ")[0]?.replace(",", "")))
      .toBeGreaterThanOrEqual(SAMPLE.spirometryFhir);
    expect(await page.getByRole("searchbox", { name: "Search" }).inputValue()).toBe("");

    // A very long query (pasted into the URL) is cut at a word, not refused.
    await catalogue.open(`?query=${"spirometry ".repeat(500)}`);
    await catalogue.expectCount(`${SAMPLE.spirometry} listings match`);
    await context.close();
  });
});
