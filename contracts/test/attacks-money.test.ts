import { describe, expect, it } from "vitest";
import { DAY, deploySuite, hashOf, ITEM, mined, salt, TOKEN } from "./fixtures";

/**
 * Issue 11, money (items 1, 2, 4). Each test is the attacker's steps; the rule: an owner is paid
 * for an item only if it was delivered, or stayed deliverable for the whole access window under
 * the consent epoch it was approved with; everything else goes back to the researcher.
 */
describe("1. owners are paid only for data delivered or deliverable for the whole window", () => {
  it("(a) an auto-approving owner who revokes after the request is not paid for an undelivered item", async () => {
    const suite = await deploySuite();
    const { marketplace, alice, carol, increaseTime } = suite;
    const { id } = await suite.createListing(alice, { price: 10n * TOKEN });
    const request = await suite.openRequest(carol, [id], { accessDays: 30 });
    await mined(marketplace.connect(alice).revokeConsent(id));
    await expect(suite.recordUse(request, 0)).rejects.toThrow(/ConsentEpochEnded/);
    await increaseTime(31 * DAY);
    await mined(suite.settle(request));
    expect(await marketplace.balanceOf(alice.address)).toBe(0n);
    expect(await marketplace.balanceOf(carol.address)).toBe(10n * TOKEN);
  });

  it("(a) a revocation cannot take back payment for what was already delivered", async () => {
    const suite = await deploySuite();
    const { marketplace, alice, carol } = suite;
    const { id } = await suite.createListing(alice, { price: 10n * TOKEN });
    const request = await suite.openRequest(carol, [id]);
    await mined(suite.recordUse(request, 0));
    await mined(marketplace.connect(alice).revokeConsent(id));
    // Delivered items settle at once, before the access period ends.
    await mined(suite.settle(request));
    expect(await marketplace.balanceOf(alice.address)).toBe(10n * TOKEN);
  });

  it("(a) an undelivered item whose consent stayed in force is paid only after the window, and a revocation after the window does not refund it", async () => {
    const suite = await deploySuite();
    const { marketplace, alice, carol, increaseTime } = suite;
    const { id } = await suite.createListing(alice, { price: 10n * TOKEN });
    const request = await suite.openRequest(carol, [id], { accessDays: 30 });
    await expect(suite.settle(request)).rejects.toThrow(/SettlementTooEarly/);
    await increaseTime(31 * DAY);
    await mined(marketplace.connect(alice).revokeConsent(id));
    await mined(suite.settle(request));
    expect(await marketplace.balanceOf(alice.address)).toBe(10n * TOKEN);
    expect(await marketplace.balanceOf(carol.address)).toBe(0n);
  });

  it("(b) a listing whose consent expires before the access period ends is not escrowed", async () => {
    const suite = await deploySuite();
    const { marketplace, token, alice, carol } = suite;
    const { id } = await suite.createListing(alice, { price: 10n * TOKEN, expiresInDays: 10 });
    const before = await token.balanceOf(carol.address);
    const request = await suite.openRequest(carol, [id], { accessDays: 30 });
    expect(await marketplace.itemStatus(request.requestId, 0)).toBe(ITEM.EXCLUDED);
    expect(await token.balanceOf(carol.address)).toBe(before);
    expect(await marketplace.totalEscrowed()).toBe(0n);
  });

  it("(c) an owner cannot approve once the access period has ended", async () => {
    const suite = await deploySuite();
    const { alice, carol, increaseTime } = suite;
    const { id } = await suite.createListing(alice, { price: 10n * TOKEN, autoApprove: false });
    const request = await suite.openRequest(carol, [id], { accessDays: 1 });
    await increaseTime(2 * DAY); // the 7-day decision window is still open
    await expect(suite.decide(alice, request, 0, true)).rejects.toThrow(/AccessPeriodEnded/);
  });
});

describe("2. a price raised in front of a pending request cannot draw more than the researcher's maximum", () => {
  it("refuses a request relayed after the owner raised the price, and takes nothing", async () => {
    const suite = await deploySuite();
    const { marketplace, marketplaceAddress, token, alice, carol, forwarder, relayer, now } = suite;
    const { id } = await suite.createListing(alice, { price: 10n });
    // Carol signs her request at today's price; the signed request stays valid for hours.
    const call = marketplace.interface.encodeFunctionData("requestAccess", [
      salt(),
      [id],
      0,
      hashOf("plan"),
      (await now()) + 30 * DAY,
      10n,
    ]);
    const signed = await suite.signForward(carol, marketplaceAddress, call);
    // Alice sees it waiting and raises her price first.
    await mined(marketplace.connect(alice).updatePrice(id, 500_000n * TOKEN));
    const before = await token.balanceOf(carol.address);
    // The forwarder reports the inner revert as FailedCall; sent directly, the reason shows.
    await expect(forwarder.connect(relayer).execute(signed)).rejects.toThrow(/FailedCall/);
    await expect(
      marketplace
        .connect(carol)
        .requestAccess(salt(), [id], 0, hashOf("p"), (await now()) + DAY, 10n),
    ).rejects.toThrow(/PriceAboveMaximum/);
    expect(await token.balanceOf(carol.address)).toBe(before);
    expect(await marketplace.totalEscrowed()).toBe(0n);
  });
});

describe("4. pools, fees and tokens", () => {
  it("lets the sponsor take back an unused reward pool, and nobody else", async () => {
    const suite = await deploySuite();
    const { trialRegistry, token, admin, mallory } = suite;
    const trialId = await suite.registerTrial();
    await mined(trialRegistry.connect(admin).fundRewards(trialId, 100n * TOKEN, 10n * TOKEN));
    await expect(trialRegistry.connect(mallory).reclaimRewards(trialId, TOKEN)).rejects.toThrow(
      /NotTrialSponsor/,
    );
    await expect(
      trialRegistry.connect(admin).reclaimRewards(trialId, 101n * TOKEN),
    ).rejects.toThrow(/InsufficientPool/);
    const before = await token.balanceOf(admin.address);
    await mined(trialRegistry.connect(admin).reclaimRewards(trialId, 60n * TOKEN));
    expect((await token.balanceOf(admin.address)) - before).toBe(60n * TOKEN);
    expect(await trialRegistry.rewardPool(trialId)).toEqual([40n * TOKEN, 10n * TOKEN]);
  });

  it("refuses a zero reward per enrolment, which would freeze the pool", async () => {
    const suite = await deploySuite();
    const trialId = await suite.registerTrial();
    await expect(
      suite.trialRegistry.connect(suite.admin).fundRewards(trialId, 100n * TOKEN, 0n),
    ).rejects.toThrow(/ZeroAmount/);
  });

  it("refuses amounts beyond 128 bits instead of cutting them", async () => {
    const suite = await deploySuite();
    const { trialRegistry, token, admin } = suite;
    const trialId = await suite.registerTrial();
    await mined(token.mint(admin.address, 2n ** 129n));
    await expect(
      trialRegistry.connect(admin).fundRewards(trialId, 2n ** 128n, TOKEN),
    ).rejects.toThrow(/SafeCastOverflowedUintDowncast/);
  });

  it("refuses a zero fee recipient and pays fees to the recipient fixed when the request was made", async () => {
    const suite = await deploySuite();
    const { marketplace, admin, alice, carol, mallory } = suite;
    await expect(marketplace.connect(admin).setFee(100, `0x${"0".repeat(40)}`)).rejects.toThrow(
      /ZeroAddress/,
    );
    await mined(marketplace.connect(admin).setFee(1_000, admin.address));
    const { id } = await suite.createListing(alice, { price: 10n * TOKEN });
    const request = await suite.openRequest(carol, [id]);
    await mined(marketplace.connect(admin).setFee(1_000, mallory.address));
    await mined(suite.recordUse(request, 0));
    await mined(suite.settle(request));
    expect(await marketplace.balanceOf(admin.address)).toBe(TOKEN);
    expect(await marketplace.balanceOf(mallory.address)).toBe(0n);
    const [settled] = await marketplace.queryFilter(
      marketplace.filters.RequestSettled(request.requestId),
    );
    expect(settled?.args.feeRecipient).toBe(admin.address);
  });

  it("refuses a token that delivers less than it was asked to transfer", async () => {
    const suite = await deploySuite({ token: "feeOnTransfer" });
    const { marketplace, trialRegistry, admin, alice, carol } = suite;
    const { id } = await suite.createListing(alice, { price: 10n * TOKEN });
    await expect(suite.openRequest(carol, [id])).rejects.toThrow(/TokenTransferShortfall/);
    const trialId = await suite.registerTrial();
    await expect(
      trialRegistry.connect(admin).fundRewards(trialId, 100n * TOKEN, TOKEN),
    ).rejects.toThrow(/TokenTransferShortfall/);
    expect(await marketplace.totalEscrowed()).toBe(0n);
  });
});
