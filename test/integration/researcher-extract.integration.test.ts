import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseUnits } from "ethers";
import Papa from "papaparse";
import { fhirSchemaErrors } from "../fhir-schema";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as extractFileRoute } from "~/app/api/extracts/[id]/[file]/route";
import { getEnv } from "~/env";
import type { SessionUser } from "~/server/session";
import { sessionCookie } from "../support/session-cookie";
import { expectCode } from "./expect-code";
import { createHarness, listingInput, type Harness } from "./harness";
import { runVerify, verifySummary } from "./verify-cli";

/** Pooled extracts: k-anonymity, the data use on chain before download, and who may download. */
let harness: Harness;
let work: string;

beforeAll(async () => {
  harness = await createHarness();
  work = await mkdtemp(path.join(tmpdir(), "extract-test-"));
});

afterAll(async () => {
  await harness.close();
  await rm(work, { recursive: true, force: true });
});

/** A participant's listing of `rows` records with quasi-identifiers that pool well. */
async function publishListing(
  rows: number,
  options: { purposes?: ("ACADEMIC_RESEARCH" | "AI_TRAINING")[]; autoApprove?: boolean } = {},
) {
  const participant = await harness.createUser("PARTICIPANT");
  const csv = [
    "pseudonym,age,zip,gender,systolic_bp",
    ...Array.from(
      { length: rows },
      (_, index) =>
        `P${index},${40 + (index % 3)},021${index % 2},${index % 2 ? "F" : "M"},${120 + index}`,
    ),
  ].join("\n");
  const upload = await harness.upload(participant, csv);
  const { id } = await harness.callerFor(participant).listings.createDraft(
    listingInput(upload.id, {
      price: "2",
      purposes: options.purposes ?? ["ACADEMIC_RESEARCH"],
      autoApprove: options.autoApprove ?? true,
    }),
  );
  await harness.act(participant, { type: "listing.publish", listingId: id });
  return { participant, listingId: id };
}

async function requestAccess(
  researcher: SessionUser,
  listingIds: string[],
  purpose: "ACADEMIC_RESEARCH" | "AI_TRAINING" = "ACADEMIC_RESEARCH",
  accessDays = 30,
) {
  const { id } = await harness.callerFor(researcher).requests.createDraft({
    listingIds,
    purpose,
    planText: "A study of blood pressure across a pooled cohort.",
    accessDays,
  });
  await harness.act(researcher, { type: "request.create", requestId: id });
  await harness.settle();
  return id;
}

async function download(user: SessionUser, extractId: string, file: string) {
  return extractFileRoute(
    new Request(`http://localhost/api/extracts/${extractId}/${file}`, {
      headers: { cookie: await sessionCookie(user) },
    }),
    { params: Promise.resolve({ id: extractId, file }) },
  );
}

describe("pooled extracts", () => {
  it("builds a k-anonymous extract, records its use on chain, and verifies from the chain alone", async () => {
    const first = await publishListing(12);
    const second = await publishListing(12);
    await harness.settle();
    const researcher = await harness.createUser("RESEARCHER");
    await harness.mintTokens(researcher.walletAddress, parseUnits("50", 18));
    const requestId = await requestAccess(researcher, [first.listingId, second.listingId]);

    const extract = await harness.callerFor(researcher).extracts.create({ requestId, k: 5 });
    expect(extract.report.kAchieved).toBeGreaterThanOrEqual(5);
    expect(extract.report.recordsIn).toBe(24);
    // The use is in the outbox before the extract exists; it reaches the chain once sent.
    expect(await harness.db.dataUse.count({ where: { requestId } })).toBe(2);
    await harness.settle();
    expect(
      await harness.db.dataUse.count({ where: { requestId, anchorStatus: "CONFIRMED" } }),
    ).toBe(2);

    const csv = await download(researcher, extract.id, "csv");
    expect(csv.status).toBe(200);
    const csvText = await csv.text();
    expect(Papa.parse(csvText, { header: true, skipEmptyLines: true }).data).toHaveLength(
      extract.report.recordsOut,
    );
    const fhir = (await (await download(researcher, extract.id, "fhir")).json()) as {
      resourceType: string;
      entry: unknown[];
    };
    expect(fhir.resourceType).toBe("Bundle");
    expect(fhirSchemaErrors(fhir)).toEqual([]);
    const manifestText = await (await download(researcher, extract.id, "manifest")).text();

    const manifestFile = path.join(work, "manifest.json");
    const csvFile = path.join(work, "extract.csv");
    await writeFile(manifestFile, manifestText);
    await writeFile(csvFile, csvText);
    const verifyExtract = () =>
      runVerify(["extract", manifestFile, "--csv", csvFile, "--rpc", getEnv().CHAIN_RPC_URL]);
    const ok = await verifyExtract();
    expect(ok.code).toBe(0);
    expect(verifySummary(ok.stdout)).toMatchObject({
      ok: true,
      dataUseRecorded: true,
      csvRootMatches: true,
      records: extract.report.recordsOut,
    });

    // A tampered extract file is caught.
    await writeFile(csvFile, csvText.replace(/,1[2-4]\d\r?\n/, ",999\n"));
    expect((await verifyExtract()).code).toBe(1);

    // Another researcher cannot see the request, download the extract or build one; no researcher can approve.
    const other = await harness.createUser("RESEARCHER");
    expect(
      (await harness.callerFor(other).requests.mine()).map((request) => request.id),
    ).not.toContain(requestId);
    const item = await harness.db.accessRequestItem.findFirstOrThrow({ where: { requestId } });
    await expectCode(
      harness
        .callerFor(researcher)
        .actions.prepare({ action: { type: "item.decide", itemId: item.id, approve: true } }),
      "FORBIDDEN",
    );
    expect((await download(other, extract.id, "csv")).status).toBe(404);
    await expectCode(harness.callerFor(other).extracts.create({ requestId, k: 5 }), "NOT_FOUND");
  });

  it("refuses an extract when k cannot be met, and records no data use", async () => {
    const small = await publishListing(3);
    await harness.settle();
    const researcher = await harness.createUser("RESEARCHER");
    await harness.mintTokens(researcher.walletAddress, parseUnits("10", 18));
    const requestId = await requestAccess(researcher, [small.listingId]);
    await expectCode(
      harness.callerFor(researcher).extracts.create({ requestId, k: 5 }),
      "BAD_REQUEST",
      /cannot be reached/,
    );
    expect(await harness.db.dataUse.count({ where: { requestId } })).toBe(0);
  });

  it("ends access when consent is revoked between request and download", async () => {
    const listing = await publishListing(10);
    await harness.settle();
    const researcher = await harness.createUser("RESEARCHER");
    await harness.mintTokens(researcher.walletAddress, parseUnits("10", 18));
    const requestId = await requestAccess(researcher, [listing.listingId]);
    const extract = await harness.callerFor(researcher).extracts.create({ requestId, k: 2 });
    await harness.settle();
    await harness.act(listing.participant, {
      type: "listing.revokeConsent",
      listingId: listing.listingId,
    });
    await harness.settle();
    await expectCode(
      harness.callerFor(researcher).extracts.create({ requestId, k: 2 }),
      "FORBIDDEN",
      /revoked/,
    );
    const afterRevocation = await download(researcher, extract.id, "csv");
    expect(afterRevocation.status).toBe(403);
    // And the contract itself refuses a data use for it now.
    const item = await harness.db.accessRequestItem.findFirstOrThrow({
      where: { requestId },
      include: { listing: true, request: true },
    });
    await expect(
      harness.chain.contracts.marketplace.recordDataUse.staticCall(
        item.request.chainKey,
        item.itemIndex,
        `0x${"1".repeat(64)}`,
        { from: harness.chain.relayer.address },
      ),
    ).rejects.toThrow(/ConsentEpochEnded/);
  });

  it("excludes listings whose consent does not allow the purpose, so nothing is delivered", async () => {
    const listing = await publishListing(10, { purposes: ["ACADEMIC_RESEARCH"] });
    await harness.settle();
    const researcher = await harness.createUser("RESEARCHER");
    await harness.mintTokens(researcher.walletAddress, parseUnits("10", 18));
    const requestId = await requestAccess(researcher, [listing.listingId], "AI_TRAINING");
    const [request] = (await harness.callerFor(researcher).requests.mine()).filter(
      (candidate) => candidate.id === requestId,
    );
    expect(request?.items[0]?.status).toBe("EXCLUDED");
    await expectCode(
      harness.callerFor(researcher).extracts.create({ requestId, k: 2 }),
      "FORBIDDEN",
      /approved/,
    );
  });

  it("ends access when the access period ends", async () => {
    const listing = await publishListing(10);
    await harness.settle();
    const researcher = await harness.createUser("RESEARCHER");
    await harness.mintTokens(researcher.walletAddress, parseUnits("10", 18));
    const requestId = await requestAccess(researcher, [listing.listingId]);
    await harness.db.accessRequest.update({
      where: { id: requestId },
      data: { accessUntil: new Date(Date.now() - 1000) },
    });
    await expectCode(
      harness.callerFor(researcher).extracts.create({ requestId, k: 2 }),
      "FORBIDDEN",
      /access period/,
    );
  });
});

describe("research-plan documents", () => {
  it("anchors the document's hash with the request and shows it to the owners only once requested", async () => {
    const { POST: uploadPlan } = await import("~/app/api/plans/route");
    const { GET: readPlan } = await import("~/app/api/plans/[id]/route");
    const listing = await publishListing(6, { autoApprove: false });
    await harness.settle();
    const researcher = await harness.createUser("RESEARCHER");
    await harness.mintTokens(researcher.walletAddress, parseUnits("10", 18));
    const pdf = Buffer.from(
      "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n",
    );
    const saved = await uploadPlan(
      new Request("http://localhost/api/plans", {
        method: "POST",
        headers: { cookie: await sessionCookie(researcher), "x-file-name": "plan.pdf" },
        body: pdf,
      }),
    );
    expect(saved.status).toBe(200);
    const plan = (await saved.json()) as { id: string; hash: string };
    const notAPlan = await uploadPlan(
      new Request("http://localhost/api/plans", {
        method: "POST",
        headers: { cookie: await sessionCookie(researcher) },
        body: Buffer.from([0, 1, 2, 3]),
      }),
    );
    expect(notAPlan.status).toBe(400);

    const { id: requestId } = await harness.callerFor(researcher).requests.createDraft({
      listingIds: [listing.listingId],
      purpose: "ACADEMIC_RESEARCH",
      planText: "Summary: blood pressure across the pooled cohort.",
      planDocumentId: plan.id,
      accessDays: 30,
    });
    // A draft is the researcher's intent only: the listing's owner cannot read its plan yet.
    const readAsOwner = async () =>
      readPlan(
        new Request(`http://localhost/api/plans/${plan.id}`, {
          headers: { cookie: await sessionCookie(listing.participant) },
        }),
        { params: Promise.resolve({ id: plan.id }) },
      );
    expect((await readAsOwner()).status).toBe(404);
    await harness.act(researcher, { type: "request.create", requestId });
    await harness.settle();
    const request = await harness.db.accessRequest.findUniqueOrThrow({
      where: { id: requestId },
      select: { chainKey: true },
    });
    const [event] = await harness.chain.contracts.marketplace.queryFilter(
      harness.chain.contracts.marketplace.filters.AccessRequested(request.chainKey),
    );
    expect(event?.args.planHash).toBe(plan.hash);

    const asOwner = await readAsOwner();
    expect(asOwner.status).toBe(200);
    expect(asOwner.headers.get("cache-control")).toBe("private, no-store");
    expect(Buffer.from(await asOwner.arrayBuffer()).equals(pdf)).toBe(true);
    const stranger = await harness.createUser("PARTICIPANT");
    const asStranger = await readPlan(
      new Request(`http://localhost/api/plans/${plan.id}`, {
        headers: { cookie: await sessionCookie(stranger) },
      }),
      { params: Promise.resolve({ id: plan.id }) },
    );
    expect(asStranger.status).toBe(404);
    const otherResearcher = await harness.createUser("RESEARCHER");
    await expectCode(
      harness.callerFor(otherResearcher).requests.createDraft({
        listingIds: [listing.listingId],
        purpose: "ACADEMIC_RESEARCH",
        planText: "Trying to reuse someone else's plan document.",
        planDocumentId: plan.id,
        accessDays: 30,
      }),
      "NOT_FOUND",
    );
  });
});
