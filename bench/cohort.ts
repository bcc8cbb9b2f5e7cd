/**
 * `npm run --silent bench:cohort`: a 500-listing cohort request, from the procedure call to
 * escrowed and auto-approved on the local chain (the outbox sends the permit and the forwarded
 * requestAccess; the indexer records the items' statuses). Target: under 10 seconds.
 * Setup (500 de-identified listings, published and anchored) is not timed. Runs the real stack
 * through the integration tests' harness, without vitest. BENCH_SMOKE=1: 5 listings.
 * Last line: JSON.
 */
import { parseUnits } from "ethers";
import { listingInput } from "../test/integration/harness";
import { isSmoke, runBenchmark } from "./cleanup";
import { startBenchStack } from "./local-stack";
import { printTable } from "./table";

const LISTINGS = isSmoke ? 5 : 500;

await runBenchmark(async (cleanup) => {
  const harness = await startBenchStack(cleanup, "cohort");

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

  printTable([
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
    [`setup (not timed): ${LISTINGS} listings`, `${setupSeconds.toFixed(0)} s`, ""],
  ]);
  console.log(JSON.stringify({ listings: LISTINGS, seconds: Number(seconds.toFixed(2)), gas }));
});
