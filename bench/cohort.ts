/**
 * `npm run --silent bench:cohort`: a 500-listing cohort request, from the procedure call to
 * escrowed and auto-approved on the local chain (the outbox sends the permit and the forwarded
 * requestAccess; the indexer records the items' statuses). Target: under 10 seconds.
 * Setup (500 de-identified listings, published and anchored) is not timed. Last line: JSON.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseUnits, Wallet } from "ethers";
import { deployContracts } from "~/server/chain/deploy";
import { localProvider, startLocalChain } from "../scripts/local-chain";
import { portFromEnv } from "../scripts/free-port";
import { createHarness, listingInput } from "../test/integration/harness";
import { printTable } from "./table";

const LISTINGS = 500;
const HARDHAT_ACCOUNT_0 = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

async function main() {
  const chain = await startLocalChain({
    port: await portFromEnv("BENCH_CHAIN_PORT"),
    quiet: true,
  });
  const work = await mkdtemp(path.join(tmpdir(), "bench-cohort-"));
  Object.assign(process.env, {
    CHAIN_RPC_URL: chain.rpcUrl,
    DEPLOYMENTS_DIR: path.join(work, "deployments"),
    BLOB_DIR: path.join(work, "blobs"),
    PGLITE_DIR: "memory://",
    LOG_LEVEL: "silent",
  });
  const provider = localProvider(chain.rpcUrl);
  await deployContracts(new Wallet(HARDHAT_ACCOUNT_0, provider), path.join(work, "deployments"));
  provider.destroy();
  const harness = await createHarness();
  try {
    const setupStarted = performance.now();
    const participant = await harness.createUser("PARTICIPANT");
    const listingIds: string[] = [];
    for (let index = 0; index < LISTINGS; index += 1) {
      const upload = await harness.upload(
        participant,
        `pseudonym,year,value\nS-${index},2022,${index}\n`,
      );
      const { id } = await harness
        .callerFor(participant)
        .listings.createDraft(
          listingInput(upload.id, { title: `Cohort member ${index}`, price: "1" }),
        );
      await harness.act(participant, { type: "listing.publish", listingId: id });
      listingIds.push(id);
    }
    await harness.settle();
    const researcher = await harness.createUser("RESEARCHER");
    await harness.mintTokens(researcher.walletAddress, parseUnits(String(LISTINGS), 18));
    const setupSeconds = (performance.now() - setupStarted) / 1000;

    const started = performance.now();
    const { id: requestId } = await harness.callerFor(researcher).requests.createDraft({
      listingIds,
      purpose: "ACADEMIC_RESEARCH",
      planText: "Pooled analysis across five hundred participants' readings.",
      accessDays: 30,
    });
    await harness.act(researcher, { type: "request.create", requestId });
    await harness.settle();
    const seconds = (performance.now() - started) / 1000;

    const request = await harness.db.accessRequest.findUniqueOrThrow({
      where: { id: requestId },
      select: { anchorStatus: true, items: { select: { status: true } } },
    });
    const approved = request.items.filter((item) => item.status === "APPROVED").length;
    if (request.anchorStatus !== "CONFIRMED" || approved !== LISTINGS) {
      throw new Error(
        `the request did not complete: ${request.anchorStatus}, ${approved} of ${LISTINGS} approved`,
      );
    }
    const sent = await harness.db.chainOutbox.findFirstOrThrow({
      where: { kind: { startsWith: "request.create" }, entityId: requestId },
      select: { txHash: true },
    });
    const receipt = await harness.chain.provider.getTransactionReceipt(sent.txHash!);
    const gas = Number(receipt!.gasUsed);
    const escrowed = await harness.chain.contracts.token.balanceOf(
      harness.chain.deployment.contracts.DataMarketplace,
    );

    const rows = [
      ["measure", "value", "target"],
      ["listings in the cohort", String(LISTINGS), ""],
      ["auto-approved on chain", String(approved), ""],
      ["escrowed", `${escrowed / 10n ** 18n} TSR`, ""],
      ["gas (forwarded requestAccess)", gas.toLocaleString("en-US"), "< 30,000,000"],
      [
        "seconds, procedure call to approved",
        seconds.toFixed(2),
        `< 10 ${seconds < 10 ? "met" : "MISSED"}`,
      ],
      ["setup (not timed): 500 listings", `${setupSeconds.toFixed(0)} s`, ""],
    ];
    printTable(rows);
    console.log(JSON.stringify({ listings: LISTINGS, seconds: Number(seconds.toFixed(2)), gas }));
  } finally {
    await harness.close();
    await chain.stop();
    await rm(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
