import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { JsonRpcProvider } from "ethers";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { bindContracts } from "~/server/chain/client";
import { readDeployment } from "~/server/chain/deployments";
import type { Database } from "~/server/db";
import { DEMO_TRIAL_REGISTRY_ID } from "~/server/seed/demo-accounts";
import { runVerify } from "../integration/verify-cli";
import { startStack, waitForDrain, type Stack } from "./stack";
import { createDrafts, openStackDatabase, publishBurst, type BurstResult } from "./stack-world";

/**
 * Real processes killed with SIGKILL in the middle of a burst of 100 user actions: the app,
 * then (in a second installation) the chain node and the database server. The supervisor of
 * `npm start` starts each again; afterwards every accepted action is on chain exactly once,
 * nothing accepted is lost, and the trial audit's five checks pass.
 */
const skipReason = inject("e2eSkipReason");
// Anvil's first account: what `npm start` deploys and relays with on its local chain.
const RELAYER = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
let work: string;
const stacks: Stack[] = [];
const databases: Database[] = [];

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), "crash-recovery-"));
});

afterAll(async () => {
  for (const database of databases) await database.close();
  for (const stack of stacks) await stack.stop();
  await rm(work, { recursive: true, force: true, maxRetries: 50, retryDelay: 100 });
});

/** Everything the chain must show after the burst, checked against the chain itself. */
async function expectExactlyOnce(stack: Stack, database: Database, burst: BurstResult) {
  await waitForDrain(stack.appUrl);
  const db = database.prisma;
  const provider = new JsonRpcProvider(stack.rpcUrl, undefined, { staticNetwork: true });
  try {
    const deployment = (await readDeployment(31337, path.join(stack.dataDir, "deployments")))!;
    const { marketplace, forwarder } = bindContracts(deployment, provider);
    // A retry refused as "already published" means its first try went through.
    const published = [
      ...burst.accepted,
      ...[...burst.refused]
        .filter(([, reason]) => /already published/.test(reason))
        .map(([id]) => id),
    ];
    // Any other refusal is a lost action: show its reason before counting.
    expect(
      [...burst.refused.values()].filter((reason) => !/already published/.test(reason)),
    ).toEqual([]);
    expect(published.length).toBeGreaterThanOrEqual(100);
    const events = await marketplace.queryFilter(
      marketplace.filters.ListingCreated(),
      deployment.startBlock,
    );
    const onChain = new Map<string, number>();
    for (const event of events)
      onChain.set(
        event.args.listingId.toLowerCase(),
        (onChain.get(event.args.listingId.toLowerCase()) ?? 0) + 1,
      );
    const listings = await db.listing.findMany({
      where: { id: { in: published } },
      select: { id: true, chainKey: true, status: true, anchorStatus: true },
    });
    expect(listings).toHaveLength(published.length);
    const failures = await db.chainOutbox.findMany({
      where: { status: "FAILED" },
      select: { kind: true, entityId: true, lastError: true },
    });
    for (const listing of listings) {
      expect(listing.anchorStatus, `${listing.id}: ${JSON.stringify(failures)}`).toBe("CONFIRMED");
      expect(onChain.get(listing.chainKey.toLowerCase()), listing.id).toBe(1);
    }
    expect(
      await db.chainOutbox.findMany({
        where: { status: { not: "CONFIRMED" } },
        select: { kind: true, status: true, lastError: true },
      }),
    ).toEqual([]);
    // No transaction was sent twice: the relayer's nonce is its 5 deployment transactions (four
    // contracts, then binding the registry to the marketplace) plus one per write.
    const rows = await db.chainOutbox.findMany({ select: { signer: true, signerNonce: true } });
    expect(await provider.getTransactionCount(RELAYER, "latest")).toBe(5 + rows.length);
    // Each user's forwarder nonces were used once each, in order.
    for (const signer of new Set(
      rows.filter((row) => row.signerNonce !== null).map((row) => row.signer),
    )) {
      const nonces = rows.filter((row) => row.signer === signer && row.signerNonce !== null).length;
      expect(await forwarder.nonces(signer), signer).toBe(BigInt(nonces));
    }
  } finally {
    provider.destroy();
  }
  const audit = await runVerify(["trial", DEMO_TRIAL_REGISTRY_ID, "--rpc", stack.rpcUrl], {
    ...process.env,
    DATA_DIR: stack.dataDir,
    MASTER_KEY: stack.env.MASTER_KEY,
  });
  expect(audit.stderr).toBe("");
  const report = JSON.parse(audit.stdout) as {
    passed: boolean;
    checks: { name: string; passed: boolean }[];
  };
  expect(report.checks.map((check) => [check.name, check.passed])).toEqual([
    ["integrity", true],
    ["consent", true],
    ["money", true],
    ["database", true],
    ["analyses", true],
  ]);
  expect(audit.code).toBe(0);
}

describe.skipIf(Boolean(skipReason))(
  "crashes with real processes",
  { timeout: 60 * 60_000 },
  () => {
    it("SIGKILL of the app in the middle of 100 user actions: after the restart each is on chain once", async () => {
      const stack = await startStack({
        dataDir: path.join(work, "app-kill"),
        log: path.join(work, "app-kill.log"),
      });
      stacks.push(stack);
      const database = openStackDatabase(stack);
      databases.push(database);
      const drafts = await createDrafts(database.prisma, 4, 20);
      let killed: Promise<void> | undefined;
      const burst = await publishBurst(stack.appUrl, drafts, (accepted) => {
        if (accepted === 40 && !killed) {
          const pid = stack.kill("app");
          killed = stack.waitForRestart("app", pid);
        }
      });
      await killed;
      await expectExactlyOnce(stack, database, burst);
    });

    it("SIGKILL of the chain node (its state file written long before) and of the database server", async () => {
      // The chain's state file is written at the start only: a kill takes the chain back to
      // before the burst, shorter than what the database indexed.
      const stack = await startStack({
        dataDir: path.join(work, "node-kill"),
        log: path.join(work, "node-kill.log"),
        env: { CHAIN_STATE_INTERVAL_S: "3600" },
      });
      stacks.push(stack);
      const database = openStackDatabase(stack);
      databases.push(database);
      const drafts = await createDrafts(database.prisma, 4, 20);
      const heads: { beforeKill?: number; afterRestart?: number } = {};
      const restarts: Promise<void>[] = [];
      const blockNumber = async () =>
        Number(
          (
            (await (
              await fetch(stack.rpcUrl, {
                method: "POST",
                headers: { "content-type": "application/json" },
                body: JSON.stringify({
                  jsonrpc: "2.0",
                  id: 1,
                  method: "eth_blockNumber",
                  params: [],
                }),
              })
            ).json()) as { result: string }
          ).result,
        );
      const burst = await publishBurst(stack.appUrl, drafts, async (accepted) => {
        if (accepted === 30) {
          heads.beforeKill = await blockNumber();
          const pid = stack.kill("chain");
          restarts.push(
            stack.waitForRestart("chain", pid).then(async () => {
              heads.afterRestart = await blockNumber();
            }),
          );
        }
        if (accepted === 60) {
          const pid = stack.kill("database");
          restarts.push(stack.waitForRestart("database", pid));
        }
      });
      await Promise.all(restarts);
      expect(heads.afterRestart).toBeLessThan(heads.beforeKill!);
      await expectExactlyOnce(stack, database, burst);
    });
  },
);
