import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseUnits, type JsonRpcProvider } from "ethers";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { bindContracts, createProvider, type Chain } from "~/server/chain/client";
import { CHAIN_DOMAIN } from "~/server/chain-domain";
import { createIndexer } from "~/server/chain/indexer";
import { createOutboxWorker } from "~/server/chain/outbox-worker";
import { prepareAction, submitAction } from "~/server/services/actions/run-action";
import { publishListingAction } from "~/server/services/listings/listing-actions";
import { OUTBOX_HOOKS } from "~/server/services/outbox-handlers";
import type { SessionUser } from "~/server/session";
import { createHarness, listingInput, type Harness } from "./harness";
import { startRpcProxy } from "./rpc-proxy";

/**
 * Faults injected for real: the node made unreachable (a proxy between app and node is cut)
 * in the middle of a burst of user actions, the outbox process "killed" between its steps
 * (a fresh worker takes over from what the first left in the database), two workers at once,
 * a transaction priced out by the fee market, and a reorg made with the node's snapshot and
 * revert. Contracts of its own on the shared node, so nothing here disturbs other files.
 */
let harness: Harness;
let proxy: Awaited<ReturnType<typeof startRpcProxy>>;
let node: JsonRpcProvider;
let deploymentsDir: string;
let participants: SessionUser[];

beforeAll(async () => {
  proxy = await startRpcProxy(inject("chainRpcUrl"));
  node = createProvider(inject("chainRpcUrl"));
  deploymentsDir = await mkdtemp(path.join(tmpdir(), "faults-test-"));
  harness = await createHarness({ deploymentsDir, rpcUrl: proxy.url });
  participants = [];
  for (let index = 0; index < 4; index += 1)
    participants.push(await harness.createUser("PARTICIPANT"));
});

afterAll(async () => {
  await harness.close();
  await proxy.stop();
  node.destroy();
  await rm(deploymentsDir, { recursive: true, force: true });
});

async function draftListing(owner: SessionUser, autoApprove = true): Promise<string> {
  const upload = await harness.upload(
    owner,
    `pseudonym,year,hba1c_pct\nS-1,2022,6.${Date.now() % 10}`,
  );
  const { id } = await harness
    .callerFor(owner)
    .listings.createDraft(listingInput(upload.id, { autoApprove }));
  return id;
}

/** Runs the chain work until nothing waits, waiting out retry back-offs (up to a minute). */
async function settleAll(): Promise<void> {
  // Workers the tests "killed" hold leases no live process renews: let them lapse.
  await harness.db.workerLease.deleteMany({
    where: { holder: { notIn: [harness.outbox.holder, harness.indexer.holder] } },
  });
  for (let round = 0; round < 120; round += 1) {
    await harness.settle();
    const waiting = await harness.db.chainOutbox.count({
      where: { status: { in: ["PENDING", "SENT"] } },
    });
    if (waiting === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error("the outbox did not drain");
}

/** A worker as a restarted process would run one: new identity, after the old lease lapsed. */
async function restartedWorker(
  chain: Chain = harness.chain,
  options: { receiptTimeoutMs?: number; stuckAfterMs?: number } = {},
) {
  await harness.db.workerLease.updateMany({
    where: { name: "outbox" },
    data: { expiresAt: new Date(0) },
  });
  return createOutboxWorker({
    db: harness.db,
    getChain: () => Promise.resolve(chain),
    ...OUTBOX_HOOKS,
    ...options,
  });
}

/** The chain as the outbox sees it, with one provider method replaced (the injected fault). */
function withFault(
  method: "broadcastTransaction",
  fault: (original: (raw: string) => Promise<unknown>, raw: string) => Promise<unknown>,
): Chain {
  const provider = harness.chain.provider;
  const faulty = new Proxy(provider, {
    get(target, property) {
      const value = Reflect.get(target, property, target) as unknown;
      if (property === method)
        return (raw: string) => fault((signed) => target.broadcastTransaction(signed), raw);
      return typeof value === "function"
        ? (value as (...args: unknown[]) => unknown).bind(target)
        : value;
    },
  });
  return { ...harness.chain, provider: faulty };
}

const relayerNonce = () => node.getTransactionCount(harness.chain.relayer.address, "latest");

describe("node outage", () => {
  it("queues 100 actions while the node is down, then sends each exactly once, in order per account", async () => {
    const { db } = harness;
    const researchers = [
      await harness.createUser("RESEARCHER"),
      await harness.createUser("RESEARCHER"),
    ];
    for (const researcher of researchers)
      await harness.mintTokens(researcher.walletAddress, parseUnits("1000", 18));
    // Before the outage: listings that ask their owner, and requests that wait for decisions.
    const early: string[] = [];
    for (const participant of participants) {
      const id = await draftListing(participant, false);
      await harness.act(participant, { type: "listing.publish", listingId: id });
      early.push(id);
    }
    await settleAll();
    for (const researcher of researchers) {
      for (const listingId of early) {
        const { id } = await harness.callerFor(researcher).requests.createDraft({
          listingIds: [listingId],
          purpose: "ACADEMIC_RESEARCH",
          planText: "HbA1c trends, requested before the outage.",
          accessDays: 30,
        });
        await harness.act(researcher, { type: "request.create", requestId: id });
      }
    }
    await settleAll();
    const pendingItems = await db.accessRequestItem.findMany({
      where: { status: "PENDING" },
      select: { id: true, listing: { select: { ownerId: true } } },
    });
    expect(pendingItems).toHaveLength(8);
    const drafts = new Map<string, string[]>();
    for (const participant of participants) {
      const ids: string[] = [];
      for (let index = 0; index < 18; index += 1) ids.push(await draftListing(participant));
      drafts.set(participant.id, ids);
    }
    const requestDrafts: { researcher: SessionUser; id: string }[] = [];
    for (let index = 0; index < 20; index += 1) {
      const researcher = researchers[index % 2]!;
      const { id } = await harness.callerFor(researcher).requests.createDraft({
        listingIds: [early[index % 4]!],
        purpose: "PUBLIC_HEALTH",
        planText: `Public health study ${index}, requested during the outage.`,
        accessDays: 30,
      });
      requestDrafts.push({ researcher, id });
    }
    const nonceBefore = await relayerNonce();

    const lastRowBefore = await db.chainOutbox.aggregate({ _max: { id: true } });

    await proxy.stop();
    const burst = new Map<SessionUser, Parameters<Harness["act"]>[1][]>();
    const queue = (user: SessionUser, action: Parameters<Harness["act"]>[1]) =>
      burst.set(user, [...(burst.get(user) ?? []), action]);
    for (const participant of participants)
      for (const listingId of drafts.get(participant.id)!)
        queue(participant, { type: "listing.publish", listingId });
    for (const { researcher, id } of requestDrafts)
      queue(researcher, { type: "request.create", requestId: id });
    for (const item of pendingItems)
      queue(
        participants.find((participant) => participant.id === item.listing.ownerId)!,
        {
          type: "item.decide",
          itemId: item.id,
          approve: true,
        },
      );
    expect([...burst.values()].flat()).toHaveLength(100);
    // Each user's actions one after another, as a person clicks; all users at the same time.
    const results = await Promise.allSettled(
      [...burst].map(async ([user, actions]) => {
        for (const action of actions) await harness.act(user, action);
      }),
    );
    expect(results.filter((result) => result.status === "rejected")).toEqual([]);
    expect(await harness.outbox.tick()).toBe(0);
    expect(await db.chainOutbox.count({ where: { status: "FAILED" } })).toBe(0);
    const queued = await db.chainOutbox.count({ where: { status: "PENDING" } });
    expect(queued).toBeGreaterThanOrEqual(100);
    const mine = await harness.callerFor(participants[0]!).listings.mine();
    expect(mine.filter((listing) => listing.anchor.status === "PENDING")).toHaveLength(18);

    await proxy.start();
    await settleAll();
    const rows = await db.chainOutbox.findMany({
      orderBy: { id: "asc" },
      select: { signer: true, signerNonce: true, status: true, txHash: true, kind: true },
    });
    expect(
      await db.chainOutbox.findMany({
        where: { status: { not: "CONFIRMED" } },
        select: { kind: true, signerNonce: true, lastError: true },
      }),
    ).toEqual([]);
    expect(new Set(rows.map((row) => row.txHash)).size).toBe(rows.length);
    // Per account, forwarder nonces were used once each, without gaps, in the order queued.
    for (const user of [...participants, ...researchers]) {
      const nonces = rows
        .filter((row) => row.signer === user.walletAddress && row.signerNonce !== null)
        .map((row) => row.signerNonce!);
      expect(nonces).toEqual(nonces.map((_nonce, index) => index));
      expect(await harness.chain.contracts.forwarder.nonces(user.walletAddress)).toBe(
        BigInt(nonces.length),
      );
    }
    // One transaction per queued write: nothing was sent twice.
    const sentSince = await db.chainOutbox.count({
      where: { id: { gt: lastRowBefore._max.id ?? 0n } },
    });
    expect(await relayerNonce()).toBe(nonceBefore + sentSince);
    const mineAfter = await harness.callerFor(participants[0]!).listings.mine();
    expect(mineAfter.every((listing) => listing.anchor.status === "CONFIRMED")).toBe(true);
    expect(await db.accessRequestItem.count({ where: { status: "PENDING" } })).toBe(0);
    expect(await db.accessRequest.count({ where: { anchorStatus: "CONFIRMED" } })).toBe(28);
  });
});

describe("hung node", () => {
  it("waits out a node frozen with SIGSTOP: the action queues after the timeout, then goes once", async () => {
    const { db } = harness;
    const owner = participants[2]!;
    const listingId = await draftListing(owner);
    // The app as configured with a short RPC timeout, so the test need not wait ten seconds.
    // Built from the chain already known: asking the node for its network first could itself
    // time out on a busy machine before the node is frozen.
    const provider = createProvider(inject("chainRpcUrl"), harness.chain.chainId, 300);
    const relayer = harness.chain.relayer.connect(provider);
    const impatient: Chain = {
      ...harness.chain,
      provider,
      relayer,
      contracts: bindContracts(harness.chain.deployment, relayer),
    };
    const before = await relayerNonce();
    process.kill(inject("chainPid"), "SIGSTOP");
    try {
      const context = { db, chain: impatient, user: owner };
      const input = { listingId };
      const prepared = await prepareAction(publishListingAction, context, input);
      await submitAction(publishListingAction, context, input, {
        request: prepared.typedData!.message,
      });
      const worker = await restartedWorker(impatient);
      expect(await worker.tick()).toBe(0);
      await worker.release();
      const row = await db.chainOutbox.findFirstOrThrow({
        where: { entityId: listingId },
        select: { status: true, lastError: true },
      });
      expect(row.status).toBe("PENDING");
      expect(row.lastError).toMatch(/timeout/i);
    } finally {
      process.kill(inject("chainPid"), "SIGCONT");
      impatient.provider.destroy();
    }
    await settleAll();
    expect(await relayerNonce()).toBe(before + 1);
    expect(
      await db.listing.findUniqueOrThrow({
        where: { id: listingId },
        select: { anchorStatus: true },
      }),
    ).toEqual({ anchorStatus: "CONFIRMED" });
  });
});

describe("outbox crashes", () => {
  it("sends a write committed before a crash, once, after the restart", async () => {
    const owner = participants[0]!;
    const listingId = await draftListing(owner);
    await harness.act(owner, { type: "listing.publish", listingId });
    // The process dies here: the row is committed, nothing was sent, its lease is still held.
    const before = await relayerNonce();
    const worker = await restartedWorker();
    await worker.tick();
    expect(await relayerNonce()).toBe(before + 1);
    await settleAll();
    expect(
      await harness.db.listing.findUniqueOrThrow({
        where: { id: listingId },
        select: { anchorStatus: true },
      }),
    ).toEqual({ anchorStatus: "CONFIRMED" });
  });

  it("re-sends the saved transaction, not a new one, after a crash before the broadcast", async () => {
    const owner = participants[1]!;
    const listingId = await draftListing(owner);
    await harness.act(owner, { type: "listing.publish", listingId });
    const before = await relayerNonce();
    const dying = await restartedWorker(
      withFault("broadcastTransaction", () => Promise.reject(new Error("process killed"))),
    );
    await dying.tick();
    const saved = await harness.db.chainOutbox.findFirstOrThrow({
      where: { entityId: listingId },
      select: { status: true, txHash: true },
    });
    expect(saved.status).toBe("SENT");
    expect(await relayerNonce()).toBe(before);
    await (await restartedWorker()).tick();
    const row = await harness.db.chainOutbox.findFirstOrThrow({
      where: { entityId: listingId },
      select: { status: true, txHash: true },
    });
    expect(row).toEqual({ status: "CONFIRMED", txHash: saved.txHash });
    expect(await relayerNonce()).toBe(before + 1);
  });

  it("takes the receipt of the sent transaction after a crash between send and receipt", async () => {
    const owner = participants[2]!;
    const listingId = await draftListing(owner);
    await harness.act(owner, { type: "listing.publish", listingId });
    const before = await relayerNonce();
    const dying = await restartedWorker(
      withFault("broadcastTransaction", async (send, raw) => {
        await send(raw);
        throw new Error("process killed after the broadcast");
      }),
    );
    await dying.tick();
    expect(await relayerNonce()).toBe(before + 1);
    await (await restartedWorker()).tick();
    expect(await relayerNonce()).toBe(before + 1);
    const row = await harness.db.chainOutbox.findFirstOrThrow({
      where: { entityId: listingId },
      select: { status: true },
    });
    expect(row.status).toBe("CONFIRMED");
  });

  it("never double-sends with two workers on one database", async () => {
    const owner = participants[3]!;
    for (let index = 0; index < 12; index += 1)
      await harness.act(owner, { type: "listing.publish", listingId: await draftListing(owner) });
    const before = await relayerNonce();
    const first = await restartedWorker();
    const second = createOutboxWorker({
      db: harness.db,
      getChain: () => Promise.resolve(harness.chain),
      ...OUTBOX_HOOKS,
    });
    const run = async (worker: typeof first) => {
      for (let round = 0; round < 30; round += 1) {
        await worker.tick();
        // Now and then the holder stalls past its lease and the other takes over.
        if (round % 3 === 0)
          await harness.db.workerLease.updateMany({
            where: { name: "outbox" },
            data: { expiresAt: new Date(0) },
          });
      }
    };
    await Promise.all([run(first), run(second)]);
    await settleAll();
    const rows = await harness.db.chainOutbox.findMany({
      where: { signer: owner.walletAddress, status: { not: "CONFIRMED" } },
    });
    expect(rows).toEqual([]);
    expect(await relayerNonce()).toBe(before + 12);
  });
});

describe("worker processes", () => {
  // Both passes: the embedded database is a server process too, reached through PGLITE_DIR.
  it("two worker processes at once, one killed with SIGKILL mid-batch: every write sent once", async () => {
    const { db } = harness;
    const entityIds: string[] = [];
    for (const participant of participants)
      for (let index = 0; index < 8; index += 1) {
        const listingId = await draftListing(participant);
        await harness.act(participant, { type: "listing.publish", listingId });
        entityIds.push(listingId);
      }
    const before = await relayerNonce();
    await harness.outbox.release();
    const env = {
      ...process.env,
      CHAIN_RPC_URL: inject("chainRpcUrl"),
      DEPLOYMENTS_DIR: deploymentsDir,
      LOG_LEVEL: "silent",
    };
    const script = path.join(import.meta.dirname, "outbox-process.ts");
    const tsx = path.resolve(import.meta.dirname, "../../node_modules/tsx/dist/cli.mjs");
    const children = [0, 1].map(() =>
      spawn(process.execPath, [tsx, "--conditions=react-server", script], {
        env,
        stdio: ["pipe", "ignore", "ignore"],
      }),
    );
    const workers = children.map(
      (child) =>
        new Promise<NodeJS.Signals | number | null>((resolve) =>
          child.once("exit", (code, signal) => resolve(signal ?? code)),
        ),
    );
    const rows = { entityId: { in: entityIds } };
    try {
      // Two processes start Node, tsx and a connection first: minutes on a busy machine.
      const deadline = Date.now() + 10 * 60_000;
      while ((await db.chainOutbox.count({ where: { ...rows, status: "CONFIRMED" } })) < 8) {
        if (Date.now() > deadline) throw new Error("the worker processes sent nothing");
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const lease = await db.workerLease.findUniqueOrThrow({ where: { name: "outbox" } });
      const victim = Number(/^outbox-(\d+)-/.exec(lease.holder)![1]);
      process.kill(victim, "SIGKILL");
      while (
        (await db.chainOutbox.count({ where: { ...rows, status: "CONFIRMED" } })) <
        rows.entityId.in.length
      ) {
        if (Date.now() > deadline) throw new Error("the surviving worker did not finish the work");
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    } finally {
      // Told to stop whatever happened: a worker left running would send the next tests' writes.
      for (const child of children) {
        // The killed one's pipe may be gone already.
        child.stdin.on("error", () => undefined);
        child.stdin.end();
      }
      await Promise.all(workers);
    }
    const exits = await Promise.all(workers);
    // One process was killed (tsx reports its child's SIGKILL), the other finished the work.
    expect(exits.filter((exit) => exit !== 0)).toHaveLength(1);
    expect(exits).toContain(0);
    const sent = await db.chainOutbox.findMany({
      where: rows,
      select: { status: true, txHash: true },
    });
    expect(sent.filter((row) => row.status !== "CONFIRMED")).toEqual([]);
    expect(new Set(sent.map((row) => row.txHash)).size).toBe(entityIds.length);
    expect(await relayerNonce()).toBe(before + entityIds.length);
  });
});

describe("a request that fails for good", () => {
  /** Breaks a queued request's signature, as if it had been signed wrongly: it will revert. */
  async function spoil(listingId: string) {
    const row = await harness.db.chainOutbox.findFirstOrThrow({
      where: { entityId: listingId, kind: "listing.create" },
      select: { id: true, payload: true },
    });
    const payload = row.payload as { request: { deadline: number } };
    payload.request.deadline -= 1;
    await harness.db.chainOutbox.update({ where: { id: row.id }, data: { payload } });
  }
  const anchorOf = async (listingId: string) =>
    (
      await harness.db.listing.findUniqueOrThrow({
        where: { id: listingId },
        select: { anchorStatus: true },
      })
    ).anchorStatus;

  it("re-signs the later requests of a server-held wallet, and ends those of a browser wallet", async () => {
    const owner = participants[3]!;
    const [first, second, third] = [
      await draftListing(owner),
      await draftListing(owner),
      await draftListing(owner),
    ];
    for (const listingId of [first, second, third])
      await harness.act(owner, { type: "listing.publish", listingId });
    await spoil(first);
    await settleAll();
    expect([await anchorOf(first), await anchorOf(second), await anchorOf(third)]).toEqual([
      "FAILED",
      "CONFIRMED",
      "CONFIRMED",
    ]);

    const { user, wallet } = await harness.createWalletUser("PARTICIPANT");
    const drafts = [await draftListing(user), await draftListing(user)];
    for (const listingId of drafts)
      await harness.act(user, { type: "listing.publish", listingId }, wallet);
    await spoil(drafts[0]!);
    await settleAll();
    expect([await anchorOf(drafts[0]!), await anchorOf(drafts[1]!)]).toEqual(["FAILED", "FAILED"]);
    const ended = await harness.db.chainOutbox.findFirstOrThrow({
      where: { entityId: drafts[1]! },
      select: { lastError: true },
    });
    expect(ended.lastError).toMatch(/must be signed again/);
    // Signing again works: the freed nonce is taken by the new request.
    await harness.act(user, { type: "listing.publish", listingId: drafts[1]! }, wallet);
    await settleAll();
    expect(await anchorOf(drafts[1]!)).toBe("CONFIRMED");
  });
});

describe("stuck transactions", () => {
  it("replaces a transaction the fee market priced out, and one the node keeps pending", async () => {
    const owner = participants[0]!;
    let listingId = await draftListing(owner);
    await harness.act(owner, { type: "listing.publish", listingId });
    await (
      await restartedWorker(
        withFault("broadcastTransaction", () => Promise.reject(new Error("process killed"))),
      )
    ).tick();
    try {
      // The base fee jumps far above what the saved transaction offers.
      await node.send("anvil_setNextBlockBaseFeePerGas", [
        "0x" + parseUnits("500", "gwei").toString(16),
      ]);
      await node.send("evm_mine", []);
      await (await restartedWorker()).tick();
      const priced = await harness.db.chainOutbox.findFirstOrThrow({
        where: { entityId: listingId },
        select: { status: true, txHash: true, replacedTxHashes: true },
      });
      expect(priced.status).toBe("CONFIRMED");
      expect(priced.replacedTxHashes).toHaveLength(1);
      expect(await node.getTransactionReceipt(priced.replacedTxHashes[0]!)).toBeNull();

      listingId = await draftListing(owner);
      await harness.act(owner, { type: "listing.publish", listingId });
      await node.send("evm_setAutomine", [false]);
      const worker = await restartedWorker(harness.chain, {
        receiptTimeoutMs: 300,
        stuckAfterMs: 0,
      });
      await worker.tick();
      await worker.tick();
      const pending = await harness.db.chainOutbox.findFirstOrThrow({
        where: { entityId: listingId },
        select: { status: true, txHash: true, replacedTxHashes: true },
      });
      expect(pending.status).toBe("SENT");
      expect(pending.replacedTxHashes.length).toBeGreaterThanOrEqual(1);
      await node.send("evm_mine", []);
      await worker.tick();
      const mined = await harness.db.chainOutbox.findFirstOrThrow({
        where: { entityId: listingId },
        select: { status: true, txHash: true },
      });
      expect(mined.status).toBe("CONFIRMED");
      expect((await node.getTransactionReceipt(mined.txHash!))?.status).toBe(1);
      await worker.release();
    } finally {
      await node.send("evm_setAutomine", [true]);
      await node.send("anvil_setNextBlockBaseFeePerGas", ["0x3b9aca00"]);
    }
    await settleAll();
  });
});

describe("indexer", () => {
  it("resumes from its checkpoint, waits for its confirmation depth, and rolls back a reorg", async () => {
    const { db } = harness;
    await settleAll();
    await harness.indexer.release();
    const events = await db.chainEvent.count();
    // A restarted indexer reads nothing twice.
    const restarted = createIndexer({
      db,
      getChain: () => Promise.resolve(harness.chain),
      confirmations: 3,
      projections: CHAIN_DOMAIN.projections,
    });
    expect(await restarted.tick()).toBe(0);
    expect(await db.chainEvent.count()).toBe(events);

    const owner = participants[1]!;
    const listingId = await draftListing(owner);
    await harness.act(owner, { type: "listing.publish", listingId });
    const snapshot = (await node.send("evm_snapshot", [])) as string;
    await harness.outbox.tick();
    const anchored = () =>
      db.listing.findUniqueOrThrow({
        where: { id: listingId },
        select: { anchorStatus: true, anchorBlock: true },
      });
    await restarted.tick();
    expect((await anchored()).anchorStatus).toBe("PENDING");
    for (let block = 0; block < 3; block += 1) await node.send("evm_mine", []);
    await restarted.tick();
    const first = await anchored();
    expect(first.anchorStatus).toBe("CONFIRMED");

    // The block with the listing is reorganised away; the same transaction lands again later.
    const row = await db.chainOutbox.findFirstOrThrow({
      where: { entityId: listingId },
      select: { rawTx: true },
    });
    await node.send("evm_revert", [snapshot]);
    for (let block = 0; block < 2; block += 1) await node.send("evm_mine", []);
    await restarted.tick();
    expect((await anchored()).anchorStatus).toBe("PENDING");
    await node.broadcastTransaction(row.rawTx!);
    for (let block = 0; block < 3; block += 1) await node.send("evm_mine", []);
    await restarted.tick();
    const second = await anchored();
    expect(second.anchorStatus).toBe("CONFIRMED");
    expect(second.anchorBlock).not.toBe(first.anchorBlock);
    expect(
      await db.chainEvent.count({
        where: {
          eventName: "ListingCreated",
          args: {
            path: ["listingId"],
            equals: (await db.listing.findUniqueOrThrow({ where: { id: listingId } })).chainKey,
          },
        },
      }),
    ).toBe(1);
    await restarted.release();
  });
});

describe("a chain that comes back shorter", () => {
  it("re-sends the saved transactions of confirmed writes the chain lost, once each", async () => {
    // What a local node killed between two writes of its state file does on restart.
    const { db } = harness;
    const owner = participants[2]!;
    await settleAll();
    const stateFile = (await node.send("evm_snapshot", [])) as string;
    const listingIds: string[] = [];
    for (let index = 0; index < 3; index += 1) {
      const listingId = await draftListing(owner);
      await harness.act(owner, { type: "listing.publish", listingId });
      listingIds.push(listingId);
    }
    await settleAll();
    const rows = () =>
      db.chainOutbox.findMany({
        where: { entityId: { in: listingIds } },
        orderBy: { id: "asc" },
        select: { status: true, txHash: true },
      });
    const confirmed = await rows();
    expect(confirmed.map((row) => row.status)).toEqual(["CONFIRMED", "CONFIRMED", "CONFIRMED"]);
    const nonce = await relayerNonce();
    const forwarderNonce = await harness.chain.contracts.forwarder.nonces(owner.walletAddress);

    await node.send("evm_revert", [stateFile]);
    expect(await relayerNonce()).toBe(nonce - 3);
    await settleAll();

    // The same transactions (same hashes), each mined once; the index follows the chain.
    expect(await rows()).toEqual(confirmed);
    expect(await relayerNonce()).toBe(nonce);
    expect(await harness.chain.contracts.forwarder.nonces(owner.walletAddress)).toBe(
      forwarderNonce,
    );
    for (const listingId of listingIds) {
      const listing = await db.listing.findUniqueOrThrow({
        where: { id: listingId },
        select: { chainKey: true, anchorStatus: true },
      });
      expect(listing.anchorStatus).toBe("CONFIRMED");
      const onChain = await harness.chain.contracts.marketplace.queryFilter(
        harness.chain.contracts.marketplace.filters.ListingCreated(listing.chainKey),
      );
      expect(onChain).toHaveLength(1);
      expect(
        await db.chainEvent.count({
          where: {
            eventName: "ListingCreated",
            args: { path: ["listingId"], equals: listing.chainKey },
          },
        }),
      ).toBe(1);
    }
  });
});
