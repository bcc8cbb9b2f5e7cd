/**
 * `npm run --silent bench:gas`: gas used by each contract action on Hardhat's in-process chain
 * (EDR, Osaka rules, solc 0.8.30 via IR, optimizer 200), as receipt gasUsed (21,000 intrinsic
 * included). Prints a table, then one JSON line. Targets: requestAccess <= 15,000 gas per listing
 * at 100 listings, a 500-listing request < 30,000,000, grantConsent <= 60,000, recordDataUse
 * <= 35,000 at the first and last item of a 500-item cohort (trial-linked, the worst case, and
 * unlinked), settlement of 500 distinct owners in transactions of <= 8,000,000, withdraw <= 45,000,
 * recordAnalysis over the 500 listings of a request < 3,000,000 (issue 18: the first analysis of
 * each listing, every listing of a distinct owner, so every budget word is cold).
 * BENCH_SMOKE=1: the same steps on cohorts of 6, in seconds.
 */
import { deploySuite, hashOf, mined, salt, TOKEN, type Suite } from "../contracts/test/fixtures";
import { settlementArgs } from "~/server/integrity/cohort-items";
import { analysisGas, gasOf, listingsOfFreshOwners, SETTLE_BATCH } from "./analysis-gas";
import { printTable } from "./table";

const isSmoke = process.env.BENCH_SMOKE === "1";
const COHORT = isSmoke ? 6 : 500;
const MIDDLE = isSmoke ? 3 : 100;

/** `count` listings linked to `trialId`, 16 per enrolled participant (the most one may link). */
async function linkedListings(suite: Suite, trialId: string, count: number): Promise<string[]> {
  const ids: string[] = [];
  const expiresAt = (await suite.now()) + 365 * 86_400;
  let owner = suite.gaslessWallet();
  for (let index = 0; index < count; index += 1) {
    if (index % 16 === 0) {
      owner = suite.gaslessWallet();
      const invite = await suite.issueInvitation(trialId);
      const commitment = salt();
      await owner.send(
        suite.registryAddress,
        suite.trialRegistry.interface.encodeFunctionData("enrollWithInvitation", [
          trialId,
          commitment,
          1,
          invite.invitation,
          invite.issuerSignature,
          await suite.redeem(invite, trialId, owner.address, commitment),
        ]),
      );
    }
    const listingSalt = salt();
    await owner.send(
      suite.marketplaceAddress,
      suite.marketplace.interface.encodeFunctionData("createListing", [
        listingSalt,
        hashOf(listingSalt),
        hashOf("report"),
        TOKEN,
        suite.terms({ expiresAt, trialId, protocolVersion: 1 }),
      ]),
    );
    ids.push(await suite.marketplace.listingIdFor(owner.address, listingSalt));
  }
  return ids;
}

async function main() {
  const suite = await deploySuite();
  const { marketplace, marketplaceAddress, trialRegistry, forwarder, admin, relayer } = suite;
  const { alice, bob, carol, terms, now } = suite;
  const figures: Record<string, number> = {};

  // Trials and enrolment under an invitation
  const trialSalt = salt();
  figures.registerTrial = await gasOf(
    trialRegistry.connect(admin).registerTrial(trialSalt, hashOf("protocol")),
  );
  const trialId = await trialRegistry.trialIdFor(admin.address, trialSalt);
  await mined(trialRegistry.connect(admin).fundRewards(trialId, 1_000n * TOKEN, TOKEN));
  const enrolment = await suite.enroll(alice, trialId);
  figures.enrollWithInvitation = Number(enrolment.receipt!.gasUsed);
  figures.enroll = figures.enrollWithInvitation;

  // Listings and consent
  const consent = terms({ expiresAt: (await now()) + 365 * 86_400, autoApprove: true });
  figures.createListing = await gasOf(
    marketplace
      .connect(alice)
      .createListing(salt(), hashOf("root"), hashOf("report"), 10n * TOKEN, consent),
  );
  const { id: listingId } = await suite.createListing(alice, { price: 10n * TOKEN });
  figures.revokeConsent = await gasOf(marketplace.connect(alice).revokeConsent(listingId));
  figures.grantConsent = await gasOf(
    marketplace
      .connect(alice)
      .grantConsent(listingId, { ...consent, termsHash: hashOf("terms v2") }),
  );
  // With a privacy budget (issue 18): budgets are kept eight slots to a word, so of eight
  // listings created in a row one writes a fresh word (22,100 gas) and the others a word
  // already written; a grant changing the budget rewrites its word (2,900 gas).
  const budgeted: number[] = [];
  for (let index = 0; index < 8; index += 1)
    budgeted.push(
      await gasOf(
        marketplace
          .connect(alice)
          .createListing(salt(), hashOf("root"), hashOf("report"), 10n * TOKEN, {
            ...consent,
            epsilonBudget: 100,
          }),
      ),
    );
  figures.createListing_budget_fresh_word = Math.max(...budgeted);
  figures.createListing_budget_shared_word = Math.min(...budgeted);
  // As grantConsent above (after a revocation), with the budget raised.
  const { id: budgetedId } = await suite.createListing(alice, { epsilonBudget: 100 });
  await mined(marketplace.connect(alice).revokeConsent(budgetedId));
  figures.grantConsent_budget_changed = await gasOf(
    marketplace
      .connect(alice)
      .grantConsent(budgetedId, { ...consent, epsilonBudget: 200, termsHash: hashOf("terms v2") }),
  );

  // Requests of 1, 100 and 500 listings (auto-approve, the common case), each of its own owner
  const unlinked = await listingsOfFreshOwners(suite, COHORT);
  const single = await suite.openRequest(carol, [listingId]);
  figures.requestAccess_1 = Number(single.receipt!.gasUsed);
  figures.requestAccess_100 = Number(
    (await suite.openRequest(carol, unlinked.slice(0, MIDDLE))).receipt!.gasUsed,
  );
  const cohort = await suite.openRequest(carol, unlinked, { accessDays: 30 });
  figures.requestAccess_500 = Number(cohort.receipt!.gasUsed);

  // Decision, data use, withdrawal
  const { id: askId } = await suite.createListing(bob, { price: 10n * TOKEN, autoApprove: false });
  const pending = await suite.openRequest(carol, [askId]);
  figures.decide = await gasOf(suite.decide(bob, pending, 0, true));
  figures.recordDataUse = await gasOf(suite.recordUse(single, 0));
  figures.settle = await gasOf(suite.settle(single));
  figures.withdraw = await gasOf(marketplace.connect(alice).withdraw());

  // recordDataUse at the first and last item of a 500-item cohort: unlinked, then trial-linked
  const last = COHORT - 1;
  figures.recordDataUse_500_first_unlinked = await gasOf(suite.recordUse(cohort, 0));
  figures.recordDataUse_500_last_unlinked = await gasOf(suite.recordUse(cohort, last));
  const linkedTrial = await suite.registerTrial();
  const linked = await linkedListings(suite, linkedTrial, COHORT);
  const linkedCohort = await suite.openRequest(carol, linked, { accessDays: 30 });
  figures.recordDataUse_500_first = await gasOf(suite.recordUse(linkedCohort, 0));
  figures.recordDataUse_500_last = await gasOf(suite.recordUse(linkedCohort, last));
  figures.amendProtocol_500_linked = await gasOf(
    trialRegistry.connect(admin).amendProtocol(linkedTrial, hashOf("protocol v2")),
  );

  // Settlement of the 500 distinct owners after the access period, in batches
  await suite.increaseTime(31 * 86_400);
  const batches: number[] = [];
  for (let start = 0; start < COHORT; start += SETTLE_BATCH) {
    const indices = cohort.items.slice(start, start + SETTLE_BATCH).map((item) => item.index);
    const args = settlementArgs(cohort.tree, indices);
    batches.push(
      await gasOf(
        marketplace.settleItems(
          cohort.requestId,
          args.indices,
          args.listingIds,
          args.prices,
          args.proof,
          args.proofFlags,
        ),
      ),
    );
  }
  figures.settle_500_owners_total = batches.reduce((sum, gas) => sum + gas, 0);
  figures.settle_500_owners_max_tx = Math.max(...batches);

  await analysisGas(suite, figures, COHORT);

  // The same user actions signed by the user and relayed through the forwarder
  const relay = async (signer: typeof alice, data: string) =>
    gasOf(
      forwarder.connect(relayer).execute(await suite.signForward(signer, marketplaceAddress, data)),
    );
  figures.forwarded_grantConsent = await relay(
    alice,
    marketplace.interface.encodeFunctionData("grantConsent", [
      listingId,
      { ...consent, termsHash: hashOf("terms v3") },
    ]),
  );
  figures.forwarded_createListing = await relay(
    alice,
    marketplace.interface.encodeFunctionData("createListing", [
      salt(),
      hashOf("root"),
      hashOf("report"),
      10n * TOKEN,
      consent,
    ]),
  );
  const { id: another } = await suite.createListing(bob, { price: TOKEN });
  figures.forwarded_requestAccess_1 = await relay(
    carol,
    marketplace.interface.encodeFunctionData("requestAccess", [
      salt(),
      [another],
      0,
      hashOf("plan"),
      (await now()) + 30 * 86_400,
      TOKEN,
    ]),
  );

  const sizes: Record<string, number> = {
    requestAccess_1: 1,
    requestAccess_100: MIDDLE,
    requestAccess_500: COHORT,
    [`recordAnalysis_${COHORT}`]: COHORT,
    [`recordAnalysis_${COHORT}_again`]: COHORT,
  };
  const perListing = (action: string, gas: number) =>
    sizes[action] ? ` (${Math.round(gas / sizes[action]).toLocaleString("en-US")}/listing)` : "";
  const targets: Record<string, [number, string]> = {
    requestAccess_100: [15_000 * MIDDLE, "<= 15,000 per listing"],
    requestAccess_500: [30_000_000, "< 30,000,000 (one block)"],
    grantConsent: [60_000, "<= 60,000"],
    grantConsent_budget_changed: [60_000, "<= 60,000"],
    recordDataUse: [35_000, "<= 35,000"],
    recordDataUse_500_first: [35_000, "<= 35,000"],
    recordDataUse_500_last: [35_000, "<= 35,000"],
    recordDataUse_500_first_unlinked: [35_000, "<= 35,000"],
    recordDataUse_500_last_unlinked: [35_000, "<= 35,000"],
    settle_500_owners_max_tx: [8_000_000, "<= 8,000,000 per transaction"],
    withdraw: [45_000, "<= 45,000"],
    recordAnalysis_500: [3_000_000, "< 3,000,000"],
    settleAnalysis_500_max_tx: [8_000_000, "<= 8,000,000 per transaction"],
  };
  const rows = Object.entries(figures).map(([action, gas]) => {
    const target = isSmoke ? undefined : targets[action];
    return [
      action,
      `${gas.toLocaleString("en-US")}${perListing(action, gas)}`,
      target ? `${target[1]} ${gas <= target[0] ? "met" : "MISSED"}` : "",
    ];
  });
  if (isSmoke) console.log(`smoke run: cohorts of ${COHORT}, figures are not the targets' sizes`);
  printTable([["action", "gas used", "target"], ...rows]);
  console.log(JSON.stringify(figures));
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
