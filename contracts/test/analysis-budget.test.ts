import { keccak256, solidityPacked, AbiCoder, type Signer } from "ethers";
import { describe, expect, it } from "vitest";
import { settlementArgs } from "~/server/integrity/cohort-items";
import { DAY, deploySuite, hashOf, mined, salt, TOKEN, type Suite } from "./fixtures";

/**
 * Issue 18, piece 2: the privacy budget and analyses on chain. Each test is an attacker's steps;
 * the rules: no listing's ε is ever spent beyond the budget its owner set (re-granting never
 * resets it), only the operator records an analysis, once, against a prepaid credit and only on
 * items approved under a consent epoch still in force; settlement pays each used listing its
 * 10 % share once and returns the rest, so no token is created or lost.
 */
type Opened = Awaited<ReturnType<Suite["openRequest"]>>;

const packed = (indices: number[]) =>
  solidityPacked(
    indices.map(() => "uint16"),
    indices,
  );

function analysisIdOf(requestId: string, job = salt()) {
  return keccak256(AbiCoder.defaultAbiCoder().encode(["bytes32", "bytes32"], [requestId, job]));
}

/** The operator (or `caller`) records an analysis over items `indices` of `request`. */
function record(
  suite: Suite,
  request: Opened,
  indices: number[],
  epsilon: number,
  options: { analysisId?: string; caller?: Signer } = {},
) {
  const analysisId = options.analysisId ?? analysisIdOf(request.requestId);
  const send = suite.marketplace
    .connect(options.caller ?? suite.operator)
    .recordAnalysis(
      request.requestId,
      analysisId,
      hashOf(`query-${analysisId}`),
      hashOf(`output-${analysisId}`),
      epsilon,
      packed(indices),
    );
  return { analysisId, send };
}

function settleAnalysis(suite: Suite, request: Opened, analysisId: string, indices: number[]) {
  const args = settlementArgs(request.tree, indices);
  return suite.marketplace.settleItems(
    analysisId,
    args.indices,
    args.listingIds,
    args.prices,
    args.proof,
    args.proofFlags,
  );
}

async function budget(suite: Suite, listingId: string) {
  const [total, spent] = await suite.marketplace.privacyBudget(listingId);
  return { total: Number(total), spent: Number(spent) };
}

/** A request by carol over fresh listings of alice and bob, each with `epsilonBudget`. */
async function cohort(suite: Suite, epsilonBudget: number, credits = 3) {
  const { id: a } = await suite.createListing(suite.alice, { price: 10n * TOKEN, epsilonBudget });
  const { id: b } = await suite.createListing(suite.bob, { price: 7n * TOKEN, epsilonBudget });
  const request = await suite.openRequest(suite.carol, [a, b], { accessDays: 30 });
  if (credits)
    await mined(suite.marketplace.connect(suite.carol).fundAnalyses(request.requestId, credits));
  return request;
}

describe("the budget is never overspent", () => {
  it("one analysis asking more than is left is refused whole: nothing spent, no credit used", async () => {
    const suite = await deploySuite();
    const request = await cohort(suite, 100);
    const [first, second] = request.items.map((item) => item.listingId) as [string, string];
    await mined(record(suite, request, [0, 1], 60).send);
    const tooMuch = record(suite, request, [0, 1], 50);
    await expect(tooMuch.send).rejects.toThrow(/BudgetExhausted/);
    expect(await budget(suite, first)).toEqual({ total: 100, spent: 60 });
    expect(await budget(suite, second)).toEqual({ total: 100, spent: 60 });
    expect((await suite.marketplace.analysisOf(tooMuch.analysisId))[0]).toBe("0x" + "0".repeat(64));
    expect((await suite.marketplace.analysisCredits(request.requestId))[0]).toBe(2n);
    // Exactly what is left still passes: 0.40 of 1.00.
    await mined(record(suite, request, [0, 1], 40).send);
    expect(await budget(suite, first)).toEqual({ total: 100, spent: 100 });
  });

  it("one exhausted listing refuses the whole analysis, the other listings are not charged", async () => {
    const suite = await deploySuite();
    const { id: small } = await suite.createListing(suite.alice, { epsilonBudget: 30 });
    const { id: large } = await suite.createListing(suite.bob, { epsilonBudget: 500 });
    const request = await suite.openRequest(suite.carol, [small, large]);
    await mined(suite.marketplace.connect(suite.carol).fundAnalyses(request.requestId, 1));
    await expect(record(suite, request, [0, 1], 50).send).rejects.toThrow(/BudgetExhausted/);
    expect(await budget(suite, small)).toEqual({ total: 30, spent: 0 });
    expect(await budget(suite, large)).toEqual({ total: 500, spent: 0 });
  });

  it("two analyses racing in one block for the last ε: exactly one is charged", async () => {
    const suite = await deploySuite();
    const { marketplace, provider, alice, carol, admin } = suite;
    const { id } = await suite.createListing(alice, { epsilonBudget: 100 });
    // Two researchers, two requests, one listing.
    const mine = await suite.openRequest(carol, [id]);
    const theirs = await suite.openRequest(admin, [id]);
    await mined(marketplace.connect(carol).fundAnalyses(mine.requestId, 1));
    await mined(marketplace.connect(admin).fundAnalyses(theirs.requestId, 1));
    await provider.request({ method: "evm_setAutomine", params: [false] });
    try {
      // Ids only: `record` would send its own transaction at once, beside these two.
      const one = { analysisId: analysisIdOf(mine.requestId) };
      const other = { analysisId: analysisIdOf(theirs.requestId) };
      const sent = [
        await marketplace
          .connect(suite.operator)
          .recordAnalysis.populateTransaction(
            mine.requestId,
            one.analysisId,
            hashOf("q1"),
            hashOf("o1"),
            60,
            packed([0]),
          ),
        await marketplace
          .connect(suite.operator)
          .recordAnalysis.populateTransaction(
            theirs.requestId,
            other.analysisId,
            hashOf("q2"),
            hashOf("o2"),
            60,
            packed([0]),
          ),
      ];
      const hashes = [];
      for (const tx of sent)
        hashes.push((await suite.operator.sendTransaction({ ...tx, gasLimit: 500_000n })).hash);
      await provider.request({ method: "evm_mine", params: [] });
      const receipts = await Promise.all(
        hashes.map((hash) => suite.ethers.provider.getTransactionReceipt(hash)),
      );
      expect(receipts.map((receipt) => receipt?.status).sort()).toEqual([0, 1]);
      expect(receipts[0]?.blockNumber).toBe(receipts[1]?.blockNumber);
    } finally {
      await provider.request({ method: "evm_setAutomine", params: [true] });
    }
    expect(await budget(suite, id)).toEqual({ total: 100, spent: 60 });
  });

  it("fixed point: 3 × 0.33 then 0.01 fills 1.00 exactly, a further 0.01 is refused", async () => {
    const suite = await deploySuite();
    const request = await cohort(suite, 100, 5);
    for (let run = 0; run < 3; run += 1) await mined(record(suite, request, [0], 33).send);
    await mined(record(suite, request, [0], 1).send);
    await expect(record(suite, request, [0], 1).send).rejects.toThrow(/BudgetExhausted/);
    expect(await budget(suite, request.items[0]!.listingId)).toEqual({ total: 100, spent: 100 });
  });
});

describe("re-granting consent never resets what was spent", () => {
  it("revoke and grant again keeps spent; a larger grant leaves only the difference; below spent is refused", async () => {
    const suite = await deploySuite();
    const { marketplace, alice, carol, now } = suite;
    const { id, consent } = await suite.createListing(alice, { epsilonBudget: 100 });
    const first = await suite.openRequest(carol, [id]);
    await mined(marketplace.connect(carol).fundAnalyses(first.requestId, 1));
    await mined(record(suite, first, [0], 100).send);

    await mined(marketplace.connect(alice).revokeConsent(id));
    const again = { ...consent, expiresAt: (await now()) + 365 * DAY, termsHash: hashOf("v2") };
    await mined(marketplace.connect(alice).grantConsent(id, { ...again, epsilonBudget: 100 }));
    expect(await budget(suite, id)).toEqual({ total: 100, spent: 100 });
    const second = await suite.openRequest(carol, [id]);
    await mined(marketplace.connect(carol).fundAnalyses(second.requestId, 2));
    await expect(record(suite, second, [0], 1).send).rejects.toThrow(/BudgetExhausted/);

    // Granting with 2.00 leaves 1.00; the old request's epoch ended with the grant.
    await mined(marketplace.connect(alice).grantConsent(id, { ...again, epsilonBudget: 200 }));
    expect(await budget(suite, id)).toEqual({ total: 200, spent: 100 });
    await expect(record(suite, second, [0], 1).send).rejects.toThrow(/ConsentEpochEnded/);
    const third = await suite.openRequest(carol, [id]);
    await mined(marketplace.connect(carol).fundAnalyses(third.requestId, 1));
    await mined(record(suite, third, [0], 100).send);
    expect(await budget(suite, id)).toEqual({ total: 200, spent: 200 });

    // Lowering below what was spent is refused and changes nothing.
    await expect(
      marketplace.connect(alice).grantConsent(id, { ...again, epsilonBudget: 50 }),
    ).rejects.toThrow(/BudgetBelowSpent/);
    expect(await budget(suite, id)).toEqual({ total: 200, spent: 200 });
    const [terms] = await marketplace.consentOf(id);
    expect(terms.epsilonBudget).toBe(200n);
  });

  it("a listing that used up its 8-bit tick moves to a new consent slot and takes its spent along", async () => {
    const suite = await deploySuite();
    const { marketplace, alice, bob, carol, now } = suite;
    const { id, consent } = await suite.createListing(alice, { epsilonBudget: 100 });
    // Created next: its slot shares the budget word of alice's old and new slots.
    const { id: neighbour } = await suite.createListing(bob, { epsilonBudget: 300 });
    const first = await suite.openRequest(carol, [id, neighbour]);
    await mined(marketplace.connect(carol).fundAnalyses(first.requestId, 1));
    await mined(record(suite, first, [0, 1], 70).send);

    // Each grant ends the epoch and starts the next: two ticks; 253 is the last one in force.
    const again = { ...consent, expiresAt: (await now()) + 365 * DAY };
    for (let grant = 0; grant < 130; grant += 1)
      await mined(marketplace.connect(alice).grantConsent(id, again));
    expect(await budget(suite, id)).toEqual({ total: 100, spent: 70 });
    expect(await budget(suite, neighbour)).toEqual({ total: 300, spent: 70 });
    await expect(
      marketplace.connect(alice).grantConsent(id, { ...again, epsilonBudget: 69 }),
    ).rejects.toThrow(/BudgetBelowSpent/);

    const later = await suite.openRequest(carol, [id, neighbour]);
    await mined(marketplace.connect(carol).fundAnalyses(later.requestId, 2));
    const at = later.items.findIndex((item) => item.listingId === id);
    await expect(record(suite, later, [at], 31).send).rejects.toThrow(/BudgetExhausted/);
    await mined(record(suite, later, [0, 1], 30).send);
    expect(await budget(suite, id)).toEqual({ total: 100, spent: 100 });
    expect(await budget(suite, neighbour)).toEqual({ total: 300, spent: 100 });
  });

  it("a neighbour's grant, in the same budget word, never touches another listing's spent", async () => {
    const suite = await deploySuite();
    const { marketplace, alice, bob, carol, now } = suite;
    const { id: charged } = await suite.createListing(alice, { epsilonBudget: 100 });
    const { id: neighbour, consent } = await suite.createListing(bob, { epsilonBudget: 100 });
    const request = await suite.openRequest(carol, [charged, neighbour]);
    await mined(marketplace.connect(carol).fundAnalyses(request.requestId, 2));
    const at = request.items.findIndex((item) => item.listingId === charged);
    await mined(record(suite, request, [at], 80).send);
    expect(await budget(suite, neighbour)).toEqual({ total: 100, spent: 0 });
    const again = { ...consent, expiresAt: (await now()) + 365 * DAY };
    await mined(marketplace.connect(bob).grantConsent(neighbour, { ...again, epsilonBudget: 0 }));
    await mined(marketplace.connect(bob).grantConsent(neighbour, { ...again, epsilonBudget: 900 }));
    expect(await budget(suite, charged)).toEqual({ total: 100, spent: 80 });
    expect(await budget(suite, neighbour)).toEqual({ total: 900, spent: 0 });
    await expect(record(suite, request, [at], 21).send).rejects.toThrow(/BudgetExhausted/);
  });

  it("re-consent after protocol amendments keeps spent, also when it moves the listing to a new slot", async () => {
    const suite = await deploySuite();
    const { marketplace, trialRegistry, admin, alice, carol } = suite;
    const trialId = await suite.registerTrial();
    await suite.enroll(alice, trialId);
    const { id } = await suite.createListing(alice, { epsilonBudget: 100, trialId });
    const before = await suite.openRequest(carol, [id]);
    await mined(marketplace.connect(carol).fundAnalyses(before.requestId, 1));
    await mined(record(suite, before, [0], 60).send);
    // An amendment ends the epoch (one tick), the re-consent starts the next (another): past
    // tick 253 the listing moves to a new slot.
    for (let version = 2; version < 131; version += 1) {
      await mined(trialRegistry.connect(admin).amendProtocol(trialId, hashOf(`v${version}`)));
      await mined(trialRegistry.connect(alice).reconsent(trialId));
      if (version === 2 || version > 126)
        expect(await budget(suite, id)).toEqual({ total: 100, spent: 60 });
    }
    const after = await suite.openRequest(carol, [id]);
    await mined(marketplace.connect(carol).fundAnalyses(after.requestId, 2));
    await expect(record(suite, after, [0], 41).send).rejects.toThrow(/BudgetExhausted/);
    await mined(record(suite, after, [0], 40).send);
    expect(await budget(suite, id)).toEqual({ total: 100, spent: 100 });
  });

  it("a listing without a budget (0, the default) takes part in no analysis", async () => {
    const suite = await deploySuite();
    const request = await cohort(suite, 0);
    await expect(record(suite, request, [0], 1).send).rejects.toThrow(/BudgetExhausted/);
  });
});

describe("only the operator records, once, against a credit", () => {
  it("the researcher, an owner or anyone else cannot record an analysis", async () => {
    const suite = await deploySuite();
    const request = await cohort(suite, 100);
    for (const caller of [suite.carol, suite.alice, suite.mallory, suite.admin])
      await expect(record(suite, request, [0], 10, { caller }).send).rejects.toThrow(/NotOperator/);
    expect(await budget(suite, request.items[0]!.listingId)).toEqual({ total: 100, spent: 0 });
  });

  it("a replayed record of the same analysis id is refused: ε and the credit are charged once", async () => {
    const suite = await deploySuite();
    const request = await cohort(suite, 100, 3);
    const first = record(suite, request, [0, 1], 20);
    await mined(first.send);
    await expect(
      record(suite, request, [0, 1], 20, { analysisId: first.analysisId }).send,
    ).rejects.toThrow(/AnalysisAlreadyRecorded/);
    expect(await budget(suite, request.items[1]!.listingId)).toEqual({ total: 100, spent: 20 });
    expect((await suite.marketplace.analysisCredits(request.requestId))[0]).toBe(2n);
    const [requestId, outputHash, epsilon, listings, settled] = await suite.marketplace.analysisOf(
      first.analysisId,
    );
    expect([requestId, outputHash, epsilon, listings, settled]).toEqual([
      request.requestId,
      hashOf(`output-${first.analysisId}`),
      20n,
      2n,
      0n,
    ]);
  });

  it("an analysis id equal to a request's id is refused, so that request's settlement stays its own", async () => {
    const suite = await deploySuite();
    const request = await cohort(suite, 100, 3);
    const other = await cohort(suite, 100, 0);
    await expect(
      record(suite, request, [0], 10, { analysisId: other.requestId }).send,
    ).rejects.toThrow(/InvalidAnalysis/);
    await expect(
      record(suite, request, [0], 10, { analysisId: request.requestId }).send,
    ).rejects.toThrow(/InvalidAnalysis/);
    expect((await suite.marketplace.analysisCredits(request.requestId))[0]).toBe(3n);
  });

  it("no credit, no record; credits are bought only by the request's researcher", async () => {
    const suite = await deploySuite();
    const { marketplace, carol, admin } = suite;
    const request = await cohort(suite, 100, 0);
    await expect(record(suite, request, [0], 10).send).rejects.toThrow(/NoAnalysisCredit/);
    await expect(marketplace.connect(admin).fundAnalyses(request.requestId, 1)).rejects.toThrow(
      /NotRequestResearcher/,
    );
    await mined(marketplace.connect(carol).fundAnalyses(request.requestId, 1));
    await mined(record(suite, request, [0], 10).send);
    await expect(record(suite, request, [0], 10).send).rejects.toThrow(/NoAnalysisCredit/);
  });

  it("a signed fundAnalyses relayed through the forwarder credits the signer once; its replay is refused", async () => {
    const suite = await deploySuite();
    const { marketplace, marketplaceAddress, forwarder, relayer, carol } = suite;
    const request = await cohort(suite, 100, 0);
    const [, fee] = await marketplace.analysisCredits(request.requestId);
    expect(fee).toBe((17n * TOKEN) / 10n);
    const forward = await suite.signForward(
      carol,
      marketplaceAddress,
      marketplace.interface.encodeFunctionData("fundAnalyses", [request.requestId, 2]),
    );
    await mined(forwarder.connect(relayer).execute(forward));
    expect((await marketplace.analysisCredits(request.requestId))[0]).toBe(2n);
    await expect(forwarder.connect(relayer).execute(forward)).rejects.toThrow();
    expect((await marketplace.analysisCredits(request.requestId))[0]).toBe(2n);
  });

  it("bad analyses are refused: ε 0, a zero hash, unsorted, repeated, missing, odd or foreign items", async () => {
    const suite = await deploySuite();
    const { marketplace, operator } = suite;
    const request = await cohort(suite, 100);
    const ids = request.items.map((item) => item.listingId);
    const send = (indices: string, outputHash = hashOf("o")) =>
      marketplace
        .connect(operator)
        .recordAnalysis(
          request.requestId,
          analysisIdOf(request.requestId),
          hashOf("q"),
          outputHash,
          10,
          indices,
        );
    await expect(record(suite, request, [0, 1], 0).send).rejects.toThrow(/InvalidAnalysis/);
    await expect(record(suite, request, [1, 0], 10).send).rejects.toThrow(/InvalidAnalysis/);
    await expect(record(suite, request, [0, 0], 10).send).rejects.toThrow(/InvalidAnalysis/);
    await expect(record(suite, request, [], 10).send).rejects.toThrow(/InvalidAnalysis/);
    // Three bytes: a stray byte must not be read as half an item.
    await expect(send("0x000001")).rejects.toThrow(/InvalidAnalysis/);
    await expect(send(packed([0]), "0x" + "0".repeat(64))).rejects.toThrow(/InvalidAnalysis/);
    // An index past the request's items names no listing (its word holds nothing).
    await expect(record(suite, request, [0, 2], 10).send).rejects.toThrow(/WrongItemStatus/);
    await expect(record(suite, request, [0, 65_535], 10).send).rejects.toThrow(/WrongItemStatus/);
    for (const id of ids) expect(await budget(suite, id)).toEqual({ total: 100, spent: 0 });
  });
});

describe("only approved items under live consent, within the access period", () => {
  it("an item whose owner revoked, or that waits for approval or was rejected, refuses the whole analysis", async () => {
    const suite = await deploySuite();
    const { marketplace, alice, bob, carol, mallory } = suite;
    const { id: revoked } = await suite.createListing(alice, { epsilonBudget: 100 });
    const { id: waiting } = await suite.createListing(bob, {
      epsilonBudget: 100,
      autoApprove: false,
    });
    const { id: fine } = await suite.createListing(mallory, { epsilonBudget: 100 });
    const request = await suite.openRequest(carol, [revoked, waiting, fine]);
    await mined(marketplace.connect(carol).fundAnalyses(request.requestId, 1));
    const at = (id: string) => request.items.findIndex((item) => item.listingId === id);

    await expect(record(suite, request, [at(waiting)].sort(), 10).send).rejects.toThrow(
      /WrongItemStatus/,
    );
    await mined(suite.decide(bob, request, at(waiting), false));
    await expect(record(suite, request, [at(waiting)], 10).send).rejects.toThrow(/WrongItemStatus/);
    await mined(marketplace.connect(alice).revokeConsent(revoked));
    await expect(record(suite, request, [at(revoked), at(fine)].sort(), 10).send).rejects.toThrow(
      /ConsentEpochEnded/,
    );
    for (const id of [revoked, waiting, fine]) expect((await budget(suite, id)).spent).toBe(0);
    expect((await marketplace.analysisCredits(request.requestId))[0]).toBe(1n);
  });

  it("an amendment of the linked trial's protocol ends the epoch: no analysis until re-consent", async () => {
    const suite = await deploySuite();
    const { marketplace, trialRegistry, admin, alice, carol } = suite;
    const trialId = await suite.registerTrial();
    await suite.enroll(alice, trialId);
    const { id } = await suite.createListing(alice, { epsilonBudget: 100, trialId });
    const request = await suite.openRequest(carol, [id]);
    await mined(marketplace.connect(carol).fundAnalyses(request.requestId, 1));
    await mined(trialRegistry.connect(admin).amendProtocol(trialId, hashOf("protocol v2")));
    await expect(record(suite, request, [0], 10).send).rejects.toThrow(/ConsentEpochEnded/);
    expect((await budget(suite, id)).spent).toBe(0);
  });

  it("after the access period (the consent's expiry is never earlier) nothing is recorded and no credits are bought", async () => {
    const suite = await deploySuite();
    const { marketplace, carol } = suite;
    const request = await cohort(suite, 100, 1);
    await suite.increaseTime(31 * DAY);
    await expect(record(suite, request, [0], 10).send).rejects.toThrow(/AccessPeriodEnded/);
    await expect(marketplace.connect(carol).fundAnalyses(request.requestId, 1)).rejects.toThrow(
      /AccessPeriodEnded/,
    );
  });

  it("while paused nothing is recorded", async () => {
    const suite = await deploySuite();
    const request = await cohort(suite, 100, 1);
    await mined(suite.marketplace.connect(suite.admin).pause());
    await expect(record(suite, request, [0], 10).send).rejects.toThrow(/MarketplacePaused/);
  });
});

describe("settlement pays each used listing once and returns the rest", () => {
  it("settling twice, with a forged price, or an item the analysis did not use is refused", async () => {
    const suite = await deploySuite();
    const { marketplace } = suite;
    const request = await cohort(suite, 100, 2);
    const first = record(suite, request, [0], 10);
    await mined(first.send);
    const second = record(suite, request, [1], 10);
    await mined(second.send);

    // Another analysis's item.
    await expect(settleAnalysis(suite, request, first.analysisId, [1])).rejects.toThrow(
      /NotInAnalysis/,
    );
    // A forged price: the leaf is not in the request's tree.
    const args = settlementArgs(request.tree, [0]);
    await expect(
      marketplace.settleItems(
        first.analysisId,
        args.indices,
        args.listingIds,
        [args.prices[0]! * 10n],
        args.proof,
        args.proofFlags,
      ),
    ).rejects.toThrow(/InvalidItems/);
    await mined(settleAnalysis(suite, request, first.analysisId, [0]));
    await expect(settleAnalysis(suite, request, first.analysisId, [0])).rejects.toThrow(
      /AlreadySettled/,
    );
    // An id that is neither a request nor an analysis.
    await expect(settleAnalysis(suite, request, hashOf("nothing"), [0])).rejects.toThrow(
      /UnknownRequest/,
    );
    const [, , , listings, settled] = await marketplace.analysisOf(first.analysisId);
    expect([listings, settled]).toEqual([1n, 1n]);
  });

  it("fees and refunds add up exactly: no token is created or lost", async () => {
    const suite = await deploySuite();
    const { marketplace, token, admin, alice, bob, carol, mallory } = suite;
    await mined(marketplace.connect(admin).setFee(500, admin.address));
    // Prices that do not divide by 10 (rounding) and a listing no analysis uses.
    const { id: a } = await suite.createListing(alice, {
      price: 10n * TOKEN + 7n,
      epsilonBudget: 300,
    });
    const { id: b } = await suite.createListing(bob, {
      price: 3n * TOKEN + 3n,
      epsilonBudget: 300,
    });
    const { id: c } = await suite.createListing(mallory, { price: 5n * TOKEN, epsilonBudget: 300 });
    const request = await suite.openRequest(carol, [a, b, c]);
    const at = (id: string) => request.items.findIndex((item) => item.listingId === id);
    const [, fee] = await marketplace.analysisCredits(request.requestId);
    const escrowed = 18n * TOKEN + 10n;
    expect(fee).toBe((escrowed * 1_000n) / 10_000n);

    const accounts = [admin, alice, bob, carol, mallory].map((signer) => signer.address);
    const invariant = async () => {
      const balances = await Promise.all(accounts.map((account) => marketplace.balanceOf(account)));
      expect(await token.balanceOf(suite.marketplaceAddress)).toBe(
        (await marketplace.totalEscrowed()) + balances.reduce((sum, value) => sum + value, 0n),
      );
    };
    await mined(marketplace.connect(carol).fundAnalyses(request.requestId, 3));
    await invariant();

    const used = [at(a), at(b)].sort();
    const one = record(suite, request, used, 50);
    await mined(one.send);
    const two = record(suite, request, [at(c)], 50);
    await mined(two.send);
    await invariant();

    const share = (price: bigint) => (price * 1_000n) / 10_000n;
    const less = (value: bigint) => value - (value * 500n) / 10_000n;
    // The first analysis settles in two batches; only the last one refunds.
    await mined(settleAnalysis(suite, request, one.analysisId, [used[0]!]));
    await invariant();
    await mined(settleAnalysis(suite, request, one.analysisId, [used[1]!]));
    await mined(settleAnalysis(suite, request, two.analysisId, [at(c)]));
    await invariant();
    const shares = {
      a: share(10n * TOKEN + 7n),
      b: share(3n * TOKEN + 3n),
      c: share(5n * TOKEN),
    };
    expect(await marketplace.balanceOf(alice.address)).toBe(less(shares.a));
    expect(await marketplace.balanceOf(bob.address)).toBe(less(shares.b));
    expect(await marketplace.balanceOf(mallory.address)).toBe(less(shares.c));
    const fees = shares.a - less(shares.a) + shares.b - less(shares.b) + shares.c - less(shares.c);
    expect(await marketplace.balanceOf(admin.address)).toBe(fees);
    // Each analysis cost `fee`; what its listings did not take went back to the researcher.
    const refunds = fee - shares.a - shares.b + (fee - shares.c);
    expect(await marketplace.balanceOf(carol.address)).toBe(refunds);

    // The third credit was never used: it returns after the access period, once.
    await expect(marketplace.refundAnalysisCredits(request.requestId)).rejects.toThrow(
      /AccessPeriodRunning/,
    );
    await suite.increaseTime(31 * DAY);
    await mined(marketplace.connect(mallory).refundAnalysisCredits(request.requestId));
    await expect(marketplace.refundAnalysisCredits(request.requestId)).rejects.toThrow(
      /NoAnalysisCredit/,
    );
    expect(await marketplace.balanceOf(carol.address)).toBe(refunds + fee);
    // Settling the request itself still works and everything left escrow.
    await mined(suite.settle(request));
    await invariant();
    expect(await marketplace.totalEscrowed()).toBe(0n);
  });
});

describe("the marketplace fits the EIP-170 code size limit", () => {
  it("deployed code is at most 24,576 bytes", async () => {
    const suite = await deploySuite();
    const code = await suite.ethers.provider.getCode(suite.marketplaceAddress);
    expect((code.length - 2) / 2).toBeLessThanOrEqual(24_576);
  });
});
