import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Database } from "~/server/db";
import { DEMO_ACCOUNTS, DEMO_TRIAL_REGISTRY_ID } from "~/server/seed/demo-accounts";
import { runVerify } from "../integration/verify-cli";
import { sessionCookie } from "../support/session-cookie";
import { startStack, STACK_SECRET, waitForDrain, type Stack } from "./stack";
import { createDrafts, openStackDatabase, publishBurst } from "./stack-world";

/**
 * `npm run backup` while the app runs and users publish, `npm run restore` into a new folder,
 * and the restored installation started with `npm start`: it completes what the copy caught
 * in flight, serves the same files, and the trial audit passes on it.
 */
const skipReason = inject("e2eSkipReason");
const root = path.resolve(import.meta.dirname, "../..");
let work: string;
const stacks: Stack[] = [];
const databases: Database[] = [];

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), "backup-restore-"));
});

afterAll(async () => {
  for (const database of databases) await database.close();
  for (const stack of stacks) await stack.stop();
  await rm(work, { recursive: true, force: true, maxRetries: 50, retryDelay: 100 });
});

function npm(args: string[], env: NodeJS.ProcessEnv) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
    execFile("npm", ["run", "--silent", ...args], { cwd: root, env }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    ),
  );
}

describe.skipIf(Boolean(skipReason))("backup and restore", { timeout: 60 * 60_000 }, () => {
  it("copies a running installation consistently; the restored copy passes the audit", async () => {
    const original = await startStack({
      dataDir: path.join(work, "original"),
      log: path.join(work, "original.log"),
    });
    stacks.push(original);
    const database = openStackDatabase(original);
    databases.push(database);
    const drafts = await createDrafts(database.prisma, 2, 10);
    const backupDir = path.join(work, "backup");
    let backup: Promise<{ code: number; stdout: string; stderr: string }> | undefined;
    let acceptedBeforeBackup = 0;
    const burst = await publishBurst(original.appUrl, drafts, (accepted) => {
      if (accepted === 10) {
        acceptedBeforeBackup = accepted;
        backup = npm(["backup", "--", backupDir], { ...original.env, DATA_DIR: original.dataDir });
      }
    });
    const backedUp = await backup!;
    expect(backedUp.stderr).toBe("");
    expect(backedUp.code).toBe(0);
    expect(backedUp.stdout).toMatch(/backup: done/);
    expect(burst.accepted.size).toBe(30);
    const seeded = await database.prisma.extract.findFirstOrThrow({ select: { id: true } });
    const researcher = await database.prisma.user.findUniqueOrThrow({
      where: { email: DEMO_ACCOUNTS.find((account) => account.role === "RESEARCHER")!.email },
      select: {
        id: true,
        role: true,
        walletAddress: true,
        displayName: true,
        sessionVersion: true,
      },
    });
    const download = (appUrl: string) =>
      sessionCookie(researcher, STACK_SECRET, researcher.sessionVersion).then((cookie) =>
        fetch(`${appUrl}/api/extracts/${seeded.id}/csv`, { headers: { cookie } }),
      );
    const originalCsv = await (await download(original.appUrl)).text();
    await original.stop();

    const restoredDir = path.join(work, "restored");
    const restored = await npm(["restore", "--", backupDir, "--to", restoredDir], process.env);
    expect(restored.stderr).toBe("");
    expect(restored.code).toBe(0);
    // Once there, a second restore into the same folder is refused.
    const again = await npm(["restore", "--", backupDir, "--to", restoredDir], process.env);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already holds data.*Nothing was changed/);

    const copy = await startStack({ dataDir: restoredDir, log: path.join(work, "restored.log") });
    stacks.push(copy);
    const copyDatabase = openStackDatabase(copy);
    databases.push(copyDatabase);
    // The database copy may hold writes the chain copy lacks, still marked CONFIRMED: an empty
    // backlog does not yet mean they were found and sent again (the outbox worker does that at
    // its next tick, and the indexer re-reads what it had read past the chain's head). So wait
    // until the copy has caught up, not only drained.
    const caughtUp = async () => {
      await waitForDrain(copy.appUrl);
      const listings = await copyDatabase.prisma.listing.findMany({
        where: { id: { in: drafts.map((draft) => draft.listingId) }, status: { not: "DRAFT" } },
        select: { anchorStatus: true },
      });
      const audit = await runVerify(["trial", DEMO_TRIAL_REGISTRY_ID, "--rpc", copy.rpcUrl], {
        ...process.env,
        DATA_DIR: restoredDir,
        MASTER_KEY: copy.env.MASTER_KEY,
      });
      return {
        // What was published before the copy began is in it, and on its chain.
        published: listings.length >= acceptedBeforeBackup,
        anchored: listings.map((listing) => listing.anchorStatus).filter((s) => s !== "CONFIRMED"),
        audit: {
          code: audit.code,
          stderr: audit.stderr,
          passed: audit.code === 0 && (JSON.parse(audit.stdout) as { passed: boolean }).passed,
        },
      };
    };
    await expect
      .poll(caughtUp, { timeout: 20 * 60_000, interval: 2_000 })
      .toEqual({ published: true, anchored: [], audit: { code: 0, stderr: "", passed: true } });
    const restoredDownload = await download(copy.appUrl);
    expect(restoredDownload.status).toBe(200);
    expect(await restoredDownload.text()).toBe(originalCsv);
  });
});
