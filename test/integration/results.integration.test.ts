import { keccak256, parseUnits, toUtf8Bytes } from "ethers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TAction } from "~/server/services/actions/registry";
import { getLedger } from "~/server/services/ledger/get-ledger";
import { collectNotifications } from "~/server/services/notifications/collect-notifications";
import { recordDelivery } from "~/server/services/requests/record-delivery";
import { findResultsOfListings } from "~/server/services/results/find-results";
import { hashOutput, describeOutput } from "~/server/services/results/output-hash";
import { registerTrial } from "~/server/services/trials/register-trial";
import { createManagedWallet } from "~/server/services/users/managed-wallet";
import type { SessionUser } from "~/server/session";
import { expectCode } from "./expect-code";
import { createHarness, listingInput, SMALL_CSV, type Harness } from "./harness";

/**
 * Results returned (issue 17, part 3), as an attacker would try them: outputs registered by a
 * researcher who did not make the request, before any data use, twice, by a replayed signature,
 * with a bad DOI or link; then what participants, the researcher and the sponsor see.
 */
let harness: Harness;
let sponsor: SessionUser;
let used: SessionUser; // their listing is delivered
let unused: SessionUser; // their listing is in the request, never decided, never used
let researcher: SessionUser;
let intruder: SessionUser; // another researcher
let trialId: string;
let requestId: string;

const PUBLICATION = {
  kind: "PUBLICATION" as const,
  title: "HbA1c trajectories in a pooled cohort",
  doi: "10.5555/TrialShare.2026.001",
  url: "https://journal.example.org/articles/2026-001",
};
const register = (fields: Record<string, unknown>, id = requestId) =>
  ({ type: "output.register", requestId: id, ...fields }) as TAction;

async function outputsAndWrites() {
  return {
    outputs: await harness.db.researchOutput.count(),
    writes: await harness.db.chainOutbox.count({ where: { kind: "output.register" } }),
  };
}

beforeAll(async () => {
  harness = await createHarness();
  const { db, chain } = harness;
  sponsor = await db.user.create({
    data: {
      role: "SPONSOR",
      displayName: "Sponsor",
      email: `results-sponsor-${Date.now()}@test.local`,
      ...createManagedWallet(),
    },
    select: { id: true, role: true, walletAddress: true, displayName: true },
  });
  ({ id: trialId } = await registerTrial({
    db,
    chain,
    sponsorId: sponsor.id,
    input: {
      registryId: `RESULTS-${Date.now()}`,
      title: "Results trial",
      phase: "Phase 2",
      conditions: ["Type 2 diabetes"],
      sites: [],
      protocolDocumentName: "p.pdf",
      protocolHash: keccak256(toUtf8Bytes("results protocol")),
    },
  }));
  await harness.settle();
  used = await harness.createUser("PARTICIPANT");
  unused = await harness.createUser("PARTICIPANT");
  researcher = await harness.createUser("RESEARCHER");
  intruder = await harness.createUser("RESEARCHER");
  await harness.mintTokens(researcher.walletAddress, parseUnits("100", 18));
  const listingIds: string[] = [];
  for (const [owner, autoApprove] of [
    [used, true],
    [unused, false],
  ] as const) {
    await harness.enroll(owner, trialId);
    const upload = await harness.upload(owner, SMALL_CSV);
    const { id } = await harness
      .callerFor(owner)
      .listings.createDraft(listingInput(upload.id, { trialId, autoApprove, price: "1" }));
    await harness.act(owner, { type: "listing.publish", listingId: id });
    listingIds.push(id);
  }
  await harness.settle();
  ({ id: requestId } = await harness.callerFor(researcher).requests.createDraft({
    listingIds,
    purpose: "ACADEMIC_RESEARCH",
    planText: "HbA1c trajectories over three years, pooled.",
    accessDays: 30,
  }));
  await harness.act(researcher, { type: "request.create", requestId });
  await harness.settle();
});

afterAll(async () => {
  await harness?.close();
});

describe("results returned", () => {
  it("refuses an output before any data use of the request is on chain, and changes nothing", async () => {
    const [mine] = await harness.callerFor(researcher).requests.mine();
    expect(mine!.hasDataUse).toBe(false);
    expect(mine!.resultsStatus).toBe("NO_DATA_USED");
    await expectCode(
      harness.act(researcher, register(PUBLICATION)),
      "CONFLICT",
      /once data of this request was used/,
    );
    // A delivery queued but not yet recorded on chain is not a data use yet.
    await recordDelivery({
      db: harness.db,
      chain: harness.chain,
      requestId,
      extractRoot: keccak256(toUtf8Bytes("results-extract")),
    });
    await expectCode(
      harness.act(researcher, register(PUBLICATION)),
      "CONFLICT",
      /once data of this request was used/,
    );
    expect(await outputsAndWrites()).toEqual({ outputs: 0, writes: 0 });
  });

  it("refuses a bad DOI, a plain-http or malformed link, a missing DOI and an oversized title, with the field named", async () => {
    await harness.settle();
    const api = harness.callerFor(researcher);
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ ...PUBLICATION, doi: "doi.org/10.5555/x" }, /Enter the DOI like 10\.1234/],
      [{ ...PUBLICATION, doi: "10.12/too-short-registrant" }, /Enter the DOI/],
      [{ ...PUBLICATION, url: "http://journal.example.org/a" }, /Only https:\/\/ links/],
      [{ ...PUBLICATION, url: "javascript:alert(1)" }, /https/],
      [{ ...PUBLICATION, doi: undefined }, /A publication needs its DOI/],
      [{ kind: "PREPRINT", title: "A preprint without a link" }, /Give the link/],
      [{ kind: "SUMMARY", title: "A summary", summary: "too short" }, /at least 20 characters/],
      [{ ...PUBLICATION, title: "x".repeat(301) }, /too_big|at most|300/],
    ];
    for (const [fields, message] of bad) {
      await expectCode(api.actions.prepare({ action: register(fields) }), "BAD_REQUEST", message);
    }
    expect(await outputsAndWrites()).toEqual({ outputs: 0, writes: 0 });
  });

  it("refuses another researcher's registration and any other role, and changes nothing", async () => {
    await expectCode(
      harness.callerFor(intruder).actions.prepare({ action: register(PUBLICATION) }),
      "NOT_FOUND",
      /No request of yours/,
    );
    for (const user of [used, sponsor]) {
      await expectCode(
        harness.callerFor(user).actions.prepare({ action: register(PUBLICATION) }),
        "FORBIDDEN",
      );
    }
    expect(await outputsAndWrites()).toEqual({ outputs: 0, writes: 0 });
  });

  it("records the output's hash on chain against the request once data was used", async () => {
    const api = harness.callerFor(researcher);
    const prepared = await api.actions.prepare({ action: register(PUBLICATION) });
    const submitted = await api.actions.submit({
      action: register(PUBLICATION),
      request: prepared.typedData!.message,
    });
    // Replaying the very same signed request is refused before it reaches the queue.
    await expectCode(
      api.actions.submit({ action: register(PUBLICATION), request: prepared.typedData!.message }),
      "CONFLICT",
      /already registered/,
    );
    // So is the signed request carried over to a different output: the call does not match.
    await expectCode(
      api.actions.submit({
        action: register({
          ...PUBLICATION,
          title: "Another paper for the same call",
          doi: "10.5555/another.paper",
        }),
        request: prepared.typedData!.message,
      }),
      "BAD_REQUEST",
      /does not match/,
    );
    await harness.settle();
    const row = await harness.db.researchOutput.findUniqueOrThrow({
      where: { id: submitted.entityId },
    });
    expect(row.anchorStatus).toBe("CONFIRMED");
    expect(row.anchorTxHash).toMatch(/^0x[0-9a-f]{64}$/);
    expect(row.doi).toBe(PUBLICATION.doi.toLowerCase());
    expect(row.outputHash).toBe(hashOutput(describeOutput(PUBLICATION)));
    const request = await harness.db.accessRequest.findUniqueOrThrow({ where: { id: requestId } });
    expect(
      await harness.chain.contracts.marketplace.isOutputRegistered(
        request.chainKey,
        row.outputHash,
      ),
    ).toBe(true);
    // Only the hash reached the chain: the transaction's input holds no word of the title.
    const tx = await harness.chain.provider.getTransaction(row.anchorTxHash!);
    expect(tx!.data.toLowerCase()).not.toContain(
      Buffer.from("HbA1c trajectories").toString("hex").toLowerCase(),
    );
    expect(await outputsAndWrites()).toEqual({ outputs: 1, writes: 1 });
  });

  it("refuses the same output again, and the same DOI under another title", async () => {
    for (const fields of [PUBLICATION, { ...PUBLICATION, title: "Same DOI, retitled paper" }]) {
      await expectCode(harness.act(researcher, register(fields)), "CONFLICT", /already registered/);
    }
    expect(await outputsAndWrites()).toEqual({ outputs: 1, writes: 1 });
  });

  it("shows the output to the participant whose data was used, notifies them once, and not the others", async () => {
    const now = new Date();
    expect(await collectNotifications(harness.db, now)).toBeGreaterThanOrEqual(1);
    await collectNotifications(harness.db, now);
    const notices = await harness.db.notification.findMany({
      where: { kind: "result.published" },
      select: { userId: true, title: true, body: true },
    });
    expect(notices).toEqual([
      expect.objectContaining({
        userId: used.id,
        title: "A result was published from a study that used your data",
      }),
    ]);
    // No output title in the notification (it may name the condition studied).
    expect(notices[0]!.body).not.toContain("HbA1c");
    const ledger = await harness.callerFor(used).ledger.mine();
    const result = ledger.entries.find((entry) => entry.kind === "RESULT");
    expect(result).toMatchObject({
      link: `https://doi.org/${PUBLICATION.doi.toLowerCase()}`,
      detail: `Publication: ${PUBLICATION.title}`,
    });
    expect(result!.txHash).toMatch(/^0x/);
    const other = await harness.callerFor(unused).ledger.mine();
    expect(other.entries.some((entry) => entry.kind === "RESULT")).toBe(false);
  });

  it("shows the sponsor the outputs per trial, and the researcher on the request", async () => {
    const overview = await harness.callerFor(sponsor).trials.overview({ trialId });
    expect(overview.results).toHaveLength(1);
    expect(overview.results[0]).toMatchObject({ requestId, resultsStatus: "REPORTED" });
    expect(overview.results[0]!.outputs.map((output) => output.title)).toEqual([PUBLICATION.title]);
    const [mine] = await harness.callerFor(researcher).requests.mine();
    expect(mine!.resultsStatus).toBe("REPORTED");
    expect(mine!.outputs).toHaveLength(1);
  });

  it("says 'no results reported' once the grace period after the access window passed without an output", async () => {
    // A second request, used, with no output.
    const listing = await harness.db.listing.findFirstOrThrow({ where: { ownerId: used.id } });
    const { id: silent } = await harness.callerFor(researcher).requests.createDraft({
      listingIds: [listing.id],
      purpose: "ACADEMIC_RESEARCH",
      planText: "A second study that never reports its results.",
      accessDays: 10,
    });
    await harness.act(researcher, { type: "request.create", requestId: silent });
    await harness.settle();
    await recordDelivery({
      db: harness.db,
      chain: harness.chain,
      requestId: silent,
      extractRoot: keccak256(toUtf8Bytes("silent-extract")),
    });
    await harness.settle();
    const { accessUntil } = await harness.db.accessRequest.findUniqueOrThrow({
      where: { id: silent },
    });
    const statusAt = async (daysAfter: number) =>
      (
        await findResultsOfListings({
          db: harness.db,
          listings: { trialId },
          now: new Date(accessUntil.getTime() + daysAfter * 86_400_000),
        })
      ).find((row) => row.requestId === silent)?.resultsStatus;
    expect(await statusAt(-1)).toBe("AWAITING");
    expect(await statusAt(364)).toBe("AWAITING"); // RESULTS_GRACE_DAYS defaults to 365
    expect(await statusAt(366)).toBe("NO_RESULTS");
    const later = new Date(accessUntil.getTime() + 366 * 86_400_000);
    const ledger = await getLedger({ db: harness.db, chain: null, userId: used.id, now: later });
    const noResults = ledger.entries.filter((entry) => entry.kind === "NO_RESULTS");
    expect(noResults).toHaveLength(1);
    expect(noResults[0]!.detail).toMatch(/^No results reported 365 days after/);
    // The request with an output never reads as "no results reported".
    expect(ledger.entries.some((entry) => entry.id === `no-results-${requestId}`)).toBe(false);
  });

  it("two submissions of one new output racing each other: one is registered, the other refused as a conflict", async () => {
    const PREPRINT = {
      kind: "PREPRINT" as const,
      title: "Two tabs, one preprint",
      url: "https://preprints.example.org/2026-77",
    };
    const before = await outputsAndWrites();
    // Both prepare before either submits: the plan's own "already registered" check passes twice.
    const api = harness.callerFor(researcher);
    const first = await api.actions.prepare({ action: register(PREPRINT) });
    const second = await api.actions.prepare({ action: register(PREPRINT) });
    const results = await Promise.allSettled([
      api.actions.submit({ action: register(PREPRINT), request: first.typedData!.message }),
      api.actions.submit({ action: register(PREPRINT), request: second.typedData!.message }),
    ]);
    expect(results.filter((result) => result.status === "fulfilled")).toHaveLength(1);
    const [refused] = results.filter((result) => result.status === "rejected");
    await expectCode(Promise.reject(refused!.reason as Error), "CONFLICT", /already registered/);
    expect(await outputsAndWrites()).toEqual({
      outputs: before.outputs + 1,
      writes: before.writes + 1,
    });
  });
});
