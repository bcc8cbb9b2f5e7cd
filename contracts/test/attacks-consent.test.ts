import { describe, expect, it } from "vitest";
import { DAY, deploySuite, hashOf, ITEM, mined, PURPOSE, salt, TOKEN } from "./fixtures";

/** A trial sponsored by admin, alice enrolled, and an auto-approving listing of hers linked to it. */
async function linkedListing() {
  const suite = await deploySuite();
  const trialId = await suite.registerTrial();
  await suite.enroll(suite.alice, trialId);
  const { id } = await suite.createListing(suite.alice, { price: 10n * TOKEN, trialId });
  return { ...suite, trialId, listingId: id };
}

describe("5. protocol versions and the owner's enrolment", () => {
  it("refuses consent naming a protocol version that is not the trial's current one", async () => {
    const suite = await deploySuite();
    const { marketplace, alice, terms, now } = suite;
    const trialId = await suite.registerTrial();
    await suite.enroll(alice, trialId);
    const expiresAt = (await now()) + 365 * DAY;
    for (const protocolVersion of [999, 0, 2]) {
      await expect(
        marketplace
          .connect(alice)
          .createListing(
            salt(),
            hashOf("r"),
            hashOf("report"),
            1n,
            terms({ expiresAt, trialId, protocolVersion }),
          ),
      ).rejects.toThrow(/NotEnrolledOnCurrentProtocol|InvalidConsentTerms/);
    }
    // An unlinked listing names no protocol version at all.
    await expect(
      marketplace
        .connect(alice)
        .createListing(
          salt(),
          hashOf("r"),
          hashOf("report"),
          1n,
          terms({ expiresAt, protocolVersion: 999 }),
        ),
    ).rejects.toThrow(/InvalidConsentTerms/);
  });

  it("refuses to link a listing to a trial its owner is not enrolled in", async () => {
    const suite = await deploySuite();
    const trialId = await suite.registerTrial();
    await expect(suite.createListing(suite.mallory, { trialId })).rejects.toThrow(
      /NotEnrolledOnCurrentProtocol/,
    );
  });

  it("after an amendment, stops uses and requests until the owner re-consents; old approvals stay dead", async () => {
    const suite = await linkedListing();
    const { marketplace, trialRegistry, admin, alice, carol, trialId, listingId } = suite;
    const before = await suite.openRequest(carol, [listingId]);
    expect(await marketplace.itemStatus(before.requestId, 0)).toBe(ITEM.APPROVED);

    await mined(trialRegistry.connect(admin).amendProtocol(trialId, hashOf("protocol v2")));
    await expect(suite.recordUse(before, 0)).rejects.toThrow(/ConsentEpochEnded/);
    expect(await marketplace.isPermitted(listingId, PURPOSE.ACADEMIC)).toBe(false);
    const waiting = await suite.openRequest(carol, [listingId]);
    expect(await marketplace.itemStatus(waiting.requestId, 0)).toBe(ITEM.EXCLUDED);

    await mined(trialRegistry.connect(alice).reconsent(trialId));
    expect(await marketplace.isPermitted(listingId, PURPOSE.ACADEMIC)).toBe(true);
    const after = await suite.openRequest(carol, [listingId]);
    await mined(suite.recordUse(after, 0));
    await expect(suite.recordUse(before, 0)).rejects.toThrow(/ConsentEpochEnded/);
    const [, epoch] = await marketplace.consentOf(listingId);
    expect(epoch).toBe(2n);
  });

  it("after the owner withdraws from the trial, stops uses and requests of the linked listing", async () => {
    const suite = await linkedListing();
    const { marketplace, trialRegistry, alice, carol, trialId, listingId, increaseTime } = suite;
    const request = await suite.openRequest(carol, [listingId], { accessDays: 30 });
    await mined(trialRegistry.connect(alice).withdrawEnrollment(trialId));
    await expect(suite.recordUse(request, 0)).rejects.toThrow(/ConsentEpochEnded/);
    const later = await suite.openRequest(carol, [listingId]);
    expect(await marketplace.itemStatus(later.requestId, 0)).toBe(ITEM.EXCLUDED);
    // Granting again needs an active enrolment.
    const [terms] = await marketplace.consentOf(listingId);
    const again = {
      purposes: terms.purposes,
      expiresAt: terms.expiresAt,
      protocolVersion: 1n,
      autoApprove: terms.autoApprove,
      trialId: terms.trialId,
      termsHash: terms.termsHash,
      epsilonBudget: terms.epsilonBudget,
    };
    await expect(marketplace.connect(alice).grantConsent(listingId, again)).rejects.toThrow(
      /NotEnrolledOnCurrentProtocol/,
    );
    await increaseTime(31 * DAY);
    await mined(suite.settle(request));
    expect(await marketplace.balanceOf(alice.address)).toBe(0n);
    expect(await marketplace.balanceOf(carol.address)).toBe(10n * TOKEN);
  });

  it("refunds items approved before an amendment and never delivered, but pays those delivered before it", async () => {
    const suite = await linkedListing();
    const { marketplace, trialRegistry, admin, alice, carol, trialId, increaseTime } = suite;
    const { id: second } = await suite.createListing(alice, { price: 5n * TOKEN, trialId });
    const request = await suite.openRequest(carol, [suite.listingId, second]);
    const delivered = request.items.findIndex((item) => item.listingId === second);
    await mined(suite.recordUse(request, delivered));
    await mined(trialRegistry.connect(admin).amendProtocol(trialId, hashOf("protocol v2")));
    await mined(trialRegistry.connect(alice).reconsent(trialId));
    await increaseTime(31 * DAY);
    await mined(suite.settle(request));
    expect(await marketplace.balanceOf(alice.address)).toBe(5n * TOKEN);
    expect(await marketplace.balanceOf(carol.address)).toBe(10n * TOKEN);
  });
});

describe("6. revoking and granting again does not revive old approvals", () => {
  it("kills an auto-approval made under the old terms, even when the new terms allow the purpose", async () => {
    const suite = await deploySuite();
    const { marketplace, alice, carol, terms, now, increaseTime } = suite;
    const { id } = await suite.createListing(alice, {
      price: 10n * TOKEN,
      purposes: (1 << PURPOSE.ACADEMIC) | (1 << PURPOSE.AI_TRAINING),
    });
    const old = await suite.openRequest(carol, [id], { purpose: PURPOSE.AI_TRAINING });
    await mined(marketplace.connect(alice).revokeConsent(id));
    await mined(
      marketplace
        .connect(alice)
        .grantConsent(
          id,
          terms({ expiresAt: (await now()) + 365 * DAY, purposes: 1 << PURPOSE.AI_TRAINING }),
        ),
    );
    expect(await marketplace.isPermitted(id, PURPOSE.AI_TRAINING)).toBe(true);
    await expect(suite.recordUse(old, 0)).rejects.toThrow(/ConsentEpochEnded/);
    const [, , isInForce] = await marketplace.itemState(old.requestId, 0);
    expect(isInForce).toBe(false);
    await increaseTime(31 * DAY);
    await mined(suite.settle(old));
    expect(await marketplace.balanceOf(carol.address)).toBe(10n * TOKEN);
  });

  it("does not let a pending item from an earlier epoch be approved", async () => {
    const suite = await deploySuite();
    const { marketplace, bob, carol, terms, now } = suite;
    const { id } = await suite.createListing(bob, { autoApprove: false });
    const request = await suite.openRequest(carol, [id]);
    await mined(marketplace.connect(bob).revokeConsent(id));
    await mined(
      marketplace
        .connect(bob)
        .grantConsent(id, terms({ expiresAt: (await now()) + 365 * DAY, autoApprove: false })),
    );
    await expect(suite.decide(bob, request, 0, true)).rejects.toThrow(/ConsentEpochEnded/);
    await mined(suite.decide(bob, request, 0, false));
  });

  it("a new grant without revoking first also ends the epoch in force", async () => {
    const suite = await deploySuite();
    const { marketplace, alice, carol, terms, now } = suite;
    const { id } = await suite.createListing(alice);
    const old = await suite.openRequest(carol, [id]);
    await mined(
      marketplace
        .connect(alice)
        .grantConsent(id, terms({ expiresAt: (await now()) + 365 * DAY, termsHash: hashOf("v2") })),
    );
    await expect(suite.recordUse(old, 0)).rejects.toThrow(/ConsentEpochEnded/);
    const fresh = await suite.openRequest(carol, [id]);
    await mined(suite.recordUse(fresh, 0));
  });
});

describe("6. epochs cannot be wrapped around or moved to another trial", () => {
  it("revoking and granting 130 times (past the 8-bit tick) never revives the first approval", async () => {
    const suite = await deploySuite();
    const { marketplace, alice, carol, terms, now } = suite;
    const { id } = await suite.createListing(alice);
    const first = await suite.openRequest(carol, [id], { accessDays: 300 });
    const again = terms({ expiresAt: (await now()) + 365 * DAY });
    for (let cycle = 0; cycle < 130; cycle += 1) {
      await mined(marketplace.connect(alice).revokeConsent(id));
      await mined(marketplace.connect(alice).grantConsent(id, again));
      if (cycle % 16 === 0 || cycle > 120)
        await expect(suite.recordUse(first, 0)).rejects.toThrow(/ConsentEpochEnded/);
    }
    const [, epoch, , isInForce] = await marketplace.consentOf(id);
    expect([epoch, isInForce]).toEqual([131n, true]);
    const fresh = await suite.openRequest(carol, [id]);
    await mined(suite.recordUse(fresh, 0));
  });

  it("keeps a listing's trial, and caps the listings one enrolment links", async () => {
    const suite = await deploySuite();
    const { marketplace, alice, now, terms } = suite;
    const trialId = await suite.registerTrial();
    await suite.enroll(alice, trialId);
    const { id } = await suite.createListing(alice, { trialId });
    const unlinked = terms({ expiresAt: (await now()) + DAY });
    await expect(marketplace.connect(alice).grantConsent(id, unlinked)).rejects.toThrow(
      /ConsentTrialChanged/,
    );
    for (let count = 1; count < 16; count += 1) await suite.createListing(alice, { trialId });
    await expect(suite.createListing(alice, { trialId })).rejects.toThrow(/TooManyLinkedListings/);
  });
});

describe("7. settlement re-checks consent", () => {
  it("refunds an approved item whose epoch ended inside the window, settled by anyone, in any order", async () => {
    const suite = await deploySuite();
    const { marketplace, alice, bob, carol, increaseTime } = suite;
    const { id: kept } = await suite.createListing(alice, { price: 3n * TOKEN });
    const { id: revoked } = await suite.createListing(bob, { price: 7n * TOKEN });
    const request = await suite.openRequest(carol, [kept, revoked], { accessDays: 10 });
    const revokedAt = request.items.findIndex((item) => item.listingId === revoked);
    await mined(marketplace.connect(bob).revokeConsent(revoked));
    // The ended epoch is final: its refund can be settled at once, before the window ends.
    await mined(suite.settle(request, [revokedAt], alice));
    await expect(suite.settle(request, [revokedAt])).rejects.toThrow(/AlreadySettled/);
    await increaseTime(11 * DAY);
    await mined(suite.settle(request, [1 - revokedAt], bob));
    expect(await marketplace.balanceOf(alice.address)).toBe(3n * TOKEN);
    expect(await marketplace.balanceOf(bob.address)).toBe(0n);
    expect(await marketplace.balanceOf(carol.address)).toBe(7n * TOKEN);
    expect((await marketplace.getRequest(request.requestId))[7]).toBe(true);
  });
});
