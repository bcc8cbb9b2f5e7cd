import { describe, expect, it } from "vitest";
import { deploySuite, hashOf, salt, TOKEN } from "./fixtures";

describe("gasless actions through the ERC-2771 forwarder", () => {
  it("creates a listing, requests access, decides and withdraws as the signers, with the relayer paying gas", async () => {
    const suite = await deploySuite();
    const {
      marketplace,
      marketplaceAddress,
      forwarder,
      relayer,
      alice,
      carol,
      operator,
      signForward,
      terms,
      now,
    } = suite;
    const aliceEth = await suite.ethers.provider.getBalance(alice.address);
    const carolEth = await suite.ethers.provider.getBalance(carol.address);

    const listingSalt = salt();
    const consent = terms({ expiresAt: (await now()) + 2 * 86_400, autoApprove: false });
    const create = marketplace.interface.encodeFunctionData("createListing", [
      listingSalt,
      hashOf("root"),
      hashOf("report"),
      10n * TOKEN,
      consent,
    ]);
    await (
      await forwarder.connect(relayer).execute(await signForward(alice, marketplaceAddress, create))
    ).wait();
    const listingId = await marketplace.listingIdFor(alice.address, listingSalt);
    expect((await marketplace.getListing(listingId))[0]).toBe(alice.address);

    const requestSalt = salt();
    const request = marketplace.interface.encodeFunctionData("requestAccess", [
      requestSalt,
      [listingId],
      0,
      hashOf("plan"),
      (await now()) + 86_400,
      10n * TOKEN,
    ]);
    await (
      await forwarder
        .connect(relayer)
        .execute(await signForward(carol, marketplaceAddress, request))
    ).wait();
    const requestId = await marketplace.requestIdFor(carol.address, requestSalt);
    expect((await marketplace.getRequest(requestId))[0]).toBe(carol.address);

    const decide = marketplace.interface.encodeFunctionData("decide", [
      requestId,
      0,
      listingId,
      10n * TOKEN,
      [],
      true,
    ]);
    await (
      await forwarder.connect(relayer).execute(await signForward(alice, marketplaceAddress, decide))
    ).wait();
    await (await marketplace.connect(operator).recordDataUse(requestId, 0, hashOf("x"))).wait();
    await (
      await marketplace.settleItems(requestId, [0n], [listingId], [10n * TOKEN], [], [])
    ).wait();
    const withdraw = marketplace.interface.encodeFunctionData("withdraw");
    await (
      await forwarder
        .connect(relayer)
        .execute(await signForward(alice, marketplaceAddress, withdraw))
    ).wait();
    expect(await suite.token.balanceOf(alice.address)).toBe(1_000_010n * TOKEN);

    expect(await suite.ethers.provider.getBalance(alice.address)).toBe(aliceEth);
    expect(await suite.ethers.provider.getBalance(carol.address)).toBe(carolEth);
  });

  it("refuses a replayed request, an expired one and one signed by someone else", async () => {
    const {
      marketplace,
      marketplaceAddress,
      forwarder,
      relayer,
      alice,
      bob,
      signForward,
      terms,
      now,
    } = await deploySuite();
    const consent = terms({ expiresAt: (await now()) + 86_400 });
    const data = marketplace.interface.encodeFunctionData("createListing", [
      salt(),
      hashOf("root"),
      hashOf("report"),
      1n,
      consent,
    ]);
    const signed = await signForward(alice, marketplaceAddress, data);
    await (await forwarder.connect(relayer).execute(signed)).wait();
    await expect(forwarder.connect(relayer).execute(signed)).rejects.toThrow(
      /ERC2771ForwarderInvalidSigner/,
    );

    const expired = await signForward(alice, marketplaceAddress, data, {
      deadline: (await now()) - 1,
    });
    await expect(forwarder.connect(relayer).execute(expired)).rejects.toThrow(
      /ERC2771ForwarderExpiredRequest/,
    );

    const byBob = await signForward(bob, marketplaceAddress, data);
    await expect(
      forwarder.connect(relayer).execute({ ...byBob, from: alice.address }),
    ).rejects.toThrow(/ERC2771ForwarderInvalidSigner/);
  });
});
