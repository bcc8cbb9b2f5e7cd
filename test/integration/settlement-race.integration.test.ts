import { countUnindexedWrites } from "~/server/chain/indexer";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseUnits } from "ethers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createExtract } from "~/server/services/extracts/create-extract";
import { enqueueDueSettlements } from "~/server/services/requests/settle-requests";
import { createHarness, listingInput, type Harness } from "./harness";

const CSV = [
  "pseudonym,age,zip,systolic_bp",
  ...Array.from({ length: 6 }, (_, row) => `P${row},${40 + (row % 2)},021,${120 + row}`),
].join("\n");

/**
 * The outbox sees a settlement confirmed before the indexer reads its events: in that gap the
 * settlement job must not send the same batch again (the chain would refuse it as
 * AlreadySettled and the write would end FAILED, as a crash test once saw).
 */
let harness: Harness;
let work: string;

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), "settlement-race-"));
  harness = await createHarness({
    pgliteDir: path.join(work, "pglite"),
    deploymentsDir: path.join(work, "deployments"),
  });
});

afterAll(async () => {
  await harness?.close();
  await rm(work, { recursive: true, force: true });
});

describe("settlement between the outbox and the indexer", () => {
  it("does not queue a batch again that is on chain but not yet indexed", async () => {
    const { db, chain } = harness;
    const researcher = await harness.createUser("RESEARCHER");
    await harness.mintTokens(researcher.walletAddress, parseUnits("100", 18));
    const participant = await harness.createUser("PARTICIPANT");
    const upload = await harness.upload(participant, CSV);
    const { id: listingId } = await harness
      .callerFor(participant)
      .listings.createDraft(listingInput(upload.id, { price: "3" }));
    await harness.act(participant, { type: "listing.publish", listingId });
    await harness.settle();
    const { id: requestId } = await harness.callerFor(researcher).requests.createDraft({
      listingIds: [listingId],
      purpose: "ACADEMIC_RESEARCH",
      planText: "Glycaemic control, pooled, for a settlement race.",
      accessDays: 30,
    });
    await harness.act(researcher, { type: "request.create", requestId });
    await harness.settle();
    // The delivery goes on chain and is indexed; nothing settles it yet.
    await createExtract({ db, chain, researcherId: researcher.id, requestId, k: 2 });
    for (let round = 0; round < 10; round += 1) {
      await harness.outbox.tick();
      await harness.indexer.tick();
    }
    const settles = () =>
      db.chainOutbox.findMany({
        where: { kind: "request.settle", entityId: requestId },
        select: { status: true, lastError: true },
      });
    expect(await enqueueDueSettlements(db, chain)).toBe(1);
    // The outbox sends the batch and sees it confirmed; the indexer has not run since.
    for (let round = 0; round < 10; round += 1) {
      if ((await settles()).every((row) => row.status === "CONFIRMED")) break;
      await harness.outbox.tick();
    }
    expect(await settles()).toEqual([{ status: "CONFIRMED", lastError: null }]);
    const item = await db.accessRequestItem.findFirstOrThrow({ where: { requestId } });
    expect(item.settledAt).toBeNull();
    // Health tells the gap apart from a drained outbox (tests and operators wait on it).
    expect(await countUnindexedWrites(db)).toBe(1);

    // The settlement job runs in that gap: nothing to send.
    expect(await enqueueDueSettlements(db, chain)).toBe(0);
    await harness.settle();
    expect(await countUnindexedWrites(db)).toBe(0);
    expect(await settles()).toEqual([{ status: "CONFIRMED", lastError: null }]);
    const settled = await db.accessRequestItem.findFirstOrThrow({ where: { requestId } });
    expect(settled.settledAt).not.toBeNull();
  });
});
