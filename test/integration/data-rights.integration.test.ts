import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { keccak256, parseUnits, toUtf8Bytes } from "ethers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as myDataRoute } from "~/app/api/my-data/[format]/route";
import { getEnv } from "~/env";
import { runAudit } from "~/server/services/audit/run-audit";
import { recordDelivery } from "~/server/services/requests/record-delivery";
import { findUncoveredModels, type DataModel } from "~/server/services/rights/export-coverage";
import { myDataFhirBundle } from "~/server/services/rights/export-fhir";
import { exportMyData, type MyDataExport } from "~/server/services/rights/export-my-data";
import { shredErasedData } from "~/server/services/rights/shred-erased-data";
import { registerTrial } from "~/server/services/trials/register-trial";
import { createManagedWallet } from "~/server/services/users/managed-wallet";
import { getBlob, putBlob } from "~/server/storage/blob-store";
import type { SessionUser } from "~/server/session";
import { fhirSchemaErrors } from "../fhir-schema";
import { sessionCookie } from "../support/session-cookie";
import { expectCode } from "./expect-code";
import { createHarness, listingInput, type Harness } from "./harness";

/**
 * A participant's rights over their data, on the real chain and database: the export of
 * everything held about them (JSON and FHIR), and erasure of a listing and of the account by
 * crypto-shredding, with the refusals an attacker or an impatient user meets.
 */
let harness: Harness;
let deploymentsDir: string;
let participant: SessionUser;
let researcher: SessionUser;
let registryId: string;
let trialId: string;
/** Delivered and paid: the listing erased first. */
let deliveredListing: string;
/** Approved but not delivered yet: a payment is pending. */
let pendingListing: string;
let pendingRequest: string;

const csv = (offset: number) =>
  [
    "pseudonym,age,zip,systolic_bp",
    ...Array.from({ length: 6 }, (_, row) => `P${row},${40 + (row % 2)},021,${120 + row + offset}`),
  ].join("\n");

async function publish(user: SessionUser, offset: number) {
  const upload = await harness.upload(user, csv(offset));
  const { id } = await harness
    .callerFor(user)
    .listings.createDraft(listingInput(upload.id, { trialId, price: "3" }));
  await harness.act(user, { type: "listing.publish", listingId: id });
  return id;
}

async function request(listingIds: string[]) {
  const { id } = await harness.callerFor(researcher).requests.createDraft({
    listingIds,
    purpose: "ACADEMIC_RESEARCH",
    planText: "Blood pressure trajectories, pooled over the trial's participants.",
    accessDays: 30,
  });
  await harness.act(researcher, { type: "request.create", requestId: id });
  await harness.settle();
  return id;
}

async function blobKeysOf(listingId: string) {
  const listing = await harness.db.listing.findUniqueOrThrow({
    where: { id: listingId },
    select: { blobKey: true, upload: { select: { blobKey: true, pseudonymBlobKey: true } } },
  });
  return [listing.blobKey, listing.upload?.blobKey, listing.upload?.pseudonymBlobKey].filter(
    (key): key is string => Boolean(key),
  );
}

const blobFilesExist = (key: string) =>
  ["bin", "key"].some((extension) =>
    existsSync(path.join(getEnv().BLOB_DIR, `${key}.${extension}`)),
  );

async function audit() {
  return runAudit({ db: harness.db, chain: harness.chain, trial: registryId });
}

beforeAll(async () => {
  // The audit reads the contracts' whole history: contracts of this file's own, so what other
  // files did on the shared node before this one is not in it.
  deploymentsDir = await mkdtemp(path.join(tmpdir(), "rights-test-"));
  harness = await createHarness({ deploymentsDir });
  const { db, chain } = harness;
  const sponsor = await db.user.create({
    data: { role: "SPONSOR", displayName: "Sponsor", ...createManagedWallet() },
    select: { id: true },
  });
  registryId = `RIGHTS-${Date.now()}`;
  const trial = await registerTrial({
    db,
    chain,
    sponsorId: sponsor.id,
    input: {
      registryId,
      title: "Rights trial",
      phase: "Phase 2",
      conditions: ["Hypertension"],
      sites: [],
      protocolDocumentName: "p.pdf",
      protocolHash: keccak256(toUtf8Bytes("rights protocol")),
    },
  });
  trialId = trial.id;
  await harness.settle();
  participant = await harness.createUser("PARTICIPANT");
  researcher = await harness.createUser("RESEARCHER");
  await harness.mintTokens(researcher.walletAddress, parseUnits("100", 18));
  await harness.enroll(participant, trialId);
  deliveredListing = await publish(participant, 0);
  pendingListing = await publish(participant, 1);
  await harness.settle();
  const delivered = await request([deliveredListing]);
  await recordDelivery({
    db,
    chain,
    requestId: delivered,
    extractRoot: keccak256(toUtf8Bytes("extract-1")),
  });
  await harness.settle();
  pendingRequest = await request([pendingListing]);
  expect((await audit()).passed).toBe(true);
});

afterAll(async () => {
  await harness?.close();
  if (deploymentsDir) await rm(deploymentsDir, { recursive: true, force: true });
});

describe("export of everything held about a participant", () => {
  let data: MyDataExport;

  beforeAll(async () => {
    data = await exportMyData({ db: harness.db, userId: participant.id });
  });

  it("has the account, enrolment, listings with their de-identified data, requests, uses and payments, each with its transaction", () => {
    expect(data.account.id).toBe(participant.id);
    expect(data.account.email).toMatch(/@test\.local$/);
    expect(data.account.secretsHeld).toEqual({ passwordHash: true, managedWalletKey: true });
    expect(data.enrollments).toHaveLength(1);
    expect(data.enrollments[0]).toMatchObject({ trial: { registryId }, commitmentSaltHeld: true });
    expect(data.enrollments[0]!.anchorTxHash).toMatch(/^0x[0-9a-f]{64}$/);
    expect(data.listings.map((listing) => listing.id).sort()).toEqual(
      [deliveredListing, pendingListing].sort(),
    );
    for (const listing of data.listings) {
      expect(listing.anchorTxHash).toMatch(/^0x[0-9a-f]{64}$/);
      expect(listing.deidentifiedData).toContain("systolic_bp");
      expect(listing.consent?.purposes).toEqual(["ACADEMIC_RESEARCH"]);
    }
    expect(data.requestsForMyListings).toHaveLength(2);
    expect(data.dataUses).toHaveLength(1);
    expect(data.dataUses[0]!.anchorTxHash).toMatch(/^0x[0-9a-f]{64}$/);
    expect(data.payments.map((payment) => payment.kind)).toContain("DATA_USE_CREDIT");
    expect(data.payments.every((payment) => payment.txHash?.startsWith("0x"))).toBe(true);
    const facts = new Set(data.chainFacts.map((fact) => fact.eventName));
    for (const name of ["Enrolled", "ListingCreated", "ConsentGranted", "ItemSettled"])
      expect(facts).toContain(name);
    expect(data.chainFacts.every((fact) => /^0x[0-9a-f]{64}$/.test(fact.txHash))).toBe(true);
  });

  it("names the secrets it holds but never copies them out", async () => {
    const user = await harness.db.user.findUniqueOrThrow({
      where: { id: participant.id },
      select: { passwordHash: true, walletKeyCipher: true },
    });
    const enrollment = await harness.db.enrollment.findFirstOrThrow({
      where: { participantId: participant.id },
      select: { saltCipher: true },
    });
    const text = JSON.stringify(data);
    for (const secret of [user.passwordHash, user.walletKeyCipher, enrollment.saltCipher])
      expect(text).not.toContain(secret!);
  });

  it("comes as a FHIR R4 Bundle that the official schema accepts", () => {
    const bundle = myDataFhirBundle(data);
    expect(fhirSchemaErrors(bundle)).toEqual([]);
    const types = bundle.entry!.map((entry) => entry.resource!.resourceType);
    for (const type of [
      "Patient",
      "ResearchSubject",
      "Consent",
      "DocumentReference",
      "AuditEvent",
      "PaymentReconciliation",
    ])
      expect(types).toContain(type);
  });

  it("covers every table of the data model that holds a user's data, and would fail on a new one", () => {
    const models = (harness.db as unknown as { _runtimeDataModel: { models: DataModel } })
      ._runtimeDataModel.models;
    expect(Object.keys(models).length).toBeGreaterThan(20);
    expect(findUncoveredModels(models)).toEqual([]);
    // A table added tomorrow that keeps something per user, not yet in the export:
    const withNewTable: DataModel = {
      ...models,
      Reminder: {
        fields: [
          { name: "id", kind: "scalar", type: "String" },
          { name: "userId", kind: "scalar", type: "String" },
        ],
      },
    };
    expect(findUncoveredModels(withNewTable)).toEqual([
      { model: "Reminder", problem: "holds a user's data but is not in the export" },
    ]);
  });

  it("is a download of one's own data; someone else's is refused and an anonymous caller too", async () => {
    const stranger = await harness.createUser("PARTICIPANT");
    const get = async (user: SessionUser | null, url: string) =>
      myDataRoute(
        new Request(url, { headers: user ? { cookie: await sessionCookie(user) } : {} }),
        { params: Promise.resolve({ format: url.includes("/fhir") ? "fhir" : "json" }) },
      );
    const own = await get(participant, "http://localhost/api/my-data/json");
    expect(own.status).toBe(200);
    expect(own.headers.get("content-disposition")).toMatch(/attachment/);
    expect(((await own.json()) as MyDataExport).account.id).toBe(participant.id);
    const fhir = await get(participant, "http://localhost/api/my-data/fhir");
    expect(fhir.headers.get("content-type")).toBe("application/fhir+json");

    const theft = await get(stranger, `http://localhost/api/my-data/json?user=${participant.id}`);
    expect(theft.status).toBe(403);
    const body = await theft.text();
    expect(body).toMatch(/only your own data/);
    expect(body).not.toContain("systolic_bp");
    const strangersOwn = (await (
      await get(stranger, "http://localhost/api/my-data/json")
    ).json()) as MyDataExport;
    expect(strangersOwn.account.id).toBe(stranger.id);
    expect(strangersOwn.listings).toEqual([]);
    expect((await get(null, "http://localhost/api/my-data/json")).status).toBe(401);
  });
});

describe("erasure", () => {
  it("tells the participant before confirming that delivered records stay under their terms", async () => {
    const preview = await harness
      .callerFor(participant)
      .rights.describeErasure({ listingId: deliveredListing });
    expect(preview).toMatchObject({ deliveredUses: 1, researchersWithData: 1, blockedBy: null });
    expect(preview.deliveredNotice).toMatch(/cannot be recalled.*data-use terms/);
    const pending = await harness
      .callerFor(participant)
      .rights.describeErasure({ listingId: pendingListing });
    expect(pending.blockedBy).toMatch(/payment .* pending/);
  });

  it("refuses another user's listing and a listing with a pending payment, changing nothing", async () => {
    const stranger = await harness.createUser("PARTICIPANT");
    const outboxBefore = await harness.db.chainOutbox.count();
    await expectCode(
      harness
        .callerFor(stranger)
        .rights.eraseListing({ listingId: deliveredListing, confirm: true }),
      "NOT_FOUND",
    );
    await expectCode(
      harness
        .callerFor(participant)
        .rights.eraseListing({ listingId: pendingListing, confirm: true }),
      "CONFLICT",
      /payment for this listing is still pending/,
    );
    // A researcher cannot erase anything, not even through the participant's procedure.
    await expectCode(
      harness
        .callerFor(researcher)
        .rights.eraseListing({ listingId: pendingListing, confirm: true }),
      "FORBIDDEN",
    );
    expect(await harness.db.chainOutbox.count()).toBe(outboxBefore);
    for (const listingId of [deliveredListing, pendingListing]) {
      const listing = await harness.db.listing.findUniqueOrThrow({ where: { id: listingId } });
      expect(listing.erasedAt).toBeNull();
      for (const key of await blobKeysOf(listingId))
        await expect(getBlob(key)).resolves.toBeDefined();
    }
  });

  it("erases a listing: consent revoked and unlisted on chain, keys shredded, and the audit names the erasure", async () => {
    const { db, chain } = harness;
    const keys = await blobKeysOf(deliveredListing);
    expect(keys.length).toBeGreaterThanOrEqual(2);
    const result = await harness
      .callerFor(participant)
      .rights.eraseListing({ listingId: deliveredListing, confirm: true });
    expect(result.chainWrites).toBe(2);
    // The keys are gone at once, before the chain has even seen the revocation.
    for (const key of keys) {
      expect(blobFilesExist(key)).toBe(false);
      await expect(getBlob(key)).rejects.toThrow();
    }
    await harness.settle();
    const listing = await db.listing.findUniqueOrThrow({
      where: { id: deliveredListing },
      select: {
        chainKey: true,
        erasedAt: true,
        status: true,
        title: true,
        uploadId: true,
        consent: { select: { revokedAt: true } },
      },
    });
    expect(listing).toMatchObject({ status: "UNLISTED", title: "Erased listing", uploadId: null });
    expect(listing.erasedAt).toBeInstanceOf(Date);
    expect(listing.consent?.revokedAt).toBeInstanceOf(Date);
    expect(await chain.contracts.marketplace.isPermitted(listing.chainKey, 0)).toBe(false);
    expect((await chain.contracts.marketplace.getListing(listing.chainKey))[3]).toBe(2n);
    // Delivered records stay where the data-use terms put them; the use is still on record.
    expect(await db.dataUse.count({ where: { listingId: deliveredListing } })).toBe(1);

    const report = await audit();
    expect(report.passed).toBe(true);
    const integrity = report.checks.find((check) => check.name === "integrity")!;
    expect(JSON.stringify(integrity.evidence.erased)).toContain(deliveredListing);
    expect(integrity.failures).toEqual([]);

    // Nothing can bring it back: consenting again or changing it is refused.
    await expectCode(
      harness.callerFor(participant).actions.prepare({
        action: { type: "listing.grantConsent", listingId: deliveredListing },
      }),
      "CONFLICT",
      /erased/,
    );
    expect(
      (await harness.callerFor(participant).listings.byId({ listingId: deliveredListing }))
        .isErased,
    ).toBe(true);

    // Erasing twice is refused; the export shows the erasure and no data.
    await expectCode(
      harness
        .callerFor(participant)
        .rights.eraseListing({ listingId: deliveredListing, confirm: true }),
      "CONFLICT",
      /already erased/,
    );
    const exported = await exportMyData({ db, userId: participant.id });
    const erased = exported.listings.find((candidate) => candidate.id === deliveredListing)!;
    expect(erased.deidentifiedData).toBeNull();
    expect(exported.erasures).toEqual([
      expect.objectContaining({ scope: "LISTING", listingId: deliveredListing }),
    ]);
  });

  it("refuses the account's erasure while a payment is pending or earnings wait, then erases it", async () => {
    const { db, chain } = harness;
    const api = harness.callerFor(participant);
    await expectCode(api.rights.eraseAccount({ confirm: true }), "CONFLICT", /payment .* pending/);
    await recordDelivery({
      db,
      chain,
      requestId: pendingRequest,
      extractRoot: keccak256(toUtf8Bytes("extract-2")),
    });
    await harness.settle();
    await expectCode(api.rights.eraseAccount({ confirm: true }), "CONFLICT", /withdraw/);
    expect(
      (await db.user.findUniqueOrThrow({ where: { id: participant.id } })).erasedAt,
    ).toBeNull();
    await harness.act(participant, { type: "earnings.withdraw" });
    await harness.settle();

    const keys = await blobKeysOf(pendingListing);
    const result = await api.rights.eraseAccount({ confirm: true });
    // The withdrawn tokens sit in an account whose key the server holds: it is kept for them.
    expect(result).toMatchObject({ chainWrites: 2, keptWalletForTokens: true });
    await harness.settle();
    for (const key of keys) expect(blobFilesExist(key)).toBe(false);
    const user = await db.user.findUniqueOrThrow({ where: { id: participant.id } });
    expect(user).toMatchObject({ email: null, passwordHash: null, displayName: "Erased account" });
    expect(user.erasedAt).toBeInstanceOf(Date);
    const enrollment = await db.enrollment.findFirstOrThrow({
      where: { participantId: participant.id },
    });
    expect(enrollment.saltCipher).toBeNull();
    expect(await db.upload.count({ where: { ownerId: participant.id } })).toBe(0);
    expect(await db.listing.count({ where: { ownerId: participant.id, erasedAt: null } })).toBe(0);
    const report = await audit();
    expect(report.passed).toBe(true);
    const erased = JSON.stringify(
      report.checks.find((check) => check.name === "integrity")!.evidence.erased,
    );
    expect(erased).toContain(deliveredListing);
    expect(erased).toContain(pendingListing);
  });

  it("makes a browser-wallet user sign the revocation and unlisting first", async () => {
    const { user, wallet } = await harness.createWalletUser("PARTICIPANT");
    const upload = await harness.upload(user, csv(7));
    const { id: listingId } = await harness
      .callerFor(user)
      .listings.createDraft(listingInput(upload.id));
    await harness.act(user, { type: "listing.publish", listingId }, wallet);
    await harness.settle();
    await expectCode(
      harness.callerFor(user).rights.eraseListing({ listingId, confirm: true }),
      "CONFLICT",
      /revoke consent and unlist/,
    );
    expect(
      (await harness.db.listing.findUniqueOrThrow({ where: { id: listingId } })).erasedAt,
    ).toBeNull();
    await harness.act(user, { type: "listing.revokeConsent", listingId }, wallet);
    await harness.act(user, { type: "listing.unlist", listingId }, wallet);
    const result = await harness.callerFor(user).rights.eraseListing({ listingId, confirm: true });
    expect(result.chainWrites).toBe(0);
    await harness.settle();
    const listing = await harness.db.listing.findUniqueOrThrow({ where: { id: listingId } });
    expect(listing.erasedAt).toBeInstanceOf(Date);
    expect((await harness.chain.contracts.marketplace.getListing(listing.chainKey))[3]).toBe(2n);
  });

  it("finishes shredding at the next start when a crash came right after the erasure committed", async () => {
    const key = await putBlob(Buffer.from("pseudonym,age\nP1,40\n"));
    const erasure = await harness.db.dataErasure.create({
      data: { userId: participant.id, scope: "LISTING", blobKeys: [key] },
    });
    expect(blobFilesExist(key)).toBe(true);
    expect(await shredErasedData(harness.db)).toBeGreaterThanOrEqual(1);
    expect(blobFilesExist(key)).toBe(false);
    expect(
      (await harness.db.dataErasure.findUniqueOrThrow({ where: { id: erasure.id } })).shreddedAt,
    ).toBeInstanceOf(Date);
  });

  it("does not let 'erased' hide a changed file: a listing marked erased but live on chain fails the audit", async () => {
    const other = await harness.createUser("PARTICIPANT");
    await harness.enroll(other, trialId);
    const listingId = await publish(other, 9);
    await harness.settle();
    expect((await audit()).passed).toBe(true);
    // An operator (or an intruder in the database) marks it erased instead of admitting a loss.
    await harness.db.listing.update({
      where: { id: listingId },
      data: { erasedAt: new Date(), blobKey: null },
    });
    const report = await audit();
    expect(report.passed).toBe(false);
    expect(report.checks.find((check) => check.name === "integrity")!.failures).toEqual([
      expect.stringMatching(
        new RegExp(`${listingId}: erased by its owner, but its consent is still granted`),
      ),
    ]);
  });
});
