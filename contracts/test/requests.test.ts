import { describe, expect, it } from "vitest";
import { DAY, deploySuite, hashOf, PURPOSE, salt, TOKEN } from "./fixtures";

const EXCLUDED = 0n;
const PENDING = 1n;
const APPROVED = 2n;
const REJECTED = 3n;

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
      marketplace.connect(carol).requestAccess(salt(), [], 0, hashOf("p"), later),
    ).rejects.toThrow(/InvalidItems/);
    await expect(
      marketplace
        .connect(carol)
        .requestAccess(salt(), [...sorted].reverse(), 0, hashOf("p"), later),
    ).rejects.toThrow(/InvalidItems/);
    await expect(
      marketplace.connect(carol).requestAccess(salt(), [auto, auto], 0, hashOf("p"), later),
    ).rejects.toThrow(/InvalidItems/);
    await expect(
      marketplace.connect(carol).requestAccess(salt(), sorted, 32, hashOf("p"), later),
    ).rejects.toThrow(/InvalidPurpose/);
    await expect(
      marketplace.connect(carol).requestAccess(salt(), sorted, 0, hashOf("p"), 1),
    ).rejects.toThrow(/InvalidAccessPeriod/);
    const requestSalt = salt();
    await (
      await marketplace.connect(carol).requestAccess(requestSalt, sorted, 0, hashOf("p"), later)
    ).wait();
    await expect(
      marketplace.connect(carol).requestAccess(requestSalt, sorted, 0, hashOf("p"), later),
    ).rejects.toThrow(/RequestAlreadyExists/);
  });

  it("reverts without escrow when the researcher has not approved the token", async () => {
    const { marketplace, token, mallory, auto, now } = await cohort();
    await (await token.mint(mallory.address, 100n * TOKEN)).wait();
    await expect(
      marketplace
        .connect(mallory)
        .requestAccess(salt(), [auto], 0, hashOf("p"), (await now()) + DAY),
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
    ).rejects.toThrow(/ConsentNotPermitted/);
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
  it("records a delivery of an approved item by the operator", async () => {
    const { marketplace, operator, carol, auto, openRequest } = await cohort();
    const request = await openRequest(carol, [auto]);
    await (
      await marketplace
        .connect(operator)
        .recordDataUse(
          request.requestId,
          0,
          auto,
          request.items[0]!.price,
          request.proof(0),
          hashOf("extract"),
        )
    ).wait();
    const [event] = await marketplace.queryFilter(
      marketplace.filters.DataUseRecorded(request.requestId),
    );
    expect([event?.args.listingId, event?.args.extractRoot]).toEqual([auto, hashOf("extract")]);
  });

  it("refuses other callers, unapproved items, tampered items and ended access", async () => {
    const { marketplace, operator, carol, auto, ask, openRequest, increaseTime } = await cohort();
    const request = await openRequest(carol, [auto, ask]);
    const at = (id: string) => request.items.findIndex((item) => item.listingId === id);
    const record = (signer: typeof operator, id: string, price?: bigint) =>
      marketplace
        .connect(signer)
        .recordDataUse(
          request.requestId,
          at(id),
          id,
          price ?? request.items[at(id)]!.price,
          request.proof(at(id)),
          hashOf("x"),
        );
    await expect(record(carol, auto)).rejects.toThrow(/NotOperator/);
    await expect(record(operator, ask)).rejects.toThrow(/WrongItemStatus/);
    await expect(record(operator, auto, 1n)).rejects.toThrow(/InvalidItemProof/);
    await increaseTime(31 * DAY);
    await expect(record(operator, auto)).rejects.toThrow(/AccessPeriodEnded/);
  });

  it("refuses a use after consent was revoked between request and use", async () => {
    const { marketplace, operator, alice, carol, auto, openRequest } = await cohort();
    const request = await openRequest(carol, [auto]);
    await (await marketplace.connect(alice).revokeConsent(auto)).wait();
    await expect(
      marketplace
        .connect(operator)
        .recordDataUse(
          request.requestId,
          0,
          auto,
          request.items[0]!.price,
          request.proof(0),
          hashOf("x"),
        ),
    ).rejects.toThrow(/ConsentNotPermitted/);
  });
});

describe("settle and withdraw", () => {
  it("credits owners less the fee fixed at request time, refunds the rest, and pays out on withdraw", async () => {
    const { marketplace, token, admin, alice, bob, carol, auto, ask, openRequest } = await cohort();
    await (await marketplace.connect(admin).setFee(500, admin.address)).wait();
    const request = await openRequest(carol, [auto, ask]);
    await (await marketplace.connect(admin).setFee(1000, admin.address)).wait();
    const askIndex = request.items.findIndex((item) => item.listingId === ask);
    await (
      await marketplace
        .connect(bob)
        .decide(request.requestId, askIndex, ask, 20n * TOKEN, request.proof(askIndex), false)
    ).wait();
    const ids = request.items.map((item) => item.listingId);
    const prices = request.items.map((item) => item.price);
    await expect(
      marketplace.settle(
        request.requestId,
        ids,
        prices.map(() => 1n),
      ),
    ).rejects.toThrow(/InvalidItems/);
    await expect(
      marketplace.settle(request.requestId, ids.slice(1), prices.slice(1)),
    ).rejects.toThrow(/InvalidItems/);
    await (await marketplace.settle(request.requestId, ids, prices)).wait();
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
    await expect(marketplace.settle(request.requestId, ids, prices)).rejects.toThrow(
      /AlreadySettled/,
    );

    const before = await token.balanceOf(alice.address);
    await (await marketplace.connect(alice).withdraw()).wait();
    expect((await token.balanceOf(alice.address)) - before).toBe((95n * TOKEN) / 10n);
    await expect(marketplace.connect(alice).withdraw()).rejects.toThrow(/NothingToWithdraw/);
  });

  it("waits for pending decisions, then expires and refunds them after the window", async () => {
    const { marketplace, carol, ask, openRequest, increaseTime } = await cohort();
    const request = await openRequest(carol, [ask]);
    const args: [string, string[], bigint[]] = [
      request.requestId,
      [ask],
      [request.items[0]!.price],
    ];
    await expect(marketplace.settle(...args)).rejects.toThrow(/SettlementTooEarly/);
    await increaseTime(8 * DAY);
    await (await marketplace.settle(...args)).wait();
    expect(await marketplace.balanceOf(carol.address)).toBe(20n * TOKEN);
    const [expired] = await marketplace.queryFilter(
      marketplace.filters.ItemExpired(request.requestId),
    );
    expect(expired?.args.listingId).toBe(ask);
    await expect(marketplace.settle(salt(), [ask], [1n])).rejects.toThrow(/UnknownRequest/);
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
  it("keeps item statuses apart across the request's head slot and status words", async () => {
    const suite = await deploySuite();
    const { marketplace, bob, carol, operator, createListing, openRequest } = suite;
    const ids: string[] = [];
    for (let index = 0; index < 140; index += 1)
      ids.push((await createListing(bob, { price: 1n, autoApprove: false })).id);
    const request = await openRequest(carol, ids);
    for (const index of [0, 23, 24, 127, 128, 139]) {
      const item = request.items[index]!;
      await (
        await marketplace
          .connect(bob)
          .decide(
            request.requestId,
            index,
            item.listingId,
            item.price,
            request.proof(index),
            index % 2 === 0,
          )
      ).wait();
    }
    const statuses = await Promise.all(
      request.items.map((_, index) => marketplace.itemStatus(request.requestId, index)),
    );
    expect(statuses.filter((status) => status === APPROVED).length).toBe(3);
    expect(statuses.filter((status) => status === REJECTED).length).toBe(3);
    expect(statuses.filter((status) => status === PENDING).length).toBe(134);
    expect([
      statuses[0],
      statuses[23],
      statuses[24],
      statuses[127],
      statuses[128],
      statuses[139],
    ]).toEqual([APPROVED, REJECTED, APPROVED, REJECTED, APPROVED, REJECTED]);
    const item = request.items[128]!;
    await (
      await marketplace
        .connect(operator)
        .recordDataUse(
          request.requestId,
          128,
          item.listingId,
          item.price,
          request.proof(128),
          hashOf("x"),
        )
    ).wait();
    expect(request.tree.root).toBe((await marketplace.getRequest(request.requestId))[4]);
  });
});
