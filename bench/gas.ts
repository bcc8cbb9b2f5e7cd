/**
 * `npm run --silent bench:gas`: gas used by each contract action on Hardhat's in-process
 * chain (EDR, cancun, optimizer 200, via IR). Prints a table, then one JSON line with the
 * figures named in the issue. Targets: requestAccess <= 15,000 gas per listing at 100
 * listings, a 500-listing request < 30,000,000, grantConsent <= 60,000, recordDataUse
 * <= 35,000, withdraw <= 45,000.
 */
import type { ContractTransactionResponse } from "ethers";
import { deploySuite, hashOf, salt, TOKEN } from "../contracts/test/fixtures";

async function gasOf(send: Promise<ContractTransactionResponse>): Promise<number> {
  const receipt = await (await send).wait();
  if (!receipt || receipt.status !== 1) throw new Error("benchmark transaction failed");
  return Number(receipt.gasUsed);
}

async function main() {
  const suite = await deploySuite();
  const {
    marketplace,
    marketplaceAddress,
    trialRegistry,
    forwarder,
    admin,
    operator,
    relayer,
    alice,
    bob,
    carol,
    terms,
    now,
  } = suite;
  const figures: Record<string, number> = {};

  // Trials
  const trialSalt = salt();
  figures.registerTrial = await gasOf(
    trialRegistry.connect(admin).registerTrial(trialSalt, hashOf("protocol")),
  );
  const trialId = await trialRegistry.trialIdFor(admin.address, trialSalt);
  await (await trialRegistry.connect(admin).fundRewards(trialId, 1_000n * TOKEN, TOKEN)).wait();
  figures.enroll = await gasOf(
    trialRegistry.connect(alice).enroll(trialId, hashOf("subject|salt"), 1),
  );

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

  // Requests of 1, 100 and 500 listings (auto-approve, the common case)
  const listings: string[] = [];
  for (let index = 0; index < 500; index += 1) {
    listings.push((await suite.createListing(index % 2 === 0 ? alice : bob, { price: TOKEN })).id);
  }
  const single = await suite.openRequest(carol, [listingId]);
  figures.requestAccess_1 = Number(single.receipt!.gasUsed);
  figures.requestAccess_100 = Number(
    (await suite.openRequest(carol, listings.slice(0, 100))).receipt!.gasUsed,
  );
  figures.requestAccess_500 = Number((await suite.openRequest(carol, listings)).receipt!.gasUsed);

  // Decision, data use, settlement, withdrawal
  const { id: askId } = await suite.createListing(bob, { price: 10n * TOKEN, autoApprove: false });
  const pending = await suite.openRequest(carol, [askId]);
  figures.decide = await gasOf(
    marketplace
      .connect(bob)
      .decide(pending.requestId, 0, askId, 10n * TOKEN, pending.proof(0), true),
  );
  figures.recordDataUse = await gasOf(
    marketplace
      .connect(operator)
      .recordDataUse(
        single.requestId,
        0,
        listingId,
        10n * TOKEN,
        single.proof(0),
        hashOf("extract"),
      ),
  );
  figures.settle = await gasOf(marketplace.settle(single.requestId, [listingId], [10n * TOKEN]));
  figures.withdraw = await gasOf(marketplace.connect(alice).withdraw());

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
    ]),
  );

  const targets: Record<string, [number, string]> = {
    requestAccess_100: [15_000 * 100, "<= 15,000 per listing"],
    requestAccess_500: [30_000_000, "< 30,000,000 (one block)"],
    grantConsent: [60_000, "<= 60,000"],
    recordDataUse: [35_000, "<= 35,000"],
    withdraw: [45_000, "<= 45,000"],
  };
  const rows = Object.entries(figures).map(([action, gas]) => {
    const target = targets[action];
    const perListing = action.startsWith("requestAccess_")
      ? ` (${Math.round(gas / Number(action.split("_")[1])).toLocaleString("en-US")}/listing)`
      : "";
    return [
      action,
      `${gas.toLocaleString("en-US")}${perListing}`,
      target ? `${target[1]} ${gas <= target[0] ? "met" : "MISSED"}` : "",
    ];
  });
  const widths = [0, 1, 2].map((column) =>
    Math.max(
      ...rows.map((row) => row[column]!.length),
      ["action", "gas used", "target"][column]!.length,
    ),
  );
  const line = (cells: string[]) =>
    cells.map((cell, column) => cell.padEnd(widths[column]!)).join("  ");
  console.log(line(["action", "gas used", "target"]));
  console.log(line(widths.map((width) => "-".repeat(width))));
  for (const row of rows) console.log(line(row));
  console.log(JSON.stringify(figures));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
