import { ZeroHash } from "ethers";
import { describe, expect, it } from "vitest";
import { DAY, deploySuite, hashOf, PURPOSE, salt, TOKEN } from "./fixtures";

describe("DataMarketplace: listings", () => {
  it("anchors a listing with its consent under an id derived from owner and salt", async () => {
    const { marketplace, alice, terms, now } = await deploySuite();
    const listingSalt = salt();
    const consent = terms({ expiresAt: (await now()) + DAY });
    await (
      await marketplace
        .connect(alice)
        .createListing(listingSalt, hashOf("root"), hashOf("report"), 5n * TOKEN, consent)
    ).wait();
    const id = await marketplace.listingIdFor(alice.address, listingSalt);
    expect(await marketplace.getListing(id)).toEqual([
      alice.address,
      hashOf("root"),
      5n * TOKEN,
      1n,
      1n,
    ]);
    const [created] = await marketplace.queryFilter(marketplace.filters.ListingCreated(id));
    const [granted] = await marketplace.queryFilter(marketplace.filters.ConsentGranted(id));
    expect(created?.args.owner).toBe(alice.address);
    expect(created?.args.reportHash).toBe(hashOf("report"));
    expect([granted?.args.termsHash, granted?.args.epoch]).toEqual([hashOf("terms"), 1n]);
    expect(await marketplace.isPermitted(id, PURPOSE.ACADEMIC)).toBe(true);
    expect(await marketplace.isPermitted(id, PURPOSE.COMMERCIAL)).toBe(false);
  });

  it("refuses a duplicate, an empty root, an oversized price and invalid consent", async () => {
    const { marketplace, alice, terms, now } = await deploySuite();
    const listingSalt = salt();
    const consent = terms({ expiresAt: (await now()) + DAY });
    await (
      await marketplace
        .connect(alice)
        .createListing(listingSalt, hashOf("r"), hashOf("report"), 1n, consent)
    ).wait();
    await expect(
      marketplace
        .connect(alice)
        .createListing(listingSalt, hashOf("r"), hashOf("report"), 1n, consent),
    ).rejects.toThrow(/ListingAlreadyExists/);
    await expect(
      marketplace.connect(alice).createListing(salt(), ZeroHash, hashOf("report"), 1n, consent),
    ).rejects.toThrow(/EmptyDataRoot/);
    await expect(
      marketplace
        .connect(alice)
        .createListing(salt(), hashOf("r"), hashOf("report"), 2n ** 88n, consent),
    ).rejects.toThrow(/SafeCastOverflowedUintDowncast/);
    await expect(
      marketplace
        .connect(alice)
        .createListing(salt(), hashOf("r"), hashOf("report"), 1n, { ...consent, purposes: 0 }),
    ).rejects.toThrow(/InvalidConsentTerms/);
    await expect(
      marketplace
        .connect(alice)
        .createListing(salt(), hashOf("r"), hashOf("report"), 1n, { ...consent, expiresAt: 1 }),
    ).rejects.toThrow(/InvalidConsentTerms/);
    await expect(
      marketplace.connect(alice).createListing(salt(), hashOf("r"), hashOf("report"), 1n, {
        ...consent,
        termsHash: ZeroHash,
      }),
    ).rejects.toThrow(/InvalidConsentTerms/);
  });

  it("lets only the owner update the price, unlist and re-anchor; old roots stay readable", async () => {
    const { marketplace, alice, mallory, createListing } = await deploySuite();
    const { id } = await createListing(alice);
    await expect(marketplace.connect(mallory).updatePrice(id, 1n)).rejects.toThrow(
      /NotListingOwner/,
    );
    await expect(marketplace.connect(mallory).unlist(id)).rejects.toThrow(/NotListingOwner/);
    await expect(
      marketplace.connect(mallory).reanchorData(id, hashOf("x"), hashOf("report")),
    ).rejects.toThrow(/NotListingOwner/);
    await expect(marketplace.connect(alice).updatePrice(salt(), 1n)).rejects.toThrow(
      /UnknownListing/,
    );

    await (await marketplace.connect(alice).updatePrice(id, 7n)).wait();
    const firstRoot = (await marketplace.getListing(id))[1];
    await expect(
      marketplace.connect(alice).reanchorData(id, ZeroHash, hashOf("report")),
    ).rejects.toThrow(/EmptyDataRoot/);
    await (
      await marketplace.connect(alice).reanchorData(id, hashOf("v2"), hashOf("report v2"))
    ).wait();
    await (
      await marketplace.connect(alice).reanchorData(id, hashOf("v3"), hashOf("report v3"))
    ).wait();
    expect(await marketplace.getListing(id)).toEqual([alice.address, hashOf("v3"), 7n, 1n, 3n]);
    expect(await marketplace.dataRootAt(id, 1)).toBe(firstRoot);
    expect(await marketplace.dataRootAt(id, 2)).toBe(hashOf("v2"));
    expect(await marketplace.dataRootAt(id, 3)).toBe(hashOf("v3"));
    expect(await marketplace.dataRootAt(id, 4)).toBe(ZeroHash);

    await (await marketplace.connect(alice).unlist(id)).wait();
    expect((await marketplace.getListing(id))[3]).toBe(2n);
    await expect(marketplace.connect(alice).unlist(id)).rejects.toThrow(/ListingNotActive/);
  });
});

describe("DataMarketplace: consent", () => {
  it("lets the owner replace and revoke consent; isPermitted follows", async () => {
    const { marketplace, alice, mallory, createListing, terms, now } = await deploySuite();
    const { id } = await createListing(alice);
    const wider = terms({
      purposes: (1 << PURPOSE.ACADEMIC) | (1 << PURPOSE.AI_TRAINING),
      expiresAt: (await now()) + DAY,
      termsHash: hashOf("terms v2"),
    });
    await expect(marketplace.connect(mallory).grantConsent(id, wider)).rejects.toThrow(
      /NotListingOwner/,
    );
    await expect(marketplace.connect(alice).grantConsent(salt(), wider)).rejects.toThrow(
      /UnknownListing/,
    );
    await expect(
      marketplace.connect(alice).grantConsent(id, { ...wider, purposes: 0 }),
    ).rejects.toThrow(/InvalidConsentTerms/);
    await (await marketplace.connect(alice).grantConsent(id, wider)).wait();
    expect(await marketplace.isPermitted(id, PURPOSE.AI_TRAINING)).toBe(true);
    const [consent, epoch, isRevoked, isInForce] = await marketplace.consentOf(id);
    expect([consent.termsHash, epoch, isRevoked, isInForce]).toEqual([
      hashOf("terms v2"),
      2n,
      false,
      true,
    ]);

    await expect(marketplace.connect(mallory).revokeConsent(id)).rejects.toThrow(/NotListingOwner/);
    await (await marketplace.connect(alice).revokeConsent(id)).wait();
    expect(await marketplace.isPermitted(id, PURPOSE.ACADEMIC)).toBe(false);
    await expect(marketplace.connect(alice).revokeConsent(id)).rejects.toThrow(
      /ConsentAlreadyRevoked/,
    );
    const [revoked] = await marketplace.queryFilter(marketplace.filters.ConsentRevoked(id));
    expect([revoked?.args.owner, revoked?.args.epoch]).toEqual([alice.address, 2n]);
    expect((await marketplace.consentOf(id))[3]).toBe(false);
  });

  it("is not permitted after expiry or for a purpose bit out of range", async () => {
    const { marketplace, alice, createListing, increaseTime } = await deploySuite();
    const { id } = await createListing(alice);
    expect(await marketplace.isPermitted(id, 40)).toBe(false);
    await increaseTime(366 * DAY);
    expect(await marketplace.isPermitted(id, PURPOSE.ACADEMIC)).toBe(false);
  });
});
