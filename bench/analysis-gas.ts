/**
 * Contract gas figures shared by `bench:gas` and `bench:analysis`: fresh listings of distinct
 * owners, and the operator's recordAnalysis over every item of a request (issue 18).
 */
import { solidityPacked, type ContractTransactionResponse } from "ethers";
import { hashOf, mined, salt, TOKEN, type Suite } from "../contracts/test/fixtures";
import { settlementArgs } from "~/server/integrity/cohort-items";

/** Items per settlement transaction (500 distinct owners settle in three). */
export const SETTLE_BATCH = 200;

export async function gasOf(send: Promise<ContractTransactionResponse>): Promise<number> {
  const receipt = await mined(send);
  if (!receipt || receipt.status !== 1) throw new Error("benchmark transaction failed");
  return Number(receipt.gasUsed);
}

/** `count` unlinked listings, each owned by a fresh account acting through the forwarder. */
export async function listingsOfFreshOwners(
  suite: Suite,
  count: number,
  epsilonBudget = 0,
): Promise<string[]> {
  const ids: string[] = [];
  const expiresAt = (await suite.now()) + 365 * 86_400;
  for (let index = 0; index < count; index += 1) {
    const owner = suite.gaslessWallet();
    const listingSalt = salt();
    await owner.send(
      suite.marketplaceAddress,
      suite.marketplace.interface.encodeFunctionData("createListing", [
        listingSalt,
        hashOf(listingSalt),
        hashOf("report"),
        TOKEN,
        suite.terms({ expiresAt, epsilonBudget }),
      ]),
    );
    ids.push(await suite.marketplace.listingIdFor(owner.address, listingSalt));
  }
  return ids;
}

/**
 * Gas of the operator's recordAnalysis over every item of a fresh `cohort`-listing request
 * (each listing's first analysis: every budget word cold), of a second analysis of the same
 * listings, and of settling the first in batches. Figures are keyed by the cohort's size.
 */
export async function analysisGas(suite: Suite, figures: Record<string, number>, cohort: number) {
  const { marketplace, carol, operator } = suite;
  const listings = await listingsOfFreshOwners(suite, cohort, 1_000);
  const request = await suite.openRequest(carol, listings, { accessDays: 30 });
  await mined(marketplace.connect(carol).fundAnalyses(request.requestId, 2));
  const indices = request.items.map((item) => item.index);
  const record = (analysisId: string) =>
    marketplace.connect(operator).recordAnalysis(
      request.requestId,
      analysisId,
      hashOf(`query-${analysisId}`),
      hashOf(`output-${analysisId}`),
      50,
      solidityPacked(
        indices.map(() => "uint16"),
        indices,
      ),
    );
  const first = hashOf(salt());
  figures[`recordAnalysis_${cohort}`] = await gasOf(record(first));
  // A second analysis of the same listings: their budget words already hold a spent value.
  figures[`recordAnalysis_${cohort}_again`] = await gasOf(record(hashOf(salt())));
  const batches: number[] = [];
  for (let start = 0; start < cohort; start += SETTLE_BATCH) {
    const args = settlementArgs(request.tree, indices.slice(start, start + SETTLE_BATCH));
    batches.push(
      await gasOf(
        marketplace.settleItems(
          first,
          args.indices,
          args.listingIds,
          args.prices,
          args.proof,
          args.proofFlags,
        ),
      ),
    );
  }
  figures[`settleAnalysis_${cohort}_max_tx`] = Math.max(...batches);
}
