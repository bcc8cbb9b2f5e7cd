import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { keccak256, MaxUint256, parseUnits, toUtf8Bytes } from "ethers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getEnv } from "~/env";
import { runAudit } from "~/server/services/audit/run-audit";
import { registerTrial } from "~/server/services/trials/register-trial";
import { keyOfAccount } from "~/server/services/users/derived-accounts";
import { createManagedWallet } from "~/server/services/users/managed-wallet";
import type { SessionUser } from "~/server/session";
import { getBlob, putBlob } from "~/server/storage/blob-store";
import { expectCode } from "./expect-code";
import { createHarness, listingInput, type Harness } from "./harness";
import { runVerify, verifySummary } from "./verify-cli";

/**
 * Compute-to-data as an auditor and a tamperer see it (docs/compute-to-data.md §5, §6.1):
 * the audit's fifth check passes on honest analyses and names the analysis or listing when a
 * released output, its hash or the database's budget is changed after the fact; `verify
 * analysis` accepts the released file and refuses an edited one.
 */
let harness: Harness;
let work: string;
let trialRegistryId: string;
let researcher: SessionUser;
let requestId: string;
const cohort: { participant: SessionUser; listingId: string }[] = [];
const jobs: { id: string; chainKey: string; outputBlobKey: string; outputHash: string }[] = [];

/** 20 listings: a whole-cohort count at ε 2.00 clears the noisy threshold (τ ≈ 14). */
const COHORT = 20;
const TOTAL_COUNT = { version: 1, epsilonCentis: 200, query: { kind: "count", by: [] } };

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), "analysis-audit-"));
  harness = await createHarness({
    pgliteDir: path.join(work, "pglite"),
    deploymentsDir: path.join(work, "deployments"),
  });
  const { db, chain } = harness;
  const sponsor = await db.user.create({
    data: { role: "SPONSOR", displayName: "Sponsor", ...createManagedWallet() },
    select: { id: true },
  });
  trialRegistryId = `C2D-AUDIT-${Date.now()}`;
  const trial = await registerTrial({
    db,
    chain,
    sponsorId: sponsor.id,
    input: {
      registryId: trialRegistryId,
      title: "Analysed trial",
      phase: "Phase 2",
      conditions: ["Type 2 diabetes"],
      sites: [],
      protocolDocumentName: "p.pdf",
      protocolHash: keccak256(toUtf8Bytes("analysed protocol")),
    },
  });
  await harness.settle();
  for (let index = 0; index < COHORT; index++) {
    const participant = await harness.createUser("PARTICIPANT");
    await harness.enroll(participant, trial.id);
    const upload = await harness.upload(
      participant,
      `pseudonym,arm,hba1c_pct\nS-1,A,6.${index % 10}\nS-2,B,7.4`,
    );
    const { id } = await harness.callerFor(participant).listings.createDraft(
      listingInput(upload.id, {
        trialId: trial.id,
        price: "2",
        epsilonBudget: 5,
        minCellCount: 5,
      }),
    );
    await harness.act(participant, { type: "listing.publish", listingId: id });
    cohort.push({ participant, listingId: id });
  }
  await harness.settle();
  researcher = await harness.createUser("RESEARCHER");
  await harness.mintTokens(researcher.walletAddress, parseUnits("1000", 18));
  const draft = await harness.callerFor(researcher).requests.createDraft({
    listingIds: cohort.map((entry) => entry.listingId),
    purpose: "ACADEMIC_RESEARCH",
    planText: "Counting an analysed trial where its data lives.",
    accessDays: 30,
  });
  requestId = draft.id;
  await harness.act(researcher, { type: "request.create", requestId });
  await harness.settle();
  const wallet = (await keyOfAccount(db, researcher.id, researcher.walletAddress)).connect(
    chain.provider,
  );
  await chain.provider.send("anvil_setBalance", [wallet.address, "0x8AC7230489E80000"]);
  await (
    await chain.contracts.token
      .connect(wallet)
      .approve(chain.deployment.contracts.DataMarketplace, MaxUint256)
  ).wait();
  await harness.act(researcher, { type: "analysis.fund", requestId, count: 4 });
  await harness.settle();
  for (let run = 0; run < 2; run++) {
    const { jobId } = await harness
      .callerFor(researcher)
      .analyses.run({ requestId, spec: TOTAL_COUNT });
    await harness.settle();
    const job = await db.analysisJob.findUniqueOrThrow({
      where: { id: jobId },
      select: { id: true, chainKey: true, status: true, outputBlobKey: true, outputHash: true },
    });
    expect(job.status).toBe("RELEASED");
    jobs.push({
      id: job.id,
      chainKey: job.chainKey,
      outputBlobKey: job.outputBlobKey!,
      outputHash: job.outputHash!,
    });
  }
  // The app settles each released analysis by itself (settle-analyses.ts): both are paid.
  await harness.settle();
}, 900_000);

afterAll(async () => {
  await harness.close();
  await rm(work, { recursive: true, force: true });
});

async function analysesCheck() {
  const report = await runAudit({ db: harness.db, chain: harness.chain, trial: trialRegistryId });
  return { report, check: report.checks.find((check) => check.name === "analyses")! };
}

/** Applies `change` to a job's row, runs `test`, and puts the row back. */
async function withJobChanged(
  jobId: string,
  change: { outputBlobKey?: string; outputHash?: string },
  test: () => Promise<void>,
) {
  const before = await harness.db.analysisJob.findUniqueOrThrow({
    where: { id: jobId },
    select: { outputBlobKey: true, outputHash: true },
  });
  await harness.db.analysisJob.update({ where: { id: jobId }, data: change });
  try {
    await test();
  } finally {
    await harness.db.analysisJob.update({ where: { id: jobId }, data: before });
  }
}

/** The released file of a job with its total count raised by 6 (one rounding step). */
async function alteredOutput(blobKey: string) {
  const document = JSON.parse((await getBlob(blobKey)).toString("utf8")) as {
    output: { cells: number[] };
  };
  expect(document.output.cells[0]).toBeGreaterThan(0);
  document.output.cells[0]! += 6;
  return JSON.stringify(document);
}

describe("the audit's fifth check: analyses", () => {
  it("passes every check, the fifth included, for honest analyses", async () => {
    const { report, check } = await analysesCheck();
    expect(report.checks.map((each) => [each.name, each.passed, each.failures])).toEqual([
      ["integrity", true, []],
      ["consent", true, []],
      ["money", true, []],
      ["database", true, []],
      ["analyses", true, []],
    ]);
    expect(check.evidence).toMatchObject({ analysesOnChain: 2, listingsCharged: COHORT });
    // Both analyses were paid by the app's settlement: each owner's share of each left escrow.
    expect(report.checks[2]!.evidence).toMatchObject({ paidAnalysisItems: 2 * COHORT });
  });

  it("fails, naming the analysis, when a released output is altered in the database", async () => {
    const job = jobs[0]!;
    const tamperedKey = await putBlob(Buffer.from(await alteredOutput(job.outputBlobKey)));
    await withJobChanged(job.id, { outputBlobKey: tamperedKey }, async () => {
      const { report, check } = await analysesCheck();
      expect(report.passed).toBe(false);
      expect(check.failures).toEqual([
        `analysis ${job.chainKey} (job ${job.id}): its released output file does not hash to the recorded ${job.outputHash}`,
      ]);
    });
    // Rewriting the database's hash to the altered file's does not help: the chain decides.
    await withJobChanged(
      job.id,
      { outputBlobKey: tamperedKey, outputHash: keccak256(await getBlob(tamperedKey)) },
      async () => {
        const { check } = await analysesCheck();
        expect(check.failures).toHaveLength(1);
        expect(check.failures[0]).toMatch(
          new RegExp(`^analysis ${job.chainKey} \\(job ${job.id}\\): the database's output hash`),
        );
      },
    );
    await withJobChanged(job.id, { outputBlobKey: "missing-blob-key" }, async () => {
      const { check } = await analysesCheck();
      expect(check.failures).toEqual([
        `analysis ${job.chainKey} (job ${job.id}): its released output file is missing`,
      ]);
    });
  });

  it("fails, naming the listing, when the database claims less ε spent than the chain", async () => {
    const { listingId } = cohort[3]!;
    const listing = await harness.db.listing.findUniqueOrThrow({
      where: { id: listingId },
      select: { chainKey: true },
    });
    const row = await harness.db.privacyBudget.findUniqueOrThrow({
      where: { listingId },
      select: { spentCentis: true },
    });
    expect(row.spentCentis).toBe(400);
    await harness.db.privacyBudget.update({ where: { listingId }, data: { spentCentis: 150 } });
    try {
      const { check } = await analysesCheck();
      expect(check.failures).toEqual([
        `listing ${listingId} (${listing.chainKey.toLowerCase()}): the database shows ε 1.5 spent, the chain ε 4`,
      ]);
    } finally {
      await harness.db.privacyBudget.update({ where: { listingId }, data: row });
    }
  });

  it("fails on a released analysis the chain never recorded", async () => {
    const forged = await harness.db.analysisJob.create({
      data: {
        requestId,
        researcherId: researcher.id,
        chainKey: keccak256(toUtf8Bytes("forged analysis")),
        spec: TOTAL_COUNT,
        epsilonCentis: 10,
        status: "RELEASED",
        outputHash: jobs[0]!.outputHash,
        outputBlobKey: jobs[0]!.outputBlobKey,
        listings: { create: { listingId: cohort[0]!.listingId, itemIndex: 0 } },
      },
      select: { id: true, chainKey: true },
    });
    try {
      const { check } = await analysesCheck();
      expect(check.failures).toEqual([
        `analysis ${forged.chainKey} (job ${forged.id}) is released in the database but was never recorded on chain`,
      ]);
    } finally {
      await harness.db.analysisJob.delete({ where: { id: forged.id } });
    }
    expect((await analysesCheck()).check.passed).toBe(true);
  });
});

describe("npm run verify -- analysis", () => {
  it("accepts the released result file and refuses an edited one, naming why", async () => {
    const job = jobs[1]!;
    const released = (await getBlob(job.outputBlobKey)).toString("utf8");
    const file = path.join(work, "result.json");
    const rpc = ["--rpc", getEnv().CHAIN_RPC_URL];
    // Re-indenting the file keeps its canonical bytes: still the recorded result.
    await writeFile(file, JSON.stringify(JSON.parse(released), null, 2));
    const passing = await runVerify(["analysis", file, ...rpc]);
    expect(passing.code).toBe(0);
    expect(verifySummary(passing.stdout)).toMatchObject({
      analysisId: job.chainKey,
      outputHash: job.outputHash.toLowerCase(),
      epsilon: 2,
      listings: COHORT,
      ok: true,
    });

    await writeFile(file, await alteredOutput(job.outputBlobKey));
    const failing = await runVerify(["analysis", file, ...rpc]);
    expect(failing.code).toBe(1);
    expect(failing.stdout).toMatch(/the result was changed after it was released/);

    // A result claiming an analysis the chain never recorded.
    const forged = { ...(JSON.parse(released) as object), analysisId: keccak256("0x01") };
    await writeFile(file, JSON.stringify(forged));
    const unknown = await runVerify(["analysis", file, ...rpc]);
    expect(unknown.code).toBe(1);
    expect(unknown.stdout).toMatch(/is recorded on chain/);

    await writeFile(file, "{ not json");
    expect((await runVerify(["analysis", file, ...rpc])).code).toBe(2);
    await writeFile(file, released);
    expect((await runVerify(["analysis", file, "--rpc", "http://127.0.0.1:1"])).code).toBe(2);
  });
});

describe("the participant's ledger of analyses", () => {
  it("shows each analysis that used the listing, the ε spent and left, and the payment", async () => {
    const { participant, listingId } = cohort[0]!;
    const ledger = await harness.callerFor(participant).ledger.mine();
    const analyses = ledger.entries.filter((entry) => entry.kind === "ANALYSIS");
    expect(analyses.map((entry) => entry.detail).sort()).toEqual([
      expect.stringMatching(/^a total count: ε 2\.00 used, 1\.00 of 5\.00 left; \+0\.2 TSR paid$/),
      expect.stringMatching(/^a total count: ε 2\.00 used, 3\.00 of 5\.00 left; \+0\.2 TSR paid$/),
    ]);
    expect(analyses.every((entry) => entry.txHash?.startsWith("0x"))).toBe(true);
    expect(analyses[0]!.researcher).toBe(researcher.displayName);
    expect(analyses[0]!.purpose).toBeTruthy();
    expect(ledger.entries.some((entry) => entry.kind === "ANALYSIS_CREDIT")).toBe(true);
    expect(ledger.budgets).toEqual([
      {
        listingId,
        listing: "HbA1c 2021-2023",
        totalCentis: 500,
        spentCentis: 400,
        leftCentis: 100,
        analyses: 2,
      },
    ]);
    const one = await harness.callerFor(participant).ledger.listingBudget({ listingId });
    expect(one.budget).toEqual(ledger.budgets[0]);
    expect(one.analyses).toHaveLength(2);
  });

  it("never shows another participant's listing", async () => {
    const { listingId } = cohort[0]!;
    const neighbour = harness.callerFor(cohort[1]!.participant);
    await expectCode(neighbour.ledger.listingBudget({ listingId }), "NOT_FOUND");
    const own = await neighbour.ledger.mine();
    expect(own.budgets.map((budget) => budget.listingId)).toEqual([cohort[1]!.listingId]);
    expect(own.entries.filter((entry) => entry.kind === "ANALYSIS")).toHaveLength(2);
    const stranger = harness.callerFor(await harness.createUser("PARTICIPANT"));
    await expectCode(stranger.ledger.listingBudget({ listingId }), "NOT_FOUND");
    expect((await stranger.ledger.mine()).budgets).toEqual([]);
    await expectCode(
      harness.callerFor(researcher).ledger.listingBudget({ listingId }),
      "FORBIDDEN",
    );
  });
});

/** Auditors and sponsors do not sign up; they are made by the operator. */
function staffUser(role: "AUDITOR" | "SPONSOR"): Promise<SessionUser> {
  return harness.db.user.create({
    data: { role, displayName: `${role} of the panel test`, ...createManagedWallet() },
    select: { id: true, role: true, walletAddress: true, displayName: true },
  });
}

describe("the auditor's analyses panel", () => {
  it("lists the trial's analyses with their budget use, for auditors and the trial's sponsor only", async () => {
    const auditor = harness.callerFor(await staffUser("AUDITOR"));
    const panel = await auditor.audit.analyses({ trialId: trialRegistryId });
    expect(panel.analyses.map((analysis) => analysis.analysisId).sort()).toEqual(
      jobs.map((job) => job.chainKey).sort(),
    );
    expect(panel.analyses[0]).toMatchObject({
      status: "RELEASED",
      kind: "a total count",
      epsilonCentis: 200,
      listings: COHORT,
      trialListings: COHORT,
    });
    expect(panel.budgets).toHaveLength(COHORT);
    expect(panel.budgets[0]).toMatchObject({
      totalCentis: 500,
      spentCentis: 400,
      databaseSpentCentis: 400,
    });
    const otherSponsor = await staffUser("SPONSOR");
    await expectCode(
      harness.callerFor(otherSponsor).audit.analyses({ trialId: trialRegistryId }),
      "FORBIDDEN",
    );
    await expectCode(
      harness.callerFor(cohort[0]!.participant).audit.analyses({ trialId: trialRegistryId }),
      "FORBIDDEN",
    );
  });
});
