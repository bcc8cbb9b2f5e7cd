import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_TRIAL_REGISTRY_ID } from "~/server/seed/demo-accounts";
import { seedDemo } from "~/server/seed/seed-demo";
import { runAudit } from "~/server/services/audit/run-audit";
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
    ]);
  });

  it("does nothing the second time", async () => {
    const { db, chain } = harness;
    const users = await db.user.count();
    expect(await seedDemo({ db, chain })).toEqual({ isSeeded: false });
    expect(await db.user.count()).toBe(users);
  });
});
