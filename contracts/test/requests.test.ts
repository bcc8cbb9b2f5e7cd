import { describe, expect, it } from "vitest";
import { DAY, deploySuite, hashOf, ITEM, mined, PURPOSE, salt, TOKEN } from "./fixtures";

const { EXCLUDED, PENDING, APPROVED, REJECTED } = ITEM;

async function cohort() {
  const suite = await deploySuite();
  const auto = await suite.createListing(suite.alice, { price: 10n * TOKEN, autoApprove: true });
  const ask = await suite.createListing(suite.bob, { price: 20n * TOKEN, autoApprove: false });
  const commercialOnly = await suite.createListing(suite.bob, {
    price: 30n * TOKEN,
    purposes: 1 << PURPOSE.COMMERCIAL,
  });
  return { ...suite, auto: auto.id, ask: ask.id, commercialOnly: commercialOnly.id };
}

describe("requestAccess", () => {
  it("approves auto-approve items, holds the rest for owners, excludes what consent forbids, and escrows the total", async () => {
    const {
      marketplace,
      marketplaceAddress,
      token,
      carol,
      auto,
      ask,
      commercialOnly,
      openRequest,
    } = await cohort();
    const before = await token.balanceOf(carol.address);
    const request = await openRequest(carol, [auto, ask, commercialOnly]);
    const statusOf = (id: string) =>
      marketplace.itemStatus(
        request.requestId,
        request.items.findIndex((item) => item.listingId === id),
      );
    expect(await statusOf(auto)).toBe(APPROVED);
    expect(await statusOf(ask)).toBe(PENDING);
    expect(await statusOf(commercialOnly)).toBe(EXCLUDED);
    expect(before - (await token.balanceOf(carol.address))).toBe(30n * TOKEN);
    expect(await token.balanceOf(marketplaceAddress)).toBe(30n * TOKEN);
    expect(await marketplace.totalEscrowed()).toBe(30n * TOKEN);
    const [researcher, purpose, , , itemsRoot, itemCount, escrowed, isSettled] =
      await marketplace.getRequest(request.requestId);
    expect([researcher, purpose, itemsRoot, itemCount, escrowed, isSettled]).toEqual([
      carol.address,
      0n,
      request.tree.root,
      3n,
      30n * TOKEN,
      false,
    ]);
    const [event] = await marketplace.queryFilter(
      marketplace.filters.AccessRequested(request.requestId),
    );
    expect(event?.args.listingIds).toEqual(request.items.map((item) => item.listingId));
    expect(event?.args.statuses.map(Number)).toEqual(
      await Promise.all(request.items.map(async (item) => Number(await statusOf(item.listingId)))),
    );
  });

  it("refuses bad item lists, purposes, periods and duplicate ids", async () => {
    const { marketplace, carol, auto, ask, now } = await cohort();
    const later = (await now()) + DAY;
    const sorted = [auto, ask].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
    await expect(
      marketplace.connect(carol).requestAccess(salt(), [], 0, hashOf("p"), later, 0n),
    ).rejects.toThrow(/InvalidItems/);
    await expect(
      marketplace
        .connect(carol)
        .requestAccess(salt(), [...sorted].reverse(), 0, hashOf("p"), later, 2n ** 128n),
    ).rejects.toThrow(/InvalidItems/);
    await expect(
      marketplace
        .connect(carol)
        .requestAccess(salt(), [auto, auto], 0, hashOf("p"), later, 2n ** 128n),
    ).rejects.toThrow(/InvalidItems/);
    await expect(
      marketplace.connect(carol).requestAccess(salt(), sorted, 32, hashOf("p"), later, 2n ** 128n),
    ).rejects.toThrow(/InvalidPurpose/);
    await expect(
      marketplace.connect(carol).requestAccess(salt(), sorted, 0, hashOf("p"), 1, 2n ** 128n),
    ).rejects.toThrow(/InvalidAccessPeriod/);
    const requestSalt = salt();
    await (
      await marketplace
        .connect(carol)
        .requestAccess(requestSalt, sorted, 0, hashOf("p"), later, 2n ** 128n)
    ).wait();
    await expect(
      marketplace
        .connect(carol)
        .requestAccess(requestSalt, sorted, 0, hashOf("p"), later, 2n ** 128n),
    ).rejects.toThrow(/RequestAlreadyExists/);
  });

  it("reverts without escrow when the researcher has not approved the token", async () => {
    const { marketplace, token, mallory, auto, now } = await cohort();
    await (await token.mint(mallory.address, 100n * TOKEN)).wait();
    await expect(
      marketplace
        .connect(mallory)
        .requestAccess(salt(), [auto], 0, hashOf("p"), (await now()) + DAY, 2n ** 128n),
    ).rejects.toThrow(/ERC20InsufficientAllowance/);
    expect(await marketplace.totalEscrowed()).toBe(0n);
  });

  it("excludes unlisted listings", async () => {
    const { marketplace, alice, carol, auto, openRequest } = await cohort();
    await (await marketplace.connect(alice).unlist(auto)).wait();
    const request = await openRequest(carol, [auto]);
    expect(await marketplace.itemStatus(request.requestId, 0)).toBe(EXCLUDED);
  });
});

describe("decide", () => {
  it("lets the owner approve or reject a pending item, once, within the window", async () => {
    const { marketplace, bob, alice, carol, auto, ask, openRequest, increaseTime } = await cohort();
    const request = await openRequest(carol, [auto, ask]);
    const index = request.items.findIndex((item) => item.listingId === ask);
    const item = request.items[index]!;
    const decide = (
      signer: typeof bob,
      approve: boolean,
      proof = request.proof(index),
      at = index,
    ) =>
      marketplace
        .connect(signer)
        .decide(request.requestId, at, item.listingId, item.price, proof, approve);
    await expect(decide(alice, true)).rejects.toThrow(/NotListingOwner/);
    await expect(decide(bob, true, [], index)).rejects.toThrow(/InvalidItemProof/);
    await expect(decide(bob, true, request.proof(index), index + 5)).rejects.toThrow(
      /InvalidItemProof/,
    );
    await (await decide(bob, false)).wait();
    expect(await marketplace.itemStatus(request.requestId, index)).toBe(REJECTED);
    await expect(decide(bob, true)).rejects.toThrow(/WrongItemStatus/);

    const late = await openRequest(carol, [ask]);
    await increaseTime(8 * DAY);
    await expect(
      marketplace
        .connect(bob)
        .decide(late.requestId, 0, ask, late.items[0]!.price, late.proof(0), true),
    ).rejects.toThrow(/DecisionWindowClosed/);
  });

  it("cannot approve once consent was revoked after the request", async () => {
    const { marketplace, bob, carol, ask, openRequest } = await cohort();
    const request = await openRequest(carol, [ask]);
    await (await marketplace.connect(bob).revokeConsent(ask)).wait();
    await expect(
      marketplace
        .connect(bob)
        .decide(request.requestId, 0, ask, request.items[0]!.price, request.proof(0), true),
    ).rejects.toThrow(/ConsentEpochEnded/);
    await (
      await marketplace
        .connect(bob)
        .decide(request.requestId, 0, ask, request.items[0]!.price, request.proof(0), false)
    ).wait();
    const [event] = await marketplace.queryFilter(
      marketplace.filters.ItemDecided(request.requestId),
    );
    expect(event?.args.approved).toBe(false);
  });
});

describe("recordDataUse", () => {
  it("records a delivery of an approved item by the operator, marking it delivered", async () => {
    const suite = await cohort();
    const { marketplace, carol, auto } = suite;
    const request = await suite.openRequest(carol, [auto]);
    await mined(
      marketplace.connect(suite.operator).recordDataUse(request.requestId, 0, hashOf("extract")),
    );
    const [event] = await marketplace.queryFilter(
      marketplace.filters.DataUseRecorded(request.requestId),
    );
    expect([event?.args.index, event?.args.extractRoot]).toEqual([0n, hashOf("extract")]);
    expect(await marketplace.itemState(request.requestId, 0)).toEqual([true, false, true]);
    // A second use of the same item is recorded too.
    await mined(suite.recordUse(request, 0));
  });

  it("refuses other callers, unapproved, excluded or unknown items, and ended access", async () => {
    const suite = await cohort();
    const { carol, auto, ask, commercialOnly, increaseTime } = suite;
    const request = await suite.openRequest(carol, [auto, ask, commercialOnly]);
    const at = (id: string) => request.items.findIndex((item) => item.listingId === id);
    await expect(suite.recordUse(request, at(auto), carol)).rejects.toThrow(/NotOperator/);
    await expect(suite.recordUse(request, at(ask))).rejects.toThrow(/WrongItemStatus/);
    await expect(suite.recordUse(request, at(commercialOnly))).rejects.toThrow(/WrongItemStatus/);
    await expect(suite.recordUse(request, 4)).rejects.toThrow(/WrongItemStatus/);
    await expect(
      suite.marketplace.connect(suite.operator).recordDataUse(salt(), 0, hashOf("x")),
    ).rejects.toThrow(/AccessPeriodEnded/);
    await increaseTime(31 * DAY);
    await expect(suite.recordUse(request, at(auto))).rejects.toThrow(/AccessPeriodEnded/);
  });
});

describe("settle and withdraw", () => {
  it("credits owners less the fee fixed at request time, refunds the rest, and pays out on withdraw", async () => {
    const suite = await cohort();
    const { marketplace, token, admin, alice, bob, carol, auto, ask } = suite;
    await mined(marketplace.connect(admin).setFee(500, admin.address));
    const request = await suite.openRequest(carol, [auto, ask]);
    await mined(marketplace.connect(admin).setFee(1000, admin.address));
    const askIndex = request.items.findIndex((item) => item.listingId === ask);
    await mined(suite.decide(bob, request, askIndex, false));
    await mined(suite.recordUse(request, 1 - askIndex));
    const wrongPrices = marketplace.settleItems(request.requestId, [0n], [auto], [1n], [], []);
    await expect(wrongPrices).rejects.toThrow(/InvalidItems/);
    await mined(suite.settle(request));
    expect(await marketplace.balanceOf(alice.address)).toBe((95n * TOKEN) / 10n);
    expect(await marketplace.balanceOf(admin.address)).toBe(TOKEN / 2n);
    expect(await marketplace.balanceOf(carol.address)).toBe(20n * TOKEN);
    expect(await marketplace.totalEscrowed()).toBe(0n);
    const [settled] = await marketplace.queryFilter(
      marketplace.filters.RequestSettled(request.requestId),
    );
    expect([settled?.args.credited, settled?.args.refunded, settled?.args.fee]).toEqual([
      (95n * TOKEN) / 10n,
      20n * TOKEN,
      TOKEN / 2n,
    ]);
    const items = await marketplace.queryFilter(marketplace.filters.ItemSettled(request.requestId));
    expect(items.map((event) => event.args.owner).sort()).toEqual(
      [alice.address, bob.address].sort(),
    );
    await expect(suite.settle(request, [0])).rejects.toThrow(/AlreadySettled/);

    const before = await token.balanceOf(alice.address);
    await mined(marketplace.connect(alice).withdraw());
    expect((await token.balanceOf(alice.address)) - before).toBe((95n * TOKEN) / 10n);
    await expect(marketplace.connect(alice).withdraw()).rejects.toThrow(/NothingToWithdraw/);
  });

  it("waits for pending decisions, then expires and refunds them after the window", async () => {
    const suite = await cohort();
    const { marketplace, carol, ask, increaseTime } = suite;
    const request = await suite.openRequest(carol, [ask]);
    await expect(suite.settle(request, [0])).rejects.toThrow(/SettlementTooEarly/);
    await increaseTime(8 * DAY);
    await mined(suite.settle(request, [0]));
    expect(await marketplace.balanceOf(carol.address)).toBe(20n * TOKEN);
    const [expired] = await marketplace.queryFilter(
      marketplace.filters.ItemExpired(request.requestId),
    );
    expect(expired?.args.listingId).toBe(ask);
    await expect(marketplace.settleItems(salt(), [0n], [ask], [1n], [], [])).rejects.toThrow(
      /UnknownRequest/,
    );
  });

  it("refuses to settle an item that was never escrowed, and an empty batch", async () => {
    const suite = await cohort();
    const { carol, auto, commercialOnly, marketplace } = suite;
    const request = await suite.openRequest(carol, [auto, commercialOnly]);
    const excluded = request.items.findIndex((item) => item.listingId === commercialOnly);
    await expect(suite.settle(request, [excluded])).rejects.toThrow(/WrongItemStatus/);
    await expect(
      marketplace.settleItems(request.requestId, [], [], [], [request.tree.root], []),
    ).rejects.toThrow(/InvalidItems/);
  });

  it("settles a request whose items were all excluded at once", async () => {
    const suite = await cohort();
    const request = await suite.openRequest(suite.carol, [suite.commercialOnly]);
    expect((await suite.marketplace.getRequest(request.requestId))[7]).toBe(true);
  });

  it("caps the fee and lets only the admin set it", async () => {
    const { marketplace, admin, mallory } = await deploySuite();
    await expect(marketplace.connect(admin).setFee(1001, admin.address)).rejects.toThrow(
      /FeeTooHigh/,
    );
    await expect(marketplace.connect(mallory).setFee(10, mallory.address)).rejects.toThrow(
      /AccessControlUnauthorizedAccount/,
    );
  });
});

describe("large cohorts", () => {
  it("keeps item states apart across the request's item words", async () => {
    const suite = await deploySuite();
    const { marketplace, bob, carol } = suite;
    const ids: string[] = [];
    for (let index = 0; index < 140; index += 1)
      ids.push((await suite.createListing(bob, { price: 1n, autoApprove: false })).id);
    const request = await suite.openRequest(carol, ids);
    const touched = [0, 5, 6, 11, 12, 127, 128, 138, 139];
    for (const index of touched) await mined(suite.decide(bob, request, index, index % 2 === 0));
    const statuses = await Promise.all(
      request.items.map((_, index) => marketplace.itemStatus(request.requestId, index)),
    );
    expect(touched.map((index) => statuses[index])).toEqual(
      touched.map((index) => (index % 2 === 0 ? APPROVED : REJECTED)),
    );
    expect(statuses.filter((status) => status === PENDING).length).toBe(140 - touched.length);
    await mined(suite.recordUse(request, 128));
    expect((await marketplace.itemState(request.requestId, 128))[0]).toBe(true);
    expect((await marketplace.itemState(request.requestId, 127))[0]).toBe(false);
    expect(request.tree.root).toBe((await marketplace.getRequest(request.requestId))[4]);
  });
});
