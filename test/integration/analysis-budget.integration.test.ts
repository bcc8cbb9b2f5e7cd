import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { MaxUint256, parseUnits, Wallet, type BaseWallet } from "ethers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetEnvCache } from "~/env";
import { runAnalysisJob } from "~/server/analysis/runner/run-analysis-job";
import { runAnalysis } from "~/server/services/analyses/run-analysis";
import { prepareAnalysis } from "~/server/services/analyses/prepare-analysis";
import { reserveAnalysis } from "~/server/services/analyses/reserve-analysis";
import { sweepStaleAnalyses } from "~/server/services/analyses/sweep-stale-analyses";
import { collectNotifications } from "~/server/services/notifications/collect-notifications";
import { keyOfAccount } from "~/server/services/users/derived-accounts";
import { getBlob, putBlob } from "~/server/storage/blob-store";
import type { SessionUser } from "~/server/session";
import { buildAnalysisRunner } from "../../scripts/build-analysis-runner.mjs";
import { expectCode } from "./expect-code";
import { createHarness, listingInput, type Harness } from "./harness";

/**
 * Compute-to-data's server flow as an attacker tries it (docs/compute-to-data.md §4.3, §6.1):
 * the privacy budget is never overspent, not even by concurrent runs; a refused or failed
 * analysis charges nothing; a result is readable only once its charge is on chain; a replayed
 * charge counts once; nobody reaches another researcher's request or result.
 */
let harness: Harness;

/** 20 listings at ε 4.00 each: a whole-cohort count at ε 2.00 clears the noisy threshold. */
const COHORT = 20;
const BUDGET = 4;
const TOTAL_COUNT = (epsilonCentis: number) => ({
  version: 1,
  epsilonCentis,
  query: { kind: "count", by: [] },
});

let researcher: SessionUser;
let requestId: string;
let cohort: { listingId: string; chainKey: string }[] = [];
const owners: SessionUser[] = [];

beforeAll(async () => {
  harness = await createHarness();
}, 600_000);

afterAll(async () => {
  await harness.close();
});

async function publishListing(options: { epsilonBudget: number; autoApprove?: boolean }) {
  const participant = await harness.createUser("PARTICIPANT");
  const upload = await harness.upload(
    participant,
    "pseudonym,arm,hba1c_pct\nS-1,A,6.1\nS-2,B,7.4\nS-3,A,5.9",
  );
  const { id } = await harness.callerFor(participant).listings.createDraft(
    listingInput(upload.id, {
      price: "2",
      epsilonBudget: options.epsilonBudget,
      minCellCount: 5,
      autoApprove: options.autoApprove ?? true,
    }),
  );
  await harness.act(participant, { type: "listing.publish", listingId: id });
  return { participant, listingId: id };
}

/** A researcher with tokens to escrow. */
async function createResearcher() {
  const user = await harness.createUser("RESEARCHER");
  await harness.mintTokens(user.walletAddress, parseUnits("1000", 18));
  return user;
}

/** `wallet`: the user's own (browser) wallet signs; without it, the server-held one. */
async function requestAccess(user: SessionUser, listingIds: string[], wallet?: BaseWallet) {
  const { id } = await harness.callerFor(user).requests.createDraft({
    listingIds,
    purpose: "ACADEMIC_RESEARCH",
    planText: "Counting a pooled cohort where it lives.",
    accessDays: 30,
  });
  await harness.act(user, { type: "request.create", requestId: id }, wallet);
  await harness.settle();
  return id;
}

/** The researcher allows the marketplace to pull tokens, then buys `count` analyses (signed). */
async function buyAnalyses(user: SessionUser, request: string, count: number) {
  const wallet = (await keyOfAccount(harness.db, user.id, user.walletAddress)).connect(
    harness.chain.provider,
  );
  await harness.chain.provider.send("anvil_setBalance", [wallet.address, "0x8AC7230489E80000"]);
  const approval = await harness.chain.contracts.token
    .connect(wallet)
    .approve(harness.chain.deployment.contracts.DataMarketplace, MaxUint256);
  await approval.wait();
  await harness.act(user, { type: "analysis.fund", requestId: request, count });
  await harness.settle();
}

async function budgetOnChain(chainKey: string) {
  const [total, spent] = await harness.chain.contracts.marketplace.privacyBudget(chainKey);
  return { total: Number(total), spent: Number(spent) };
}

async function mirror(listingId: string) {
  return harness.db.privacyBudget.findUnique({
    where: { listingId },
    select: { totalCentis: true, spentCentis: true, reservedCentis: true },
  });
}

const writes = () =>
  Promise.all([
    harness.db.analysisJob.count(),
    harness.db.chainOutbox.count({ where: { kind: "analysis.record" } }),
  ]);

describe("compute-to-data: budget and charging", () => {
  beforeAll(async () => {
    for (let index = 0; index < COHORT; index++) {
      const { participant, listingId } = await publishListing({ epsilonBudget: BUDGET });
      cohort.push({ listingId, chainKey: "" });
      owners.push(participant);
    }
    await harness.settle();
    const rows = await harness.db.listing.findMany({
      where: { id: { in: cohort.map((entry) => entry.listingId) } },
      select: { id: true, chainKey: true },
    });
    const keys = new Map(rows.map((row) => [row.id, row.chainKey]));
    cohort = cohort.map(({ listingId }) => ({ listingId, chainKey: keys.get(listingId)! }));
    researcher = await createResearcher();
    requestId = await requestAccess(
      researcher,
      cohort.map((entry) => entry.listingId),
    );
    await buyAnalyses(researcher, requestId, 8);
  }, 900_000);

  it("passes the owner's ε budget to the chain with the consent", async () => {
    expect(await budgetOnChain(cohort[0]!.chainKey)).toEqual({ total: BUDGET * 100, spent: 0 });
    const request = await harness.db.accessRequest.findUniqueOrThrow({
      where: { id: requestId },
      select: { analysisCredits: true },
    });
    expect(request.analysisCredits).toBe(8);
  });

  it("offers the builder the cohort's variables, t, ε left and credits, writing nothing", async () => {
    const before = await writes();
    const catalogue = await harness.callerFor(researcher).analyses.catalogue({ requestId });
    expect(catalogue.variables).toEqual([
      { name: "arm", type: "categorical", plausible: null },
      { name: "hba1c_pct", type: "numeric", plausible: { min: 5.9, max: 7.4 } },
      // The de-identification classed the pseudonym a category, so the run takes it too.
      { name: "pseudonym", type: "categorical", plausible: null },
    ]);
    expect(catalogue.threshold).toBe(5);
    expect(catalogue.creditsLeft).toBe(8);
    expect(catalogue.listings).toHaveLength(COHORT);
    expect(catalogue.listings.every((listing) => listing.epsilonLeft === BUDGET)).toBe(true);
    expect(await writes()).toEqual(before);
    expect(await mirror(cohort[0]!.listingId)).toBeNull();
  });

  it("refuses a malformed or unknown analysis before anything is written", async () => {
    const api = harness.callerFor(researcher);
    const before = await writes();
    await expectCode(api.analyses.run({ requestId, spec: { version: 1 } }), "BAD_REQUEST");
    await expectCode(
      api.analyses.run({
        requestId,
        spec: {
          version: 1,
          epsilonCentis: 50,
          query: { kind: "count", by: [{ variable: "etc_passwd", levels: ["a", "b"] }] },
        },
      }),
      "BAD_REQUEST",
      /Unknown variable 'etc_passwd'/,
    );
    expect(await writes()).toEqual(before);
    expect(await mirror(cohort[0]!.listingId)).toBeNull();
  });

  it("refuses another researcher's request and job, writing nothing", async () => {
    const intruder = await harness.createUser("RESEARCHER");
    const api = harness.callerFor(intruder);
    const before = await writes();
    await expectCode(api.analyses.run({ requestId, spec: TOTAL_COUNT(200) }), "NOT_FOUND");
    await expectCode(api.analyses.list({ requestId }), "NOT_FOUND");
    // The catalogue would tell an intruder the cohort's variables and ranges.
    await expectCode(api.analyses.catalogue({ requestId }), "NOT_FOUND", /No request of yours/);
    expect(await writes()).toEqual(before);
    const participant = await harness.createUser("PARTICIPANT");
    await expectCode(
      harness.callerFor(participant).analyses.run({ requestId, spec: TOTAL_COUNT(200) }),
      "FORBIDDEN",
    );
    await expectCode(harness.callerFor(participant).analyses.catalogue({ requestId }), "FORBIDDEN");
  });

  let firstJob: string;
  it("shows a result only once its charge is on chain, and charges each listing once", async () => {
    const api = harness.callerFor(researcher);
    const { jobId, excluded } = await api.analyses.run({ requestId, spec: TOTAL_COUNT(200) });
    firstJob = jobId;
    expect(excluded).toEqual([]);
    const pending = await api.analyses.get({ jobId });
    expect(pending.status).toBe("CHARGING");
    expect(pending.output).toBeNull();
    expect(await mirror(cohort[0]!.listingId)).toMatchObject({ reservedCentis: 200 });
    await expectCode(
      harness.callerFor(await harness.createUser("RESEARCHER")).analyses.get({ jobId }),
      "NOT_FOUND",
    );

    await harness.settle();
    const released = await api.analyses.get({ jobId });
    expect(released.status).toBe("RELEASED");
    expect(released.output).toMatchObject({ kind: "count" });
    for (const { listingId, chainKey } of cohort) {
      expect(await budgetOnChain(chainKey)).toEqual({ total: 400, spent: 200 });
      expect(await mirror(listingId)).toEqual({
        totalCentis: 400,
        spentCentis: 200,
        reservedCentis: 0,
      });
    }
  });

  it("a replayed charge is refused on chain and counted once", async () => {
    const row = await harness.db.chainOutbox.findFirstOrThrow({
      where: { kind: "analysis.record", entityId: firstJob },
      select: { payload: true, signer: true },
    });
    await harness.db.chainOutbox.create({
      data: {
        kind: "analysis.record",
        entityId: firstJob,
        idempotencyKey: `analysis.record:${firstJob}:replay`,
        signer: row.signer,
        payload: row.payload as object,
      },
    });
    await harness.settle();
    // A refused row keeps its key under a "failed:" prefix (outbox-worker.ts).
    const replay = await harness.db.chainOutbox.findFirstOrThrow({
      where: { idempotencyKey: { endsWith: `analysis.record:${firstJob}:replay` } },
      select: { status: true, lastError: true },
    });
    expect(replay.status).toBe("FAILED");
    expect(replay.lastError).toMatch(/AnalysisAlreadyRecorded/);
    const job = await harness.callerFor(researcher).analyses.get({ jobId: firstJob });
    expect(job.status).toBe("RELEASED");
    expect(await budgetOnChain(cohort[0]!.chainKey)).toEqual({ total: 400, spent: 200 });
    expect(await mirror(cohort[0]!.listingId)).toMatchObject({ spentCentis: 200 });
  });

  it("each owner is paid once for the analysis that used their listing; a replayed settlement is refused", async () => {
    const paid = await harness.db.analysisListing.findMany({
      where: { jobId: firstJob },
      select: {
        creditedWei: true,
        settledAt: true,
        listing: { select: { ownerAddress: true, owner: { select: { walletAddress: true } } } },
      },
    });
    expect(paid).toHaveLength(COHORT);
    const balances = new Map<string, bigint>();
    for (const row of paid) {
      expect(row.settledAt).not.toBeNull();
      const credited = BigInt(row.creditedWei!.toFixed(0));
      expect(credited).toBeGreaterThan(0n);
      const owner = row.listing.ownerAddress ?? row.listing.owner.walletAddress;
      // Nothing else has paid these owners yet (the request's own items wait for its window).
      const balance = await harness.chain.contracts.marketplace.balanceOf(owner);
      expect(balance).toBe(credited);
      balances.set(owner, balance);
    }
    expect(await harness.db.payout.count({ where: { kind: "ANALYSIS_CREDIT", requestId } })).toBe(
      COHORT,
    );

    const settle = await harness.db.chainOutbox.findFirstOrThrow({
      where: { kind: "analysis.settle", entityId: firstJob, status: "CONFIRMED" },
      select: { payload: true, signer: true },
    });
    await harness.db.chainOutbox.create({
      data: {
        kind: "analysis.settle",
        entityId: firstJob,
        idempotencyKey: `analysis.settle:${firstJob}:replay`,
        signer: settle.signer,
        payload: settle.payload as object,
      },
    });
    await harness.settle();
    const replay = await harness.db.chainOutbox.findFirstOrThrow({
      where: { idempotencyKey: { endsWith: `analysis.settle:${firstJob}:replay` } },
      select: { status: true, lastError: true },
    });
    expect(replay.status).toBe("FAILED");
    expect(replay.lastError).toMatch(/AlreadySettled/);
    for (const [owner, balance] of balances)
      expect(await harness.chain.contracts.marketplace.balanceOf(owner)).toBe(balance);
    expect(await harness.db.payout.count({ where: { kind: "ANALYSIS_CREDIT", requestId } })).toBe(
      COHORT,
    );
  });

  it("tells each owner their data was analysed and paid, and the researcher the result is ready", async () => {
    await collectNotifications(harness.db);
    const [owner] = owners;
    const ownerKinds = await harness.db.notification.findMany({
      where: { userId: owner!.id },
      select: { kind: true, body: true },
    });
    expect(ownerKinds.map((row) => row.kind)).toEqual(
      expect.arrayContaining(["data.analysed", "payment.arrived"]),
    );
    expect(ownerKinds.find((row) => row.kind === "data.analysed")?.body).toMatch(/ε 2\.00/);
    const researcherKinds = await harness.db.notification.findMany({
      where: { userId: researcher.id },
      select: { kind: true },
    });
    expect(researcherKinds.map((row) => row.kind)).toContain("analysis.released");
    // Collecting again (another server, a restart) adds nothing.
    expect(await collectNotifications(harness.db)).toBe(0);
    // No title, variable or value of the analysed data in any text.
    const texts = await harness.db.notification.findMany({ select: { title: true, body: true } });
    for (const text of texts) expect(`${text.title} ${text.body}`).not.toMatch(/hba1c|\barm\b/i);
  });

  it("consent revoked while the charge waits: the chain refuses, nothing is released, the ε comes back", async () => {
    const api = harness.callerFor(researcher);
    const { jobId } = await api.analyses.run({ requestId, spec: TOTAL_COUNT(200) });
    const sealed = await harness.db.analysisJob.findUniqueOrThrow({
      where: { id: jobId },
      select: { outputBlobKey: true },
    });
    // The charge lags (a busy outbox) while the last owner revokes: the revocation lands first.
    await harness.db.chainOutbox.updateMany({
      where: { kind: "analysis.record", entityId: jobId },
      data: { availableAt: new Date(Date.now() + 3_600_000) },
    });
    await harness.act(owners[COHORT - 1]!, {
      type: "listing.revokeConsent",
      listingId: cohort[COHORT - 1]!.listingId,
    });
    await harness.settle();
    await harness.db.chainOutbox.updateMany({
      where: { kind: "analysis.record", entityId: jobId },
      data: { availableAt: new Date() },
    });
    await harness.settle();
    const refused = await api.analyses.get({ jobId });
    expect(refused.status).toBe("REFUSED");
    expect(refused.reason).toMatch(/consent ended/);
    expect(refused.output).toBeNull();
    await expect(getBlob(sealed.outputBlobKey!)).rejects.toThrow();
    for (const { listingId, chainKey } of cohort) {
      expect(await budgetOnChain(chainKey)).toEqual({ total: 400, spent: 200 });
      expect(await mirror(listingId)).toMatchObject({ spentCentis: 200, reservedCentis: 0 });
    }
  });

  it("a crash between the run and the seal is swept: nothing charged, the ε comes back", async () => {
    const plan = await prepareAnalysis({
      db: harness.db,
      chain: harness.chain,
      researcher,
      requestId,
      spec: TOTAL_COUNT(200),
    });
    const { jobId } = await reserveAnalysis(harness.db, plan, researcher.id);
    expect(await mirror(cohort[0]!.listingId)).toMatchObject({ reservedCentis: 200 });
    // Not yet stale: a job may still be waiting for the engine.
    expect(await sweepStaleAnalyses({ db: harness.db })).toBe(0);
    expect(
      await sweepStaleAnalyses({ db: harness.db, now: new Date(Date.now() + 3_600_000) }),
    ).toBe(1);
    const swept = await harness.callerFor(researcher).analyses.get({ jobId });
    expect(swept.status).toBe("FAILED");
    expect(await mirror(cohort[0]!.listingId)).toMatchObject({
      spentCentis: 200,
      reservedCentis: 0,
    });
    expect(await harness.db.chainOutbox.count({ where: { entityId: jobId } })).toBe(0);
  });

  it("a runaway, crashing or malformed analysis is stopped and charges nothing", async () => {
    const folder = await mkdtemp(path.join(tmpdir(), "analysis-probes-"));
    const probes = path.join(folder, "probes.mjs");
    await buildAnalysisRunner({ outfile: probes, probes: true });
    const configured = process.env.ANALYSIS_TIMEOUT_MS;
    try {
      // Only the loop meets the time limit: a child that starts slowly on a busy machine must
      // still reach its crash or its garbage answer, so those two run with a generous limit.
      for (const [probe, message, timeoutMs] of [
        ["loop", /ran longer than/, "1500"],
        ["exit", /failed/, "120000"],
        ["garbage", /failed/, "120000"],
      ] as const) {
        process.env.ANALYSIS_TIMEOUT_MS = timeoutMs;
        resetEnvCache();
        const before = await harness.db.chainOutbox.count({ where: { kind: "analysis.record" } });
        const failed = runAnalysis({
          db: harness.db,
          chain: harness.chain,
          researcher,
          requestId,
          spec: TOTAL_COUNT(200),
          engine: (input) =>
            runAnalysisJob({ ...input, bundlePath: probes, probe: { name: probe } }),
        });
        await expect(failed).rejects.toThrow(message);
        const job = await harness.db.analysisJob.findFirstOrThrow({
          where: { requestId },
          orderBy: { createdAt: "desc" },
          select: { status: true, reason: true },
        });
        expect(job.status).toBe("FAILED");
        expect(job.reason).toMatch(message);
        expect(await mirror(cohort[0]!.listingId)).toMatchObject({
          spentCentis: 200,
          reservedCentis: 0,
        });
        expect(await harness.db.chainOutbox.count({ where: { kind: "analysis.record" } })).toBe(
          before,
        );
      }
    } finally {
      if (configured === undefined) delete process.env.ANALYSIS_TIMEOUT_MS;
      else process.env.ANALYSIS_TIMEOUT_MS = configured;
      resetEnvCache();
      await rm(folder, { recursive: true, force: true });
    }
    await harness.settle();
    expect(await budgetOnChain(cohort[0]!.chainKey)).toEqual({ total: 400, spent: 200 });
  });

  it("four concurrent runs for the last ε 2.00: exactly one is charged", async () => {
    const api = harness.callerFor(researcher);
    const outcomes = await Promise.allSettled(
      Array.from({ length: 4 }, () => api.analyses.run({ requestId, spec: TOTAL_COUNT(200) })),
    );
    const won = outcomes.filter((outcome) => outcome.status === "fulfilled");
    const lost = outcomes.filter((outcome) => outcome.status === "rejected");
    expect(won).toHaveLength(1);
    // The listing whose consent ended is left out and named.
    expect(won[0]!.value.excluded).toEqual([
      expect.objectContaining({ reason: expect.stringMatching(/consent has ended/) as unknown }),
    ]);
    for (const outcome of lost) expect(String(outcome.reason)).toMatch(/budget is spent/);
    await harness.settle();
    for (const { listingId, chainKey } of cohort.slice(0, COHORT - 1)) {
      expect(await budgetOnChain(chainKey)).toEqual({ total: 400, spent: 400 });
      expect(await mirror(listingId)).toEqual({
        totalCentis: 400,
        spentCentis: 400,
        reservedCentis: 0,
      });
    }
    expect(await budgetOnChain(cohort[COHORT - 1]!.chainKey)).toEqual({ total: 400, spent: 200 });
    const jobs = await api.analyses.list({ requestId });
    expect(jobs.filter((job) => job.status === "RELEASED")).toHaveLength(2);
  });

  it("asks for more ε than is left: a clear error naming the listings, nothing written", async () => {
    const before = await writes();
    await expectCode(
      harness.callerFor(researcher).analyses.run({ requestId, spec: TOTAL_COUNT(5) }),
      "CONFLICT",
      /privacy budget is spent \(ε 0\.00 left, ε 0\.05 asked\)/,
    );
    expect(await writes()).toEqual(before);
  });
});

describe("compute-to-data: requests that may not analyse", () => {
  it("a request whose item awaits approval is refused, nothing written", async () => {
    const { listingId } = await publishListing({ epsilonBudget: BUDGET, autoApprove: false });
    await harness.settle();
    const other = await createResearcher();
    const pending = await requestAccess(other, [listingId]);
    const before = await writes();
    await expectCode(
      harness.callerFor(other).analyses.run({ requestId: pending, spec: TOTAL_COUNT(50) }),
      "FORBIDDEN",
      /approved/,
    );
    await expectCode(
      harness.callerFor(other).analyses.catalogue({ requestId: pending }),
      "FORBIDDEN",
      /approved/,
    );
    expect(await writes()).toEqual(before);
  });

  it("a listing whose owner revoked consent is left out and named; none left, nothing written", async () => {
    const { participant, listingId } = await publishListing({ epsilonBudget: BUDGET });
    await harness.settle();
    const other = await createResearcher();
    const request = await requestAccess(other, [listingId]);
    await buyAnalyses(other, request, 1);
    await harness.act(participant, { type: "listing.revokeConsent", listingId });
    await harness.settle();
    const before = await writes();
    await expectCode(
      harness.callerFor(other).analyses.run({ requestId: request, spec: TOTAL_COUNT(50) }),
      "CONFLICT",
      /consent has ended/,
    );
    // The builder offers nothing from a listing whose consent ended.
    const catalogue = await harness.callerFor(other).analyses.catalogue({ requestId: request });
    expect(catalogue.listings).toEqual([
      expect.objectContaining({ usable: false, epsilonLeft: 0 }),
    ]);
    expect(catalogue.variables).toEqual([]);
    expect(await writes()).toEqual(before);
    expect(
      await budgetOnChain(
        (
          await harness.db.listing.findUniqueOrThrow({
            where: { id: listingId },
            select: { chainKey: true },
          })
        ).chainKey,
      ),
    ).toEqual({ total: 400, spent: 0 });
  });

  it("a grouping that leaves every cell suppressed is refused free 10 times per request, even when raced; then charged", async () => {
    const { listingId } = await publishListing({ epsilonBudget: BUDGET });
    await harness.settle();
    const other = await createResearcher();
    const request = await requestAccess(other, [listingId]);
    await buyAnalyses(other, request, 4);
    const { chainKey } = await harness.db.listing.findUniqueOrThrow({
      where: { id: listingId },
      select: { chainKey: true },
    });
    const [, recordsBefore] = await writes();
    // Three records split by arm (2 and 1): both cells under the owner's minimum of 5.
    const byArm = {
      version: 1,
      epsilonCentis: 50,
      query: { kind: "count", by: [{ variable: "arm", levels: ["A", "B"] }] },
    };
    const run = () => harness.callerFor(other).analyses.run({ requestId: request, spec: byArm });
    for (let attempt = 1; attempt <= 8; attempt++)
      await expectCode(run(), "BAD_REQUEST", /Every cell would be suppressed.*Nothing was charged/);
    await harness.settle();
    expect((await writes())[1]).toBe(recordsBefore);
    expect(await budgetOnChain(chainKey)).toEqual({ total: 400, spent: 0 });
    expect(await mirror(listingId)).toMatchObject({ spentCentis: 0, reservedCentis: 0 });

    // The attacker races four at once for the last two free refusals: only two are free. The
    // engine holds each answer until all four have one, so their refusals really meet.
    let arrived = 0;
    let openGate!: () => void;
    const gate = new Promise<void>((resolve) => (openGate = resolve));
    const heldEngine: typeof runAnalysisJob = async (input) => {
      const result = await runAnalysisJob(input);
      if (++arrived === 4) openGate();
      await gate;
      return result;
    };
    const raced = await Promise.allSettled(
      Array.from({ length: 4 }, () =>
        runAnalysis({
          db: harness.db,
          chain: harness.chain,
          researcher: { id: other.id, role: "RESEARCHER" },
          requestId: request,
          spec: byArm,
          engine: heldEngine,
        }),
      ),
    );
    expect(raced.filter((outcome) => outcome.status === "rejected")).toHaveLength(2);
    const charged = raced.flatMap((outcome) =>
      outcome.status === "fulfilled" ? [outcome.value.jobId] : [],
    );
    expect(charged).toHaveLength(2);
    await harness.settle();
    const jobs = await harness.db.analysisJob.groupBy({
      by: ["status"],
      where: { requestId: request },
      _count: true,
    });
    expect(Object.fromEntries(jobs.map((row) => [row.status, row._count]))).toEqual({
      REFUSED_EMPTY: 10,
      RELEASED: 2,
    });
    expect(await budgetOnChain(chainKey)).toEqual({ total: 400, spent: 100 });
    for (const jobId of charged) {
      const job = await harness.callerFor(other).analyses.get({ jobId });
      expect(job.status).toBe("RELEASED");
      expect((job.output as { cells: unknown[] }).cells.every((cell) => cell === null)).toBe(true);
    }
  });

  it("a record altered in storage after anchoring: refused, nothing written, the ε stays", async () => {
    const { listingId } = await publishListing({ epsilonBudget: BUDGET });
    await harness.settle();
    const other = await createResearcher();
    const request = await requestAccess(other, [listingId]);
    await buyAnalyses(other, request, 1);
    const listing = await harness.db.listing.findUniqueOrThrow({
      where: { id: listingId },
      select: { blobKey: true, chainKey: true },
    });
    // An insider swaps in a file where one participant's last value is changed.
    const text = (await getBlob(listing.blobKey!)).toString("utf8");
    const changed = text.replace(/\d(?=\D*$)/, (digit) => String((Number(digit) + 1) % 10));
    expect(changed).not.toBe(text);
    const altered = await putBlob(Buffer.from(changed, "utf8"));
    await harness.db.listing.update({ where: { id: listingId }, data: { blobKey: altered } });
    const before = await writes();
    await expectCode(
      harness.callerFor(other).analyses.run({ requestId: request, spec: TOTAL_COUNT(50) }),
      "CONFLICT",
      /no longer matches its anchored root; nothing was run or charged/,
    );
    expect(await writes()).toEqual(before);
    expect(await budgetOnChain(listing.chainKey)).toEqual({ total: 400, spent: 0 });
  });

  it("a request without analysis credits is refused, nothing written", async () => {
    const { listingId } = await publishListing({ epsilonBudget: BUDGET });
    await harness.settle();
    const other = await createResearcher();
    const request = await requestAccess(other, [listingId]);
    const before = await writes();
    await expectCode(
      harness.callerFor(other).analyses.run({ requestId: request, spec: TOTAL_COUNT(50) }),
      "FORBIDDEN",
      /credit/,
    );
    expect(await writes()).toEqual(before);
  });
});

describe("compute-to-data: two researchers race for the same listings", () => {
  it("both ask for the last ε at once: exactly one is charged, the other told", async () => {
    const listings: { listingId: string }[] = [];
    for (let index = 0; index < COHORT; index++)
      listings.push(await publishListing({ epsilonBudget: 2 }));
    await harness.settle();
    const ids = listings.map((entry) => entry.listingId);
    const [first, second] = [await createResearcher(), await createResearcher()];
    const requests = [await requestAccess(first, ids), await requestAccess(second, ids)];
    await buyAnalyses(first, requests[0]!, 1);
    await buyAnalyses(second, requests[1]!, 1);
    const outcomes = await Promise.allSettled([
      harness.callerFor(first).analyses.run({ requestId: requests[0]!, spec: TOTAL_COUNT(200) }),
      harness.callerFor(second).analyses.run({ requestId: requests[1]!, spec: TOTAL_COUNT(200) }),
    ]);
    expect(outcomes.filter((outcome) => outcome.status === "fulfilled")).toHaveLength(1);
    const lost = outcomes.find((outcome) => outcome.status === "rejected");
    expect(String(lost?.reason)).toMatch(/budget is spent/);
    await harness.settle();
    const keys = await harness.db.listing.findMany({
      where: { id: { in: ids } },
      select: { id: true, chainKey: true },
    });
    for (const { id, chainKey } of keys) {
      expect(await budgetOnChain(chainKey)).toEqual({ total: 200, spent: 200 });
      expect(await mirror(id)).toEqual({ totalCentis: 200, spentCentis: 200, reservedCentis: 0 });
    }
    const charged = await harness.db.analysisJob.count({
      where: { requestId: { in: requests }, status: "RELEASED" },
    });
    expect(charged).toBe(1);
  }, 600_000);
});

describe("compute-to-data: buying analyses with no allowance", () => {
  const spender = () => harness.chain.deployment.contracts.DataMarketplace;
  const fundWrites = (requestId: string) =>
    harness.db.chainOutbox.findMany({
      where: { entityId: requestId, kind: { in: ["token.permit", "analysis.fund"] } },
      orderBy: { id: "asc" },
      select: { kind: true, status: true, payload: true },
    });

  it("the permit is relayed on its own just before the purchase; a copied, front-run permit blocks nothing", async () => {
    const { listingId } = await publishListing({ epsilonBudget: 5 });
    await harness.settle();
    const researcher = await createResearcher();
    const requestId = await requestAccess(researcher, [listingId]);
    const { chainKey } = await harness.db.accessRequest.findUniqueOrThrow({
      where: { id: requestId },
      select: { chainKey: true },
    });
    const { token, marketplace } = harness.chain.contracts;
    // The request's own permit was for exactly its escrow: nothing is left allowed.
    expect(await token.allowance(researcher.walletAddress, spender())).toBe(0n);

    await harness.act(researcher, { type: "analysis.fund", requestId, count: 2 });
    await harness.settle();
    expect((await marketplace.analysisCredits(chainKey))[0]).toBe(2n);
    expect((await fundWrites(requestId)).map(({ kind, status }) => [kind, status])).toEqual([
      ["token.permit", "CONFIRMED"],
      ["analysis.fund", "CONFIRMED"],
    ]);

    // Someone copies the queued permit and sends it first from their own account: the relayed
    // copy is refused (its nonce is used), the purchase still goes through, nothing is lost.
    await harness.act(researcher, { type: "analysis.fund", requestId, count: 1 });
    const queued = (await fundWrites(requestId)).filter((row) => row.status === "PENDING");
    expect(queued.map((row) => row.kind)).toEqual(["token.permit", "analysis.fund"]);
    const stranger = Wallet.createRandom().connect(harness.chain.provider);
    await harness.chain.provider.send("anvil_setBalance", [stranger.address, "0x8AC7230489E80000"]);
    const copied = (queued[0]!.payload as { data: string }).data;
    await (await stranger.sendTransaction({ to: await token.getAddress(), data: copied })).wait();
    await harness.settle();
    expect((await marketplace.analysisCredits(chainKey))[0]).toBe(3n);
    const last = (await fundWrites(requestId)).slice(-2);
    expect(last.map(({ kind, status }) => [kind, status])).toEqual([
      ["token.permit", "FAILED"],
      ["analysis.fund", "CONFIRMED"],
    ]);
    // The allowance was for exactly what was bought: nothing more can be pulled.
    expect(await token.allowance(researcher.walletAddress, spender())).toBe(0n);
  });

  it("a browser wallet's purchase that fails on chain ends the permit queued for the next one, which is not relayed; signing again works", async () => {
    const { listingId } = await publishListing({ epsilonBudget: 5 });
    await harness.settle();
    const { user, wallet } = await harness.createWalletUser("RESEARCHER");
    await harness.mintTokens(wallet.address, parseUnits("1000", 18));
    const requestId = await requestAccess(user, [listingId], wallet);
    const { token, marketplace } = harness.chain.contracts;
    const permitNonce = await token.nonces(wallet.address);

    // Two purchases queued before either goes out, each with its permit; the first purchase was
    // signed wrongly and reverts, so the second (signed for the nonce after it) is ended.
    await harness.act(user, { type: "analysis.fund", requestId, count: 1 }, wallet);
    await harness.act(user, { type: "analysis.fund", requestId, count: 3 }, wallet);
    const first = await harness.db.chainOutbox.findFirstOrThrow({
      where: { entityId: requestId, kind: "analysis.fund" },
      orderBy: { id: "asc" },
      select: { id: true, payload: true },
    });
    const payload = first.payload as { request: { deadline: number } };
    payload.request.deadline -= 1;
    await harness.db.chainOutbox.update({ where: { id: first.id }, data: { payload } });
    await harness.settle();
    expect((await fundWrites(requestId)).map(({ kind, status }) => [kind, status])).toEqual([
      ["token.permit", "CONFIRMED"],
      ["analysis.fund", "FAILED"],
      ["token.permit", "FAILED"],
      ["analysis.fund", "FAILED"],
    ]);
    // The ended purchase's permit never reached the chain: its nonce is unused.
    expect(await token.nonces(wallet.address)).toBe(permitNonce + 1n);

    // Signing again works: the new permit takes the unused nonce (its key was freed).
    await harness.act(user, { type: "analysis.fund", requestId, count: 3 }, wallet);
    await harness.settle();
    const { chainKey } = await harness.db.accessRequest.findUniqueOrThrow({
      where: { id: requestId },
      select: { chainKey: true },
    });
    expect((await marketplace.analysisCredits(chainKey))[0]).toBe(3n);
    expect(await token.nonces(wallet.address)).toBe(permitNonce + 2n);
  });
});
