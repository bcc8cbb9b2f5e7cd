import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_TRIAL_REGISTRY_ID } from "~/server/seed/demo-accounts";
import { seedDemo } from "~/server/seed/seed-demo";
import { runAudit } from "~/server/services/audit/run-audit";
import { createManagedWallet } from "~/server/services/users/managed-wallet";
import { expectCode } from "./expect-code";
import { createHarness, type Harness } from "./harness";

/** The demo data a newcomer first sees must be a real, auditable trial history. */
let harness: Harness;
let deploymentsDir: string;

beforeAll(async () => {
  deploymentsDir = await mkdtemp(path.join(tmpdir(), "seed-test-"));
  harness = await createHarness({ deploymentsDir });
});

afterAll(async () => {
  await harness.close();
  await rm(deploymentsDir, { recursive: true, force: true });
});

describe("demo seed", () => {
  it("gives the demo trial enrolment, listings, a request and a data use that pass the audit", async () => {
    const { db, chain } = harness;
    expect(await seedDemo({ db, chain })).toEqual({ isSeeded: true });

    const items = await db.accessRequestItem.findMany({ select: { status: true } });
    expect(items.map((item) => item.status).sort()).toEqual(["APPROVED", "PENDING"]);
    expect(await db.enrollment.count()).toBe(1);
    expect(await db.dataUse.count()).toBe(1);
    expect(await db.chainOutbox.count({ where: { status: { in: ["PENDING", "FAILED"] } } })).toBe(
      0,
    );

    const report = await runAudit({ db, chain, trial: DEMO_TRIAL_REGISTRY_ID });
    expect(report.checks.map((check) => [check.name, check.passed, check.failures])).toEqual([
      ["integrity", true, []],
      ["consent", true, []],
      ["money", true, []],
      ["database", true, []],
      ["analyses", true, []],
    ]);
  });

  it("lets auditors audit any trial through the API, sponsors only their own", async () => {
    const { db } = harness;
    const userOf = (role: "AUDITOR" | "SPONSOR" | "RESEARCHER") =>
      db.user.findFirstOrThrow({
        where: { role },
        select: { id: true, role: true, walletAddress: true, displayName: true },
      });
    const trial = await db.trial.findUniqueOrThrow({
      where: { registryId: DEMO_TRIAL_REGISTRY_ID },
    });
    const auditor = harness.callerFor(await userOf("AUDITOR"));
    const report = await auditor.audit.run({ trialId: trial.id });
    expect(report).toMatchObject({ passed: true, trial: { registryId: DEMO_TRIAL_REGISTRY_ID } });
    expect(report.checks.find((check) => check.name === "consent")!.evidence).toMatchObject({
      dataUsesOnChain: 1,
    });
    expect((await auditor.trials.auditable()).map((row) => row.id)).toEqual([trial.id]);
    const sponsor = harness.callerFor(await userOf("SPONSOR"));
    expect((await sponsor.audit.run({ trialId: trial.id })).passed).toBe(true);

    const otherSponsor = await db.user.create({
      data: { role: "SPONSOR", displayName: "Other sponsor", ...createManagedWallet() },
      select: { id: true, role: true, walletAddress: true, displayName: true },
    });
    await expectCode(
      harness.callerFor(otherSponsor).audit.run({ trialId: trial.id }),
      "FORBIDDEN",
      /trial's sponsor/,
    );
    expect(await harness.callerFor(otherSponsor).trials.auditable()).toEqual([]);
    await expectCode(
      harness.callerFor(await userOf("RESEARCHER")).audit.run({ trialId: trial.id }),
      "FORBIDDEN",
    );
    await expectCode(harness.callerFor(null).audit.run({ trialId: trial.id }), "UNAUTHORIZED");
    await expectCode(auditor.audit.run({ trialId: "no-such-trial" }), "NOT_FOUND");
  });

  it("does nothing the second time", async () => {
    const { db, chain } = harness;
    const users = await db.user.count();
    expect(await seedDemo({ db, chain })).toEqual({ isSeeded: false });
    expect(await db.user.count()).toBe(users);
  });
});
