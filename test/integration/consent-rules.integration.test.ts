import { keccak256, parseUnits, toUtf8Bytes } from "ethers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createExtract } from "~/server/services/extracts/create-extract";
import { MAX_LINKED_LISTINGS } from "~/server/services/listings/listing-actions";
import { registerTrial } from "~/server/services/trials/register-trial";
import { createManagedWallet } from "~/server/services/users/managed-wallet";
import type { SessionUser } from "~/server/session";
import { expectCode } from "./expect-code";
import { createHarness, listingInput, SMALL_CSV, type Harness } from "./harness";

/**
 * The contract's rules as the app lives them: after an amendment a trial's listings wait for
 * their owner's re-consent (and the pages say so), a withdrawal suspends them, a researcher's
 * maximum holds against a price raised in front of the request, and earnings collect in the
 * accounts derived per listing while the ledger adds them up.
 */
let harness: Harness;
let sponsor: SessionUser;
let participant: SessionUser;
let researcher: SessionUser;
let trialId: string;
let linkedId: string;

async function publish(owner: SessionUser, overrides: Record<string, unknown> = {}) {
  const upload = await harness.upload(owner, SMALL_CSV);
  const { id } = await harness
    .callerFor(owner)
    .listings.createDraft(listingInput(upload.id, { price: "2", ...overrides }));
  await harness.act(owner, { type: "listing.publish", listingId: id });
  await harness.settle();
  return id;
}

async function request(listingIds: string[], maxTotal?: string) {
  const { id } = await harness.callerFor(researcher).requests.createDraft({
    listingIds,
    purpose: "ACADEMIC_RESEARCH",
    planText: "Asthma control under the amended protocol, pooled.",
    accessDays: 30,
    ...(maxTotal ? { maxTotal } : {}),
  });
  await harness.act(researcher, { type: "request.create", requestId: id });
  await harness.settle();
  return id;
}

async function itemStatus(requestId: string) {
  const mine = await harness.callerFor(researcher).requests.mine();
  return mine.find((entry) => entry.id === requestId)?.items[0]?.status;
}

beforeAll(async () => {
  harness = await createHarness();
  const { db, chain } = harness;
  sponsor = await db.user.create({
    data: { role: "SPONSOR", displayName: "Amending sponsor", ...createManagedWallet() },
    select: { id: true, role: true, walletAddress: true, displayName: true },
  });
  trialId = (
    await registerTrial({
      db,
      chain,
      sponsorId: sponsor.id,
      input: {
        registryId: `RULES-${Date.now()}`,
        title: "Amended trial",
        phase: "Phase 3",
        conditions: ["Asthma"],
        sites: [],
        protocolDocumentName: "p1.pdf",
        protocolHash: keccak256(toUtf8Bytes("rules protocol v1")),
      },
    })
  ).id;
  await harness.settle();
  participant = await harness.createUser("PARTICIPANT");
  await harness.enroll(participant, trialId);
  linkedId = await publish(participant, { trialId });
  researcher = await harness.createUser("RESEARCHER");
  await harness.mintTokens(researcher.walletAddress, parseUnits("1000", 18));
});

afterAll(async () => {
  await harness.close();
});

describe("consent rules in the app", () => {
  it("after an amendment, the trial's listings wait for re-consent, the pages say so, and old approvals stay void", async () => {
    const { db, chain } = harness;
    const api = harness.callerFor(participant);
    const before = await request([linkedId]);
    expect(await itemStatus(before)).toBe("APPROVED");

    await harness.act(sponsor, {
      type: "trial.amend",
      trialId,
      protocolDocumentName: "p2.pdf",
      protocolHash: keccak256(toUtf8Bytes("rules protocol v2")),
    });
    await harness.settle();
    const [trial] = await api.enrollments.trials();
    expect(trial?.enrollment).toMatchObject({ needsReconsent: true, waitingListings: 1 });
    const waiting = await api.listings.byId({ listingId: linkedId });
    expect(waiting.consent?.isAwaitingReconsent).toBe(true);
    expect(waiting.chain.isPermittedOnChain).toBe(false);
    const refusal = await createExtract({
      db,
      chain,
      researcherId: researcher.id,
      requestId: before,
      k: 2,
    }).then(
      () => null,
      (error: unknown) => error as { code?: string; message?: string },
    );
    expect(refusal?.code).toBe("FORBIDDEN");
    expect(refusal?.message).toMatch(/consent/i);
    expect(await itemStatus(await request([linkedId]))).toBe("EXCLUDED");
    await expectCode(
      harness
        .callerFor(participant)
        .listings.createDraft(
          listingInput((await harness.upload(participant, SMALL_CSV)).id, { trialId }),
        ),
      "CONFLICT",
      /version 2/,
    );

    await harness.act(participant, { type: "enrollment.reconsent", trialId });
    await harness.settle();
    const resumed = await api.listings.byId({ listingId: linkedId });
    expect(resumed.consent).toMatchObject({ isAwaitingReconsent: false, epoch: 2 });
    expect(resumed.chain.isPermittedOnChain).toBe(true);
    const after = await request([linkedId]);
    expect(await itemStatus(after)).toBe("APPROVED");
    await createExtract({ db, chain, researcherId: researcher.id, requestId: after, k: 2 });
    await harness.settle();
    // The approval made before the amendment does not come back with the new epoch.
    const old = await db.accessRequest.findUniqueOrThrow({ where: { id: before } });
    const [, , isInForce] = await chain.contracts.marketplace.itemState(old.chainKey, 0);
    expect(isInForce).toBe(false);
  });

  it("suspends the linked listing when its owner withdraws; enrolling and consenting again restores it", async () => {
    const api = harness.callerFor(participant);
    await harness.act(participant, { type: "enrollment.withdraw", trialId });
    await harness.settle();
    expect((await api.listings.byId({ listingId: linkedId })).consent?.isSuspended).toBe(true);
    expect(await itemStatus(await request([linkedId]))).toBe("EXCLUDED");
    await expectCode(
      harness.act(participant, { type: "listing.grantConsent", listingId: linkedId }),
      "CONFLICT",
      /not enrolled/,
    );
    await harness.enroll(participant, trialId);
    await harness.act(participant, { type: "listing.grantConsent", listingId: linkedId });
    await harness.settle();
    const restored = await api.listings.byId({ listingId: linkedId });
    expect(restored.consent).toMatchObject({ isSuspended: false, epoch: 3 });
    expect(restored.chain.isPermittedOnChain).toBe(true);
  });

  it("refuses a request whose listings cost more than the researcher's maximum when it lands", async () => {
    const { db, chain } = harness;
    const owner = await harness.createUser("PARTICIPANT");
    const listingId = await publish(owner, { price: "10" });
    await expectCode(
      harness.callerFor(researcher).requests.createDraft({
        listingIds: [listingId],
        purpose: "ACADEMIC_RESEARCH",
        planText: "A cohort that costs more than I will pay.",
        accessDays: 30,
        maxTotal: "9",
      }),
      "BAD_REQUEST",
      /more than your maximum/,
    );
    // The owner's price rise is queued before the researcher's signed request is sent.
    await harness.act(owner, { type: "listing.updatePrice", listingId, price: "500" });
    const { id } = await harness.callerFor(researcher).requests.createDraft({
      listingIds: [listingId],
      purpose: "ACADEMIC_RESEARCH",
      planText: "A cohort at today's price, ten tokens at most.",
      accessDays: 30,
      maxTotal: "10",
    });
    const balance = await chain.contracts.token.balanceOf(researcher.walletAddress);
    await harness.act(researcher, { type: "request.create", requestId: id });
    await harness.settle();
    const recorded = await db.accessRequest.findUniqueOrThrow({ where: { id } });
    expect(recorded.anchorStatus).toBe("FAILED");
    expect(await chain.contracts.token.balanceOf(researcher.walletAddress)).toBe(balance);
  });

  it("keeps each listing's earnings in its own account and adds them up in the ledger", async () => {
    const { db, chain } = harness;
    const owner = await harness.createUser("PARTICIPANT");
    const first = await publish(owner, { price: "3" });
    const second = await publish(owner, { price: "4" });
    const rows = await db.listing.findMany({
      where: { id: { in: [first, second] } },
      select: { ownerAddress: true },
    });
    expect(new Set(rows.map((row) => row.ownerAddress)).size).toBe(2);
    expect(rows.map((row) => row.ownerAddress)).not.toContain(owner.walletAddress);
    const requestId = await request([first, second]);
    await createExtract({ db, chain, researcherId: researcher.id, requestId, k: 2 });
    await harness.settle();
    const ledger = await harness.callerFor(owner).ledger.mine();
    expect(ledger.balance).toBe("7");
    expect(ledger.accounts).toHaveLength(2);
    for (const account of ledger.accounts)
      await harness.act(owner, { type: "earnings.withdraw", account: account.address });
    await harness.settle();
    expect(await harness.callerFor(owner).ledger.mine()).toMatchObject({ balance: "0", held: "7" });
    await expectCode(
      harness.act(owner, { type: "earnings.withdraw", account: researcher.walletAddress }),
      "NOT_FOUND",
    );

    // A browser wallet cannot be derived from: its listings are owned by the wallet itself.
    const { user, wallet } = await harness.createWalletUser("PARTICIPANT");
    const upload = await harness.upload(user, SMALL_CSV);
    const { id } = await harness.callerFor(user).listings.createDraft(listingInput(upload.id));
    await harness.act(user, { type: "listing.publish", listingId: id }, wallet);
    await harness.settle();
    const own = await db.listing.findUniqueOrThrow({
      where: { id },
      select: { ownerAddress: true },
    });
    expect(own.ownerAddress).toBe(user.walletAddress);
  });

  it("refuses a listing past what one enrolment can link before it is signed, even two at once", async () => {
    const owner = await harness.createUser("PARTICIPANT");
    await harness.enroll(owner, trialId);
    const draft = async () => {
      const upload = await harness.upload(owner, SMALL_CSV);
      const { id } = await harness
        .callerFor(owner)
        .listings.createDraft(listingInput(upload.id, { price: "2", trialId }));
      return id;
    };
    // The app's copy of the limit is the contract's.
    expect(Number(await harness.chain.contracts.marketplace.MAX_LINKED_LISTINGS())).toBe(
      MAX_LINKED_LISTINGS,
    );
    const drafts: string[] = [];
    for (let index = 0; index < MAX_LINKED_LISTINGS + 1; index += 1) drafts.push(await draft());
    // All but the last slot taken, the writes still on their way to the chain.
    for (const id of drafts.slice(0, MAX_LINKED_LISTINGS - 1))
      await harness.act(owner, { type: "listing.publish", listingId: id });
    // Two publications race for the last slot: one is queued, the other told why.
    const raced = await Promise.allSettled(
      drafts
        .slice(MAX_LINKED_LISTINGS - 1)
        .map((listingId) => harness.act(owner, { type: "listing.publish", listingId })),
    );
    expect(raced.filter((result) => result.status === "fulfilled")).toHaveLength(1);
    const refused = raced.find((result) => result.status === "rejected");
    expect(String((refused as PromiseRejectedResult).reason)).toMatch(
      /already have 16 listings linked to this trial/,
    );
    await harness.settle();
    const rows = await harness.db.listing.findMany({
      where: { id: { in: drafts } },
      select: { status: true, anchorStatus: true },
    });
    expect(rows.filter((row) => row.anchorStatus === "CONFIRMED")).toHaveLength(
      MAX_LINKED_LISTINGS,
    );
    expect(rows.filter((row) => row.status === "DRAFT")).toHaveLength(1);
    expect(rows.filter((row) => row.anchorStatus === "FAILED")).toHaveLength(0);
  });
});
