import { readFile } from "node:fs/promises";
import { keccak256, parseUnits, toUtf8Bytes } from "ethers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as uploadRoute } from "~/app/api/uploads/route";
import { recordDelivery } from "~/server/services/requests/record-delivery";
import { registerTrial } from "~/server/services/trials/register-trial";
import { createManagedWallet } from "~/server/services/users/managed-wallet";
import type { SessionUser } from "~/server/session";
import { sessionCookie } from "../support/session-cookie";
import { syntheaFile } from "../support/synthea";
import { createHarness, listingInput, type Harness } from "./harness";
import { expectCode } from "./expect-code";

/**
 * The participant's whole journey on the real local chain: enrol, upload (over the real
 * route), publish, a researcher's request, the decision, a data use, earnings, withdrawal,
 * revocation.
 */
let harness: Harness;

beforeAll(async () => {
  harness = await createHarness();
});

afterAll(async () => {
  await harness.close();
});

async function uploadOverHttp(user: SessionUser, file: string, name: string) {
  const response = await uploadRoute(
    new Request("http://localhost/api/uploads", {
      method: "POST",
      headers: {
        cookie: await sessionCookie(user),
        "x-file-name": name,
        "content-type": "application/octet-stream",
      },
      body: await readFile(file),
    }),
  );
  expect(response.status).toBe(200);
  const events = (await response.text())
    .trim()
    .split("\n")
    .map(
      (line) =>
        JSON.parse(line) as { type: string; uploadId?: string; message?: string; percent?: number },
    );
  expect(events.some((event) => event.type === "progress")).toBe(true);
  const done = events.at(-1)!;
  if (done.type !== "done") throw new Error(`upload failed: ${done.message}`);
  return done.uploadId!;
}

describe("participant journey", () => {
  it("enrols, publishes de-identified data, approves a request, sees the use and withdraws the earnings", async () => {
    const { db, chain } = harness;
    const sponsor = await db.user.create({
      data: { role: "SPONSOR", displayName: "Sponsor", ...createManagedWallet() },
      select: { id: true },
    });
    const trial = await registerTrial({
      db,
      chain,
      sponsorId: sponsor.id,
      input: {
        registryId: `NCT-J-${Date.now()}`,
        title: "Journey trial",
        phase: "Phase 2",
        conditions: ["Hypertension"],
        sites: [],
        protocolDocumentName: "p.pdf",
        protocolHash: keccak256(toUtf8Bytes("protocol")),
      },
    });
    await harness.settle();

    const participant = await harness.createUser("PARTICIPANT");
    const api = harness.callerFor(participant);
    await harness.act(participant, {
      type: "enrollment.enroll",
      code: await harness.invite(trial.id),
      subjectId: "SUBJ-0042",
    });
    await harness.settle();
    const [joined] = (await api.enrollments.trials()).filter(
      (candidate) => candidate.id === trial.id,
    );
    expect(joined?.enrollment).toMatchObject({
      isEnrolled: true,
      protocolVersion: 1,
      needsReconsent: false,
    });
    const enrollment = await db.enrollment.findFirstOrThrow({
      where: { trialId: trial.id, participantId: participant.id },
    });
    // The enrolment is made by an account derived for this trial, not the user's wallet.
    expect(enrollment.accountAddress).toMatch(/^0x[0-9a-f]{40}$/);
    expect(enrollment.accountAddress).not.toBe(participant.walletAddress);
    const [commitment] = await chain.contracts.trialRegistry.getEnrollment(
      (await db.trial.findUniqueOrThrow({ where: { id: trial.id } })).chainKey,
      enrollment.accountAddress!,
    );
    expect(commitment).toBe(enrollment.subjectCommitment);
    expect(JSON.stringify(enrollment)).not.toContain("SUBJ-0042");

    // Upload real Synthea data through the route, drop a column, publish linked to the trial.
    const uploadId = await uploadOverHttp(
      participant,
      syntheaFile("csv/patients.csv"),
      "patients.csv",
    );
    const upload = await api.uploads.byId({ uploadId });
    expect(upload.report.removedColumns.map((column) => column.column)).toContain("SSN");
    expect(JSON.stringify(upload.preview)).not.toMatch(/999-\d\d-\d{4}/);
    const { id: listingId } = await api.listings.createDraft(
      listingInput(uploadId, {
        dropColumns: ["HEALTHCARE_COVERAGE"],
        trialId: trial.id,
        autoApprove: false,
        price: "4",
      }),
    );
    await harness.act(participant, { type: "listing.publish", listingId });
    await harness.settle();
    const listing = await api.listings.byId({ listingId });
    expect(listing.chain).toMatchObject({ isAnchored: true, dataRootMatches: true });
    expect(listing.trial?.id).toBe(trial.id);

    // A researcher requests it; the escrow is authorised by a permit signed for them.
    const researcher = await harness.createUser("RESEARCHER");
    await harness.mintTokens(researcher.walletAddress, parseUnits("100", 18));
    const { id: requestId } = await harness.callerFor(researcher).requests.createDraft({
      listingIds: [listingId],
      purpose: "ACADEMIC_RESEARCH",
      planText: "Blood pressure trajectories in adults with type 2 diabetes, 2010-2020.",
      accessDays: 30,
    });
    await harness.act(researcher, { type: "request.create", requestId });
    await harness.settle();
    const [incoming] = await api.requests.incoming();
    expect(incoming).toMatchObject({
      status: "PENDING",
      request: { researcherName: researcher.displayName, purpose: "ACADEMIC_RESEARCH" },
    });
    // Other test files share this chain, so escrow is checked as this request's own amount.
    const request = await db.accessRequest.findUniqueOrThrow({
      where: { id: requestId },
      select: { chainKey: true },
    });
    expect((await chain.contracts.marketplace.getRequest(request.chainKey))[6]).toBe(
      parseUnits("4", 18),
    );

    // Another participant cannot decide it; the owner approves.
    const stranger = await harness.createUser("PARTICIPANT");
    await expectCode(
      harness
        .callerFor(stranger)
        .actions.prepare({ action: { type: "item.decide", itemId: incoming!.id, approve: true } }),
      "NOT_FOUND",
    );
    await harness.act(participant, { type: "item.decide", itemId: incoming!.id, approve: true });
    await harness.settle();
    expect((await api.requests.incoming())[0]?.status).toBe("APPROVED");
    // Approved but not delivered: nothing is paid until a delivery or the window's end.
    expect((await harness.callerFor(researcher).requests.mine())[0]?.status).toBe("OPEN");

    // The data is delivered: the use is recorded on chain and shows in the ledger.
    await recordDelivery({ db, chain, requestId, extractRoot: keccak256(toUtf8Bytes("extract")) });
    await harness.settle();
    const ledger = await api.ledger.mine();
    expect(ledger.balance).toBe("4");
    expect((await harness.callerFor(researcher).requests.mine())[0]?.status).toBe("SETTLED");
    const kinds = ledger.entries.map((entry) => entry.kind);
    expect(kinds).toEqual(
      expect.arrayContaining(["REQUEST", "DECISION", "DATA_USE", "DATA_USE_CREDIT"]),
    );
    expect(ledger.entries.every((entry) => entry.txHash?.startsWith("0x"))).toBe(true);
    expect(ledger.earningsByMonth.reduce((sum, month) => sum + month.amount, 0)).toBe(4);

    // Withdraw, gasless: the listing's owner account withdraws to itself.
    const owner = enrollment.accountAddress!;
    const before = await chain.contracts.token.balanceOf(owner);
    await harness.act(participant, { type: "earnings.withdraw" });
    await harness.settle();
    expect((await chain.contracts.token.balanceOf(owner)) - before).toBe(parseUnits("4", 18));
    expect(await chain.provider.getBalance(owner)).toBe(0n);
    expect(await chain.provider.getBalance(participant.walletAddress)).toBe(0n);
    expect(await api.ledger.mine()).toMatchObject({ balance: "0", held: "4" });
    await expectCode(
      api.actions.prepare({ action: { type: "earnings.withdraw" } }),
      "BAD_REQUEST",
      /nothing to withdraw/,
    );

    // Revoking consent: later requests exclude the listing.
    await harness.act(participant, { type: "listing.revokeConsent", listingId });
    await harness.settle();
    expect((await api.listings.byId({ listingId })).consent?.isRevoked).toBe(true);
    const { id: laterRequest } = await harness.callerFor(researcher).requests.createDraft({
      listingIds: [listingId],
      purpose: "ACADEMIC_RESEARCH",
      planText: "A second look at the same cohort, one year later.",
      accessDays: 30,
    });
    await harness.act(researcher, { type: "request.create", requestId: laterRequest });
    await harness.settle();
    const later = (await harness.callerFor(researcher).requests.mine()).find(
      (request) => request.id === laterRequest,
    );
    expect(later?.items[0]?.status).toBe("EXCLUDED");
  });

  it("refuses an upload that is too large, from the wrong role, or not signed in", async () => {
    const researcher = await harness.createUser("RESEARCHER");
    const asResearcher = await uploadRoute(
      new Request("http://localhost/api/uploads", {
        method: "POST",
        headers: { cookie: await sessionCookie(researcher) },
        body: "a,b\n1,2",
      }),
    );
    expect(asResearcher.status).toBe(403);
    const anonymous = await uploadRoute(
      new Request("http://localhost/api/uploads", { method: "POST", body: "a,b\n1,2" }),
    );
    expect(anonymous.status).toBe(401);
    const participant = await harness.createUser("PARTICIPANT");
    const tooLarge = await uploadRoute(
      new Request("http://localhost/api/uploads", {
        method: "POST",
        headers: {
          cookie: await sessionCookie(participant),
          "content-length": String(60 * 1024 * 1024),
        },
        body: "a,b\n1,2",
      }),
    );
    expect(tooLarge.status).toBe(413);
    expect(((await tooLarge.json()) as { message: string }).message).toMatch(/over 50 MB/);
    expect(await harness.db.upload.count({ where: { ownerId: participant.id } })).toBe(0);
  });
});
