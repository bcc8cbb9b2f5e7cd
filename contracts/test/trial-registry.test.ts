import { ZeroHash } from "ethers";
import { describe, expect, it } from "vitest";
import { deploySuite, hashOf, mined, salt, TOKEN } from "./fixtures";

async function withTrial() {
  const suite = await deploySuite();
  const trialSalt = salt();
  await (
    await suite.trialRegistry.connect(suite.admin).registerTrial(trialSalt, hashOf("protocol v1"))
  ).wait();
  const trialId = await suite.trialRegistry.trialIdFor(suite.admin.address, trialSalt);
  return { ...suite, trialId };
}

describe("TrialRegistry: trials and protocol versions", () => {
  it("registers the caller as sponsor at version 1 under an id derived from caller and salt", async () => {
    const { trialRegistry, admin, trialId } = await withTrial();
    expect(await trialRegistry.getTrial(trialId)).toEqual([
      admin.address,
      1n,
      hashOf("protocol v1"),
      0n,
      1n,
    ]);
    const [event] = await trialRegistry.queryFilter(trialRegistry.filters.TrialRegistered(trialId));
    expect(event?.args.sponsor).toBe(admin.address);
  });

  it("refuses a duplicate id and an empty protocol hash", async () => {
    const { trialRegistry, alice } = await deploySuite();
    const trialSalt = salt();
    await (await trialRegistry.connect(alice).registerTrial(trialSalt, hashOf("p"))).wait();
    await expect(
      trialRegistry.connect(alice).registerTrial(trialSalt, hashOf("p")),
    ).rejects.toThrow(/TrialAlreadyRegistered/);
    await expect(trialRegistry.connect(alice).registerTrial(salt(), ZeroHash)).rejects.toThrow(
      /EmptyProtocolHash/,
    );
  });

  it("lets only the sponsor amend, and bumps the version", async () => {
    const { trialRegistry, admin, mallory, trialId } = await withTrial();
    await expect(
      trialRegistry.connect(mallory).amendProtocol(trialId, hashOf("v2")),
    ).rejects.toThrow(/NotTrialSponsor/);
    await expect(trialRegistry.connect(admin).amendProtocol(trialId, ZeroHash)).rejects.toThrow(
      /EmptyProtocolHash/,
    );
    await expect(trialRegistry.connect(admin).amendProtocol(salt(), hashOf("v2"))).rejects.toThrow(
      /UnknownTrial/,
    );
    await (await trialRegistry.connect(admin).amendProtocol(trialId, hashOf("v2"))).wait();
    const [, version, protocolHash] = await trialRegistry.getTrial(trialId);
    expect([version, protocolHash]).toEqual([2n, hashOf("v2")]);
    const [event] = await trialRegistry.queryFilter(trialRegistry.filters.ProtocolAmended(trialId));
    expect(event?.args.version).toBe(2n);
  });
});

describe("TrialRegistry: enrolment and rewards", () => {
  it("enrols against the current version and credits the funded reward once", async () => {
    const suite = await withTrial();
    const { trialRegistry, admin, alice, token, trialId } = suite;
    await mined(trialRegistry.connect(admin).fundRewards(trialId, 25n * TOKEN, 10n * TOKEN));
    const { commitment } = await suite.enroll(alice, trialId);
    expect(await trialRegistry.getEnrollment(trialId, alice.address)).toEqual([
      commitment,
      1n,
      true,
    ]);
    expect(await trialRegistry.rewardBalanceOf(alice.address)).toBe(10n * TOKEN);
    expect(await trialRegistry.rewardPool(trialId)).toEqual([15n * TOKEN, 10n * TOKEN]);

    await mined(trialRegistry.connect(alice).withdrawEnrollment(trialId));
    await suite.enroll(alice, trialId);
    expect(await trialRegistry.rewardBalanceOf(alice.address)).toBe(10n * TOKEN);

    const before = await token.balanceOf(alice.address);
    await mined(trialRegistry.connect(alice).withdrawRewards());
    expect((await token.balanceOf(alice.address)) - before).toBe(10n * TOKEN);
    await expect(trialRegistry.connect(alice).withdrawRewards()).rejects.toThrow(
      /NothingToWithdraw/,
    );
  });

  it("stops crediting when the pool runs dry", async () => {
    const suite = await withTrial();
    const { trialRegistry, admin, alice, bob, trialId } = suite;
    await mined(trialRegistry.connect(admin).fundRewards(trialId, 10n * TOKEN, 10n * TOKEN));
    await suite.enroll(alice, trialId);
    await suite.enroll(bob, trialId);
    expect(await trialRegistry.rewardBalanceOf(bob.address)).toBe(0n);
  });

  it("refuses a stale protocol version, a zero commitment, and a double enrolment", async () => {
    const suite = await withTrial();
    const { trialRegistry, admin, alice, bob, trialId } = suite;
    await mined(trialRegistry.connect(admin).amendProtocol(trialId, hashOf("v2")));
    const invite = await suite.issueInvitation(trialId);
    const commitment = salt();
    const signed = await suite.redeem(invite, trialId, alice.address, commitment);
    await expect(
      trialRegistry
        .connect(alice)
        .enrollWithInvitation(
          trialId,
          commitment,
          1,
          invite.invitation,
          invite.issuerSignature,
          signed,
        ),
    ).rejects.toThrow(/ProtocolVersionMismatch/);
    await expect(
      trialRegistry
        .connect(bob)
        .enrollWithInvitation(
          trialId,
          ZeroHash,
          2,
          invite.invitation,
          invite.issuerSignature,
          await suite.redeem(invite, trialId, bob.address, ZeroHash),
        ),
    ).rejects.toThrow(/InvalidCommitment/);
    await suite.enroll(alice, trialId);
    await expect(suite.enroll(alice, trialId)).rejects.toThrow(/AlreadyEnrolled/);
    await expect(suite.enroll(alice, salt())).rejects.toThrow(/UnknownTrial/);
  });

  it("asks enrolled participants to re-consent after an amendment", async () => {
    const suite = await withTrial();
    const { trialRegistry, admin, alice, bob, trialId } = suite;
    await suite.enroll(alice, trialId);
    await expect(trialRegistry.connect(alice).reconsent(trialId)).rejects.toThrow(
      /AlreadyOnCurrentProtocol/,
    );
    await mined(trialRegistry.connect(admin).amendProtocol(trialId, hashOf("v2")));
    await mined(trialRegistry.connect(alice).reconsent(trialId));
    expect((await trialRegistry.getEnrollment(trialId, alice.address))[1]).toBe(2n);
    await expect(trialRegistry.connect(bob).reconsent(trialId)).rejects.toThrow(/NotEnrolled/);
  });

  it("withdraws an enrolment and keeps the active count", async () => {
    const suite = await withTrial();
    const { trialRegistry, alice, bob, trialId } = suite;
    await suite.enroll(alice, trialId);
    await suite.enroll(bob, trialId);
    await mined(trialRegistry.connect(alice).withdrawEnrollment(trialId));
    expect((await trialRegistry.getTrial(trialId))[3]).toBe(1n);
    await expect(trialRegistry.connect(alice).withdrawEnrollment(trialId)).rejects.toThrow(
      /NotEnrolled/,
    );
  });

  it("lets only the sponsor fund, with a non-zero amount", async () => {
    const { trialRegistry, admin, mallory, trialId } = await withTrial();
    await expect(trialRegistry.connect(mallory).fundRewards(trialId, TOKEN, TOKEN)).rejects.toThrow(
      /NotTrialSponsor/,
    );
    await expect(trialRegistry.connect(admin).fundRewards(trialId, 0n, TOKEN)).rejects.toThrow(
      /ZeroAmount/,
    );
  });

  it("binds the marketplace once, by the deployer only", async () => {
    const { trialRegistry, admin, mallory, marketplaceAddress } = await withTrial();
    expect(await trialRegistry.marketplace()).toBe(marketplaceAddress);
    await expect(trialRegistry.connect(admin).bindMarketplace(mallory.address)).rejects.toThrow(
      /MarketplaceBinding/,
    );
    await expect(trialRegistry.connect(mallory).bindMarketplace(mallory.address)).rejects.toThrow(
      /MarketplaceBinding/,
    );
  });

  it("lets only the registry call the marketplace's trial hooks", async () => {
    const { marketplace, mallory, trialId } = await withTrial();
    // EDR does not name errors declared only in an interface, so the revert data is decoded here.
    const errorOf = (call: Promise<unknown>) =>
      call.then(
        () => null,
        (error: { data?: string | { data?: string } }) => {
          const data = typeof error.data === "string" ? error.data : error.data?.data;
          return marketplace.interface.parseError(data ?? "0x")?.name;
        },
      );
    expect(await errorOf(marketplace.connect(mallory).onTrialAmended(trialId, 1, 9))).toBe(
      "NotTrialRegistry",
    );
    expect(
      await errorOf(
        marketplace.connect(mallory).onEnrollmentWithdrawn(trialId, 1, mallory.address),
      ),
    ).toBe("NotTrialRegistry");
  });
});
