import { Interface, Signature } from "ethers";
import { describe, expect, it } from "vitest";
import { DAY, deploySuite, hashOf, ITEM, mined, salt, TOKEN, type Suite } from "./fixtures";
import { getHre } from "./hre";

/** `count` listings of fresh gasless owners (one each), created through the forwarder. */
async function listingsOfFreshOwners(suite: Suite, count: number) {
  const ids: string[] = [];
  const expiresAt = (await suite.now()) + 365 * DAY;
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
        suite.terms({ expiresAt }),
      ]),
    );
    ids.push(await suite.marketplace.listingIdFor(owner.address, listingSalt));
  }
  return ids;
}

describe("3. settlement of 500 distinct owners is bounded per transaction, in any order", () => {
  it("settles in batches of at most 8M gas each, whatever the order", async () => {
    const suite = await deploySuite();
    const { marketplace, carol, increaseTime } = suite;
    const ids = await listingsOfFreshOwners(suite, 500);
    const request = await suite.openRequest(carol, ids, { accessDays: 10 });
    await increaseTime(11 * DAY);
    // Every third item from the end first, then the next third, then the rest: any split works.
    const order = [0, 1, 2].map((rest) =>
      request.items
        .filter((item) => item.index % 3 === rest)
        .map((item) => item.index)
        .reverse(),
    );
    let total = 0n;
    for (const indices of order) {
      const receipt = await mined(suite.settle(request, indices));
      expect(receipt!.gasUsed).toBeLessThanOrEqual(8_000_000n);
      total += receipt!.gasUsed;
    }
    expect(total).toBeGreaterThan(8_000_000n); // one transaction could not have held it
    expect((await marketplace.getRequest(request.requestId))[7]).toBe(true);
    expect(await marketplace.totalEscrowed()).toBe(0n);
    const owners = await Promise.all(ids.map(async (id) => (await marketplace.getListing(id))[0]));
    const balances = await Promise.all(owners.map((owner) => marketplace.balanceOf(owner)));
    expect(balances.every((balance) => balance === TOKEN)).toBe(true);
  }, 300_000);
});

describe("11. recordDataUse stays within 35,000 gas at either end of a 500-item cohort", () => {
  it("costs at most 35,000 gas at items 0 and 499 of 500 trial-linked listings", async () => {
    const suite = await deploySuite();
    const trialId = await suite.registerTrial();
    const expiresAt = (await suite.now()) + 365 * DAY;
    const ids: string[] = [];
    let owner = suite.gaslessWallet();
    for (let index = 0; index < 500; index += 1) {
      if (index % 16 === 0) {
        owner = suite.gaslessWallet();
        const invite = await suite.issueInvitation(trialId);
        const commitment = salt();
        const redemption = await suite.redeem(invite, trialId, owner.address, commitment);
        await owner.send(
          suite.registryAddress,
          suite.trialRegistry.interface.encodeFunctionData("enrollWithInvitation", [
            trialId,
            commitment,
            1,
            invite.invitation,
            invite.issuerSignature,
            redemption,
          ]),
        );
      }
      const listingSalt = salt();
      await owner.send(
        suite.marketplaceAddress,
        suite.marketplace.interface.encodeFunctionData("createListing", [
          listingSalt,
          hashOf(listingSalt),
          hashOf("report"),
          TOKEN,
          suite.terms({ expiresAt, trialId, protocolVersion: 1 }),
        ]),
      );
      ids.push(await suite.marketplace.listingIdFor(owner.address, listingSalt));
    }
    const request = await suite.openRequest(suite.carol, ids);
    for (const index of [0, 499]) {
      const receipt = await mined(suite.recordUse(request, index));
      expect(receipt!.gasUsed).toBeLessThanOrEqual(35_000n);
    }
  }, 300_000);
});

describe("10. the data-use operator is rotatable and the marketplace pausable", () => {
  it("a replaced operator key records nothing more; only the admin replaces it", async () => {
    const suite = await deploySuite();
    const { marketplace, admin, alice, carol, operator, mallory } = suite;
    const { id } = await suite.createListing(alice);
    const request = await suite.openRequest(carol, [id]);
    await expect(marketplace.connect(mallory).setOperator(mallory.address)).rejects.toThrow(
      /AccessControlUnauthorizedAccount/,
    );
    await mined(marketplace.connect(admin).setOperator(mallory.address));
    await expect(suite.recordUse(request, 0, operator)).rejects.toThrow(/NotOperator/);
    await mined(suite.recordUse(request, 0, mallory));
    const [changed] = await marketplace.queryFilter(
      marketplace.filters.OperatorChanged(operator.address),
    );
    expect(changed?.args.newOperator).toBe(mallory.address);
  });

  it("a pause stops requests, decisions and uses but not revocations, settlement or withdrawals", async () => {
    const suite = await deploySuite();
    const { marketplace, admin, alice, bob, carol, mallory } = suite;
    const { id } = await suite.createListing(alice);
    const { id: ask } = await suite.createListing(bob, { autoApprove: false });
    const request = await suite.openRequest(carol, [id, ask]);
    const askIndex = request.items.findIndex((item) => item.listingId === ask);
    await mined(suite.recordUse(request, 1 - askIndex));
    await expect(marketplace.connect(mallory).pause()).rejects.toThrow(/NotPauser/);
    await mined(
      marketplace.connect(admin).grantRole(await marketplace.PAUSER_ROLE(), mallory.address),
    );
    await mined(marketplace.connect(mallory).pause());
    await expect(suite.recordUse(request, 1 - askIndex)).rejects.toThrow(/MarketplacePaused/);
    await expect(suite.openRequest(carol, [id])).rejects.toThrow(/MarketplacePaused/);
    await expect(suite.decide(bob, request, askIndex, true)).rejects.toThrow(/MarketplacePaused/);
    await mined(suite.settle(request, [1 - askIndex]));
    await mined(marketplace.connect(alice).withdraw());
    await mined(marketplace.connect(bob).revokeConsent(ask));
    await expect(marketplace.connect(mallory).unpause()).rejects.toThrow(
      /AccessControlUnauthorizedAccount/,
    );
    await mined(marketplace.connect(admin).unpause());
    await suite.openRequest(carol, [id]);
  });

  it("hands the admin role over in two steps, after the delay", async () => {
    const suite = await deploySuite();
    const { marketplace, admin, mallory, increaseTime } = suite;
    await mined(marketplace.connect(admin).beginDefaultAdminTransfer(mallory.address));
    await expect(marketplace.connect(mallory).acceptDefaultAdminTransfer()).rejects.toThrow(
      /AccessControlEnforcedDefaultAdminDelay/,
    );
    await increaseTime(DAY + 1);
    await mined(marketplace.connect(mallory).acceptDefaultAdminTransfer());
    expect(await marketplace.defaultAdmin()).toBe(mallory.address);
    await expect(marketplace.connect(admin).setOperator(admin.address)).rejects.toThrow(
      /AccessControlUnauthorizedAccount/,
    );
  });
});

describe("12. an auditor rebuilds everything from logs", () => {
  it("the constructor logs the operator and fee recipient; a lapsed pending item reads Expired", async () => {
    const suite = await deploySuite();
    const { marketplace, admin, operator, bob, carol, increaseTime } = suite;
    const [changed] = await marketplace.queryFilter(marketplace.filters.OperatorChanged());
    const [fee] = await marketplace.queryFilter(marketplace.filters.FeeUpdated());
    expect([changed?.args.newOperator, fee?.args.recipient]).toEqual([
      operator.address,
      admin.address,
    ]);
    const { id } = await suite.createListing(bob, { autoApprove: false });
    const request = await suite.openRequest(carol, [id]);
    expect(await marketplace.itemStatus(request.requestId, 0)).toBe(ITEM.PENDING);
    await increaseTime(8 * DAY);
    expect(await marketplace.itemStatus(request.requestId, 0)).toBe(ITEM.EXPIRED);
    await mined(suite.settle(request));
    const [settled] = await marketplace.queryFilter(
      marketplace.filters.RequestSettled(request.requestId),
    );
    expect([settled?.args.refunded, settled?.args.feeRecipient]).toEqual([
      10n * TOKEN,
      admin.address,
    ]);
  });
});

describe("OpenZeppelin habits", () => {
  it("a permit copied from the mempool and used first does not block requestAccessWithPermit", async () => {
    const suite = await deploySuite();
    const { marketplace, marketplaceAddress, token, alice, mallory, chainId, now } = suite;
    const researcher = suite.gaslessWallet();
    await mined(token.mint(researcher.address, 100n * TOKEN));
    const { id } = await suite.createListing(alice, { price: 10n * TOKEN });
    const deadline = (await now()) + DAY;
    const permit = Signature.from(
      await researcher.wallet.signTypedData(
        {
          name: await token.name(),
          version: "1",
          chainId,
          verifyingContract: await token.getAddress(),
        },
        {
          Permit: [
            { name: "owner", type: "address" },
            { name: "spender", type: "address" },
            { name: "value", type: "uint256" },
            { name: "nonce", type: "uint256" },
            { name: "deadline", type: "uint256" },
          ],
        },
        {
          owner: researcher.address,
          spender: marketplaceAddress,
          value: 10n * TOKEN,
          nonce: 0n,
          deadline,
        },
      ),
    );
    const call = marketplace.interface.encodeFunctionData("requestAccessWithPermit", [
      salt(),
      [id],
      0,
      hashOf("plan"),
      (await now()) + 30 * DAY,
      10n * TOKEN,
      deadline,
      permit.v,
      permit.r,
      permit.s,
    ]);
    // Mallory copies the permit out of the pending request and spends its nonce first.
    await mined(
      token
        .connect(mallory)
        .permit(
          researcher.address,
          marketplaceAddress,
          10n * TOKEN,
          deadline,
          permit.v,
          permit.r,
          permit.s,
        ),
    );
    await researcher.send(marketplaceAddress, call);
    expect(await marketplace.totalEscrowed()).toBe(10n * TOKEN);
  });

  it("a front-run permit does not block fundRewardsWithPermit either", async () => {
    const suite = await deploySuite();
    const { trialRegistry, registryAddress, token, mallory, chainId, now } = suite;
    const sponsor = suite.gaslessWallet();
    await mined(token.mint(sponsor.address, 100n * TOKEN));
    const salted = salt();
    await sponsor.send(
      registryAddress,
      trialRegistry.interface.encodeFunctionData("registerTrial", [salted, hashOf("protocol")]),
    );
    const trialId = await trialRegistry.trialIdFor(sponsor.address, salted);
    const deadline = (await now()) + DAY;
    const permit = Signature.from(
      await sponsor.wallet.signTypedData(
        {
          name: await token.name(),
          version: "1",
          chainId,
          verifyingContract: await token.getAddress(),
        },
        {
          Permit: [
            { name: "owner", type: "address" },
            { name: "spender", type: "address" },
            { name: "value", type: "uint256" },
            { name: "nonce", type: "uint256" },
            { name: "deadline", type: "uint256" },
          ],
        },
        {
          owner: sponsor.address,
          spender: registryAddress,
          value: 50n * TOKEN,
          nonce: 0n,
          deadline,
        },
      ),
    );
    await mined(
      token
        .connect(mallory)
        .permit(
          sponsor.address,
          registryAddress,
          50n * TOKEN,
          deadline,
          permit.v,
          permit.r,
          permit.s,
        ),
    );
    await sponsor.send(
      registryAddress,
      trialRegistry.interface.encodeFunctionData("fundRewardsWithPermit", [
        trialId,
        50n * TOKEN,
        10n * TOKEN,
        deadline,
        permit.v,
        permit.r,
        permit.s,
      ]),
    );
    expect(await trialRegistry.rewardPool(trialId)).toEqual([50n * TOKEN, 10n * TOKEN]);
  });

  it("answers ERC-165 for its own interfaces", async () => {
    const { marketplace, trialRegistry } = await deploySuite();
    const hre = await getHre();
    /** XOR of the selectors an interface declares itself (ERC-165 leaves inherited ones out). */
    async function interfaceId(name: string, inherited: string[] = []) {
      const own = new Interface((await hre.artifacts.readArtifact(name)).abi);
      const skip = new Set<string>();
      for (const base of inherited) {
        new Interface((await hre.artifacts.readArtifact(base)).abi).forEachFunction((fn) =>
          skip.add(fn.selector),
        );
      }
      let id = 0n;
      own.forEachFunction((fn) => {
        if (!skip.has(fn.selector)) id ^= BigInt(fn.selector);
      });
      return `0x${id.toString(16).padStart(8, "0")}`;
    }
    expect(
      await marketplace.supportsInterface(
        await interfaceId("IDataMarketplace", ["IConsentRegistry"]),
      ),
    ).toBe(true);
    expect(await marketplace.supportsInterface(await interfaceId("IConsentRegistry"))).toBe(true);
    expect(await marketplace.supportsInterface(await interfaceId("ITrialConsentHooks"))).toBe(true);
    expect(await marketplace.supportsInterface("0x01ffc9a7")).toBe(true);
    expect(await trialRegistry.supportsInterface(await interfaceId("ITrialRegistry"))).toBe(true);
    expect(await trialRegistry.supportsInterface("0xffffffff")).toBe(false);
  });
});
