import { keccak256, toUtf8Bytes, ZeroHash } from "ethers";
import { describe, expect, it } from "vitest";
import { deploySuite } from "./fixtures";

const listingId = keccak256(toUtf8Bytes("listing-1"));
const root = keccak256(toUtf8Bytes("root"));
const terms = keccak256(toUtf8Bytes("terms"));

describe("DataMarketplace.createListing", () => {
  it("anchors a listing owned by the caller and emits ListingCreated", async () => {
    const { marketplace, alice } = await deploySuite();
    await expect(
      marketplace.connect(alice).createListing(listingId, root, terms, 5n),
    ).resolves.toBeDefined();
    const [owner, dataRoot, termsHash, price, status] = await marketplace.getListing(listingId);
    expect([owner, dataRoot, termsHash, price, status]).toEqual([
      alice.address,
      root,
      terms,
      5n,
      1n,
    ]);
    const events = await marketplace.queryFilter(marketplace.filters.ListingCreated(listingId));
    expect(events.map((event) => event.args.owner)).toEqual([alice.address]);
  });

  it("refuses a second listing with the same id", async () => {
    const { marketplace, alice, bob } = await deploySuite();
    await (await marketplace.connect(alice).createListing(listingId, root, terms, 5n)).wait();
    await expect(
      marketplace.connect(bob).createListing(listingId, root, terms, 1n),
    ).rejects.toThrow(/ListingAlreadyExists/);
  });

  it("refuses an empty data root or terms hash", async () => {
    const { marketplace, alice } = await deploySuite();
    await expect(
      marketplace.connect(alice).createListing(listingId, ZeroHash, terms, 5n),
    ).rejects.toThrow(/EmptyAnchor/);
    await expect(
      marketplace.connect(alice).createListing(listingId, root, ZeroHash, 5n),
    ).rejects.toThrow(/EmptyAnchor/);
  });
});

describe("gasless listing through the ERC-2771 forwarder", () => {
  it("records the signer, not the relayer, as owner", async () => {
    const { marketplace, forwarder, relayer, alice, signForward } = await deploySuite();
    const data = marketplace.interface.encodeFunctionData("createListing", [
      listingId,
      root,
      terms,
      7n,
    ]);
    const request = await signForward(alice, await marketplace.getAddress(), data);
    const aliceBalance = await marketplace.runner!.provider!.getBalance(alice.address);
    await (await forwarder.connect(relayer).execute(request)).wait();
    const [owner] = await marketplace.getListing(listingId);
    expect(owner).toBe(alice.address);
    expect(await marketplace.runner!.provider!.getBalance(alice.address)).toBe(aliceBalance);
  });

  it("refuses a replayed signature", async () => {
    const { marketplace, forwarder, relayer, alice, signForward } = await deploySuite();
    const data = marketplace.interface.encodeFunctionData("createListing", [
      listingId,
      root,
      terms,
      7n,
    ]);
    const request = await signForward(alice, await marketplace.getAddress(), data);
    await (await forwarder.connect(relayer).execute(request)).wait();
    await expect(forwarder.connect(relayer).execute(request)).rejects.toThrow(
      /ERC2771ForwarderInvalidSigner/,
    );
  });

  it("refuses a request past its deadline", async () => {
    const { marketplace, forwarder, relayer, alice, signForward, ethers } = await deploySuite();
    const data = marketplace.interface.encodeFunctionData("createListing", [
      listingId,
      root,
      terms,
      7n,
    ]);
    const now = (await ethers.provider.getBlock("latest"))!.timestamp;
    const request = await signForward(alice, await marketplace.getAddress(), data, {
      deadline: now - 1,
    });
    await expect(forwarder.connect(relayer).execute(request)).rejects.toThrow(
      /ERC2771ForwarderExpiredRequest/,
    );
  });

  it("refuses a request whose signature is from someone else", async () => {
    const { marketplace, forwarder, relayer, alice, bob, signForward } = await deploySuite();
    const data = marketplace.interface.encodeFunctionData("createListing", [
      listingId,
      root,
      terms,
      7n,
    ]);
    const signedByBob = await signForward(bob, await marketplace.getAddress(), data);
    await expect(
      forwarder.connect(relayer).execute({ ...signedByBob, from: alice.address }),
    ).rejects.toThrow(/ERC2771ForwarderInvalidSigner/);
  });
});
