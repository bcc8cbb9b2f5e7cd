import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { keccak256, parseUnits, toUtf8Bytes } from "ethers";
import Papa from "papaparse";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getEnv } from "~/env";
import { runAudit } from "~/server/services/audit/run-audit";
import { createExtract } from "~/server/services/extracts/create-extract";
import { registerTrial } from "~/server/services/trials/register-trial";
import { createManagedWallet } from "~/server/services/users/managed-wallet";
import { getBlob, putBlob } from "~/server/storage/blob-store";
import { createHarness, listingInput, type Harness } from "./harness";

/** The audit of a trial, and the tampering it must catch and name. */
let harness: Harness;
let work: string;
let trialRegistryId: string;
const listingIds: string[] = [];

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), "audit-test-"));
  harness = await createHarness({
    pgliteDir: path.join(work, "pglite"),
    deploymentsDir: path.join(work, "deployments"),
  });
  const { db, chain } = harness;
  const sponsor = await db.user.create({
    data: { role: "SPONSOR", displayName: "Sponsor", ...createManagedWallet() },
    select: { id: true },
  });
  trialRegistryId = `AUDIT-${Date.now()}`;
  const trial = await registerTrial({
    db,
    chain,
    sponsorId: sponsor.id,
    input: {
      registryId: trialRegistryId,
      title: "Audited trial",
      phase: "Phase 2",
      conditions: ["Hypertension"],
      sites: [],
      protocolDocumentName: "p.pdf",
      protocolHash: keccak256(toUtf8Bytes("audit protocol")),
    },
  });
  await harness.settle();
  const researcher = await harness.createUser("RESEARCHER");
  await harness.mintTokens(researcher.walletAddress, parseUnits("100", 18));
  for (let index = 0; index < 2; index += 1) {
    const participant = await harness.createUser("PARTICIPANT");
    await harness.enroll(participant, trial.id);
    const csv = [
      "pseudonym,age,zip,systolic_bp",
      ...Array.from(
        { length: 6 },
        (_, row) => `P${row},${40 + (row % 2)},021,${120 + row + index}`,
      ),
    ].join("\n");
    const upload = await harness.upload(participant, csv);
    const { id } = await harness
      .callerFor(participant)
      .listings.createDraft(listingInput(upload.id, { trialId: trial.id, price: "3" }));
    await harness.act(participant, { type: "listing.publish", listingId: id });
    listingIds.push(id);
  }
  await harness.settle();
  const { id: requestId } = await harness.callerFor(researcher).requests.createDraft({
    listingIds,
    purpose: "ACADEMIC_RESEARCH",
    planText: "Blood pressure in the audited trial, pooled.",
    accessDays: 30,
  });
  await harness.act(researcher, { type: "request.create", requestId });
  await harness.settle();
  await createExtract({ db, chain, researcherId: researcher.id, requestId, k: 2 });
  await harness.settle();
});

afterAll(async () => {
  await harness.close();
  await rm(work, { recursive: true, force: true });
});

async function audit() {
  return runAudit({ db: harness.db, chain: harness.chain, trial: trialRegistryId });
}

function failuresOf(report: Awaited<ReturnType<typeof audit>>, check: string) {
  return report.checks.find((candidate) => candidate.name === check)!.failures;
}

/** Rewrites a listing's stored file with `change` applied to its rows, runs `test`, restores. */
async function withTamperedFile(
  listingId: string,
  change: (rows: string[][]) => string[][],
  test: () => Promise<void>,
) {
  const listing = await harness.db.listing.findUniqueOrThrow({
    where: { id: listingId },
    select: { blobKey: true },
  });
  const rows = Papa.parse<string[]>((await getBlob(listing.blobKey!)).toString("utf8"), {
    skipEmptyLines: true,
  }).data;
  const tamperedKey = await putBlob(Buffer.from(Papa.unparse(change(rows)), "utf8"));
  await harness.db.listing.update({ where: { id: listingId }, data: { blobKey: tamperedKey } });
  try {
    await test();
  } finally {
    await harness.db.listing.update({
      where: { id: listingId },
      data: { blobKey: listing.blobKey },
    });
  }
}

describe("trial audit", () => {
  it("passes all five checks for an untouched trial", async () => {
    const report = await audit();
    expect(report.checks.map((check) => [check.name, check.passed, check.failures])).toEqual([
      ["integrity", true, []],
      ["consent", true, []],
      ["money", true, []],
      ["database", true, []],
      ["analyses", true, []],
    ]);
    expect(report.checks[1]!.evidence).toMatchObject({ dataUsesOnChain: 2, dataUsesInDatabase: 2 });
  });

  it("names a modified, a removed and an added record", async () => {
    await withTamperedFile(
      listingIds[0]!,
      (rows) => rows.map((row, index) => (index === 3 ? [...row.slice(0, -1), "999"] : row)),
      async () => {
        expect(failuresOf(await audit(), "integrity")).toEqual([
          expect.stringMatching(/record 2 modified/),
        ]);
      },
    );
    await withTamperedFile(
      listingIds[0]!,
      (rows) => rows.slice(0, -1),
      async () => {
        expect(failuresOf(await audit(), "integrity")).toEqual([
          expect.stringMatching(/record 5 removed/),
        ]);
      },
    );
    await withTamperedFile(
      listingIds[1]!,
      (rows) => [...rows, ["P9", "40", "021", "130"]],
      async () => {
        expect(failuresOf(await audit(), "integrity")).toEqual([
          expect.stringMatching(new RegExp(`${listingIds[1]}.*record 6 added`)),
        ]);
      },
    );
    expect((await audit()).passed).toBe(true);
  });

  it("names both listings when their files are swapped", async () => {
    const [first, second] = await Promise.all(
      listingIds.map((id) =>
        harness.db.listing.findUniqueOrThrow({ where: { id }, select: { blobKey: true } }),
      ),
    );
    await harness.db.listing.update({
      where: { id: listingIds[0]! },
      data: { blobKey: second!.blobKey },
    });
    await harness.db.listing.update({
      where: { id: listingIds[1]! },
      data: { blobKey: first!.blobKey },
    });
    try {
      const failures = failuresOf(await audit(), "integrity");
      expect(failures).toHaveLength(2);
      expect(failures.join("\n")).toContain(listingIds[0]!);
      expect(failures.join("\n")).toContain(listingIds[1]!);
    } finally {
      await harness.db.listing.update({
        where: { id: listingIds[0]! },
        data: { blobKey: first!.blobKey },
      });
      await harness.db.listing.update({
        where: { id: listingIds[1]! },
        data: { blobKey: second!.blobKey },
      });
    }
  });

  it("flags a data use forged in the database, and a listing the chain does not know", async () => {
    const request = await harness.db.accessRequest.findFirstOrThrow({
      where: { items: { some: { listingId: listingIds[0]! } } },
      select: { id: true },
    });
    const forged = await harness.db.dataUse.create({
      data: {
        requestId: request.id,
        listingId: listingIds[0]!,
        extractRoot: `0x${"ab".repeat(32)}`,
        anchorStatus: "CONFIRMED",
        anchorTxHash: `0x${"cd".repeat(32)}`,
      },
    });
    const original = await harness.db.listing.findUniqueOrThrow({
      where: { id: listingIds[1]! },
      select: { dataRoot: true },
    });
    const ghost = await harness.db.listing.update({
      where: { id: listingIds[1]! },
      data: { dataRoot: `0x${"ef".repeat(32)}` },
    });
    try {
      const report = await audit();
      expect(failuresOf(report, "consent")).toEqual([
        `data use ${forged.id} in the database has no matching on-chain record`,
      ]);
      expect(failuresOf(report, "database")).toEqual([
        `listing ${ghost.id}: the database root differs from the anchored one`,
      ]);
      expect(report.passed).toBe(false);
    } finally {
      await harness.db.dataUse.delete({ where: { id: forged.id } });
      await harness.db.listing.update({
        where: { id: listingIds[1]! },
        data: { dataRoot: original.dataRoot },
      });
    }
  });

  it("runs from the command line: exit 1 with the failures, 2 for an unknown trial or RPC", async () => {
    const root = path.resolve(import.meta.dirname, "../..");
    const original = await harness.db.listing.findUniqueOrThrow({
      where: { id: listingIds[1]! },
      select: { dataRoot: true },
    });
    await harness.db.listing.update({
      where: { id: listingIds[1]! },
      data: { dataRoot: `0x${"ef".repeat(32)}` },
    });
    // The CLI reaches the same embedded database while this process holds it open, as it
    // would reach the running app's.
    const run = promisify(execFile);
    const env = {
      ...process.env,
      PGLITE_DIR: path.join(work, "pglite"),
      BLOB_DIR: getEnv().BLOB_DIR,
      DEPLOYMENTS_DIR: path.join(work, "deployments"),
    };
    const verify = (...args: string[]) =>
      run("npm", ["run", "--silent", "verify", "--", "trial", ...args], { cwd: root, env }).then(
        (result) => ({ code: 0, stdout: result.stdout, stderr: result.stderr }),
        (error: unknown) => error as { code: number; stdout: string; stderr: string },
      );
    const failing = await verify(trialRegistryId, "--rpc", getEnv().CHAIN_RPC_URL);
    expect(failing.code).toBe(1);
    expect(JSON.parse(failing.stdout) as { passed: boolean }).toMatchObject({ passed: false });
    expect(failing.stdout).toContain("the database root differs");
    expect((await verify("NO-SUCH-TRIAL", "--rpc", getEnv().CHAIN_RPC_URL)).code).toBe(2);
    expect((await verify(trialRegistryId, "--rpc", "http://127.0.0.1:1")).code).toBe(2);
    await harness.db.listing.update({
      where: { id: listingIds[1]! },
      data: { dataRoot: original.dataRoot },
    });
    const passing = await verify(trialRegistryId, "--rpc", getEnv().CHAIN_RPC_URL);
    expect(passing.code).toBe(0);
  });
});
