import { id as selectorOf } from "ethers";
import { describe, expect, it } from "vitest";
import { deploySuite, hashOf, PURPOSE, salt, TOKEN } from "./fixtures";

/** The nested call must have been stopped by the guard itself, not by some other check. */
const REENTRANT_CALL = selectorOf("ReentrancyGuardReentrantCall()").slice(0, 10);

describe("an ERC-20 that re-enters on transfer", () => {
  it("cannot make withdraw pay twice", async () => {
    const suite = await deploySuite({ token: "reentrant" });
    const {
      marketplace,
      marketplaceAddress,
      attackToken,
      alice,
      carol,
      createListing,
      openRequest,
    } = suite;
    const { id } = await createListing(alice, { price: 10n * TOKEN });
    const request = await openRequest(carol, [id]);
    await (await suite.recordUse(request, 0)).wait();
    await (await suite.settle(request)).wait();
    await (
      await attackToken!.arm(
        marketplaceAddress,
        marketplace.interface.encodeFunctionData("withdraw"),
      )
    ).wait();

    await (await marketplace.connect(alice).withdraw()).wait();
    expect(await attackToken!.reentryAttempted()).toBe(true);
    expect(await attackToken!.reentrySucceeded()).toBe(false);
    expect(await attackToken!.reentryRevertData()).toBe(REENTRANT_CALL);
    expect(await marketplace.balanceOf(alice.address)).toBe(0n);
    expect(await attackToken!.balanceOf(marketplaceAddress)).toBe(0n);
  });

  it("cannot re-enter requestAccess while escrow is being pulled", async () => {
    const suite = await deploySuite({ token: "reentrant" });
    const { marketplace, marketplaceAddress, attackToken, alice, carol, createListing, now } =
      suite;
    const { id } = await createListing(alice, { price: 10n * TOKEN });
    // A purpose the consent does not allow escrows nothing, so only the guard can stop it.
    const reentry = marketplace.interface.encodeFunctionData("requestAccess", [
      salt(),
      [id],
      PURPOSE.PUBLIC_HEALTH,
      hashOf("p"),
      (await now()) + 86_400,
      10n * TOKEN,
    ]);
    await (await attackToken!.arm(marketplaceAddress, reentry)).wait();
    await (
      await marketplace
        .connect(carol)
        .requestAccess(salt(), [id], 0, hashOf("p"), (await now()) + 86_400, 10n * TOKEN)
    ).wait();
    expect(await attackToken!.reentryAttempted()).toBe(true);
    expect(await attackToken!.reentrySucceeded()).toBe(false);
    expect(await attackToken!.reentryRevertData()).toBe(REENTRANT_CALL);
    expect(await marketplace.totalEscrowed()).toBe(10n * TOKEN);
    expect(await attackToken!.balanceOf(marketplaceAddress)).toBe(10n * TOKEN);
  });

  it("cannot make withdrawRewards pay twice", async () => {
    const suite = await deploySuite({ token: "reentrant" });
    const { trialRegistry, attackToken, admin, alice } = suite;
    const trialSalt = salt();
    await (await trialRegistry.connect(admin).registerTrial(trialSalt, hashOf("p"))).wait();
    const trialId = await trialRegistry.trialIdFor(admin.address, trialSalt);
    await (
      await trialRegistry.connect(admin).fundRewards(trialId, 20n * TOKEN, 10n * TOKEN)
    ).wait();
    await suite.enroll(alice, trialId);
    const registryAddress = await trialRegistry.getAddress();
    await (
      await attackToken!.arm(
        registryAddress,
        trialRegistry.interface.encodeFunctionData("withdrawRewards"),
      )
    ).wait();
    await (await trialRegistry.connect(alice).withdrawRewards()).wait();
    expect(await attackToken!.reentrySucceeded()).toBe(false);
    expect(await attackToken!.reentryRevertData()).toBe(REENTRANT_CALL);
    expect(await attackToken!.balanceOf(registryAddress)).toBe(10n * TOKEN);
  });
});
