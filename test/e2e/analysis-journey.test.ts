import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import Papa from "papaparse";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Database } from "~/server/db";
import { DEMO_ACCOUNTS } from "~/server/seed/demo-accounts";
import { createRequestDraft } from "~/server/services/requests/create-request-draft";
import type { SessionUser } from "~/server/session";
import { sessionCookie } from "../support/session-cookie";
import { browserForFile, signInWithPassword, WAIT_MS } from "./browser";
import { auditPage } from "./page-audit";
import { analysisSteps } from "./pages/analysis";
import { startStack, STACK_SECRET, waitForDrain, type Stack } from "./stack";
import { createDrafts, openStackDatabase, publishBurst } from "./stack-world";

/**
 * Compute-to-data in a browser (issue 18, item 5): a researcher whose request over 30 listings
 * (each allowing ε 3.00, groups of at least 5) was approved buys analyses, counts the cohort
 * where it lives and reads and downloads the released table; a grouping that leaves every cell
 * suppressed and an ε larger than what is left are each refused with a clear error, charging
 * nothing. An installation of its own: its listings are made through the app's services.
 */
const skipReason = inject("e2eSkipReason");
const browser = browserForFile(Boolean(skipReason));
const TITLE = "Analysis cohort";
const LISTINGS = 30;

let work: string;
let stack: Stack | undefined;
let database: Database | undefined;

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), "analysis-journey-"));
});

afterAll(async () => {
  await database?.close();
  await stack?.stop();
  await rm(work, { recursive: true, force: true, maxRetries: 50, retryDelay: 100 });
});

/** A signed action as the browser sends it (prepare, then submit), for a managed account. */
async function act(appUrl: string, user: SessionUser, action: Record<string, unknown>) {
  const cookie = await sessionCookie(user, STACK_SECRET, 0);
  const post = async (name: string, json: unknown) => {
    const response = await fetch(`${appUrl}/api/trpc/${name}`, {
      method: "POST",
      headers: { cookie, "content-type": "application/json" },
      body: JSON.stringify({ json }),
    });
    const body = (await response.json()) as { result?: { data: { json: unknown } } };
    expect(response.status, JSON.stringify(body)).toBe(200);
    return body.result!.data.json;
  };
  const prepared = (await post("actions.prepare", { action })) as {
    typedData: { message: unknown };
  };
  await post("actions.submit", { action, request: prepared.typedData.message });
}

/** The researcher's request over the cohort, approved by the owners' terms, and an allowance. */
async function prepareCohort(current: Stack, db: Database["prisma"]) {
  const drafts = await createDrafts(db, LISTINGS - 1, 1, {
    title: TITLE,
    terms: { epsilonBudget: 3, minCellCount: 5 },
  });
  const burst = await publishBurst(current.appUrl, drafts);
  expect([...burst.refused.values()]).toEqual([]);
  await waitForDrain(current.appUrl);
  const researcher = await db.user.findUniqueOrThrow({
    where: { email: DEMO_ACCOUNTS.find((account) => account.role === "RESEARCHER")!.email },
    select: { id: true, role: true, walletAddress: true, displayName: true },
  });
  const request = await createRequestDraft({
    db,
    researcherId: researcher.id,
    input: {
      listingIds: drafts.map((draft) => draft.listingId),
      purpose: "ACADEMIC_RESEARCH",
      planText: "Counting a pooled cohort where it lives.",
      accessDays: 30,
    },
  });
  await act(current.appUrl, researcher, { type: "request.create", requestId: request.id });
  await waitForDrain(current.appUrl);
  const approved = await db.accessRequestItem.count({
    where: { requestId: request.id, status: "APPROVED" },
  });
  expect(approved).toBe(LISTINGS);
  // No allowance is given: buying analyses in the page relays its own permit first.
  return request.id;
}

describe.skipIf(Boolean(skipReason))("compute-to-data in a browser", () => {
  it("a researcher buys analyses, counts the cohort where it lives and downloads the released table; bad asks are refused, charging nothing", async () => {
    stack = await startStack({
      dataDir: path.join(work, "data"),
      log: path.join(work, "stack.log"),
    });
    database = openStackDatabase(stack);
    const db = database.prisma;
    const requestId = await prepareCohort(stack, db);

    const context = await browser().newContext({ acceptDownloads: true });
    const page = await context.newPage();
    await signInWithPassword(page, stack.appUrl, "RESEARCHER");
    const analysis = analysisSteps(page, stack.appUrl);
    await analysis.openFromRequests(`${TITLE} 0-0`);
    expect(await analysis.cohortText()).toContain(
      `${LISTINGS} of ${LISTINGS} listing(s) can take part (ε left: 3.00 to 3.00 per listing)`,
    );
    await analysis.buyAnalyses(3);

    // The whole cohort, at ε 2.00: 30 records clear the noisy threshold.
    await analysis.compose({ epsilon: "2" });
    await analysis.run();
    const table = await analysis.releasedTable();
    expect(table).toMatch(/count\d+/);
    expect(await analysis.disclosureText()).toContain("ε 2.00 spent on each listing used");
    // Once the charge is recorded, the cohort panel says what is left.
    await expect
      .poll(() => analysis.cohortText(), { timeout: WAIT_MS })
      .toContain("ε left: 1.00 to 1.00 per listing");
    await page.screenshot({ path: "test-results/analysis-released.png", fullPage: true });
    const csv = Papa.parse<string[]>((await analysis.downloadCsv()).trim()).data;
    expect(csv[0]).toEqual(["count"]);
    const released = Number(csv[1]![0]);
    expect(released % 6).toBe(3);
    expect(Math.abs(released - LISTINGS)).toBeLessThan(20);
    expect(csv).toContainEqual(["epsilon", "2.00"]);
    expect(await auditPage(page, "analysis-builder-released")).toEqual([]);
    // The request's list leads to the result's own page.
    await analysis.openResultFromList();
    expect(await analysis.releasedTable()).toBe(table);
    expect(await auditPage(page, "analysis-result")).toEqual([]);

    const spent = () =>
      db.privacyBudget.findMany({ select: { spentCentis: true, reservedCentis: true } });
    await expect.poll(spent, { timeout: 60_000 }).toHaveLength(LISTINGS);
    const afterFirst = await spent();
    expect(afterFirst.every((row) => row.reservedCentis === 0)).toBe(true);

    // 30 records in 20 bins: every bin is below the smallest group shown.
    await analysis.openFromRequests(`${TITLE} 0-0`);
    await analysis.compose({
      epsilon: "0.5",
      histogram: { measurement: "systolic_bp", bins: "20" },
    });
    await analysis.run();
    expect(await analysis.formError()).toContain("Every cell would be suppressed");

    // ε 1.00 is left on each listing: asking 2.00 names them and charges nothing.
    await analysis.openFromRequests(`${TITLE} 0-0`);
    await analysis.compose({ epsilon: "2" });
    await analysis.run();
    expect(await analysis.formError()).toMatch(
      /No listing of this request can take part.*ε 1\.00 left, ε 2\.00 asked.*Nothing was charged/,
    );
    await page.screenshot({ path: "test-results/analysis-refused.png", fullPage: true });
    expect(await spent()).toEqual(afterFirst);
    const jobs = await db.analysisJob.findMany({
      where: { requestId },
      select: { status: true },
      orderBy: { createdAt: "asc" },
    });
    expect(jobs.map((job) => job.status)).toEqual(["RELEASED", "REFUSED_EMPTY"]);
    await context.close();
  });
});
