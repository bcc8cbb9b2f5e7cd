import { ZeroHash } from "ethers";
import { describe, expect, it } from "vitest";
import { deploySuite, hashOf, salt, TOKEN } from "./fixtures";

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
    const { trialRegistry, admin, alice, token, trialId } = await withTrial();
    await (
      await trialRegistry.connect(admin).fundRewards(trialId, 25n * TOKEN, 10n * TOKEN)
    ).wait();
    await (await trialRegistry.connect(alice).enroll(trialId, hashOf("subject-1|salt"), 1)).wait();
    expect(await trialRegistry.getEnrollment(trialId, alice.address)).toEqual([
      hashOf("subject-1|salt"),
      1n,
      true,
    ]);
    expect(await trialRegistry.rewardBalanceOf(alice.address)).toBe(10n * TOKEN);
    expect(await trialRegistry.rewardPool(trialId)).toEqual([15n * TOKEN, 10n * TOKEN]);

    await (await trialRegistry.connect(alice).withdrawEnrollment(trialId)).wait();
    await (await trialRegistry.connect(alice).enroll(trialId, hashOf("subject-1|salt2"), 1)).wait();
    expect(await trialRegistry.rewardBalanceOf(alice.address)).toBe(10n * TOKEN);

    const before = await token.balanceOf(alice.address);
    await (await trialRegistry.connect(alice).withdrawRewards()).wait();
    expect((await token.balanceOf(alice.address)) - before).toBe(10n * TOKEN);
    await expect(trialRegistry.connect(alice).withdrawRewards()).rejects.toThrow(
      /NothingToWithdraw/,
    );
  });

  it("stops crediting when the pool runs dry", async () => {
    const { trialRegistry, admin, alice, bob, trialId } = await withTrial();
    await (
      await trialRegistry.connect(admin).fundRewards(trialId, 10n * TOKEN, 10n * TOKEN)
    ).wait();
    await (await trialRegistry.connect(alice).enroll(trialId, hashOf("a"), 1)).wait();
    await (await trialRegistry.connect(bob).enroll(trialId, hashOf("b"), 1)).wait();
    expect(await trialRegistry.rewardBalanceOf(bob.address)).toBe(0n);
  });

  it("refuses a stale protocol version, a used or zero commitment, and a double enrolment", async () => {
    const { trialRegistry, admin, alice, bob, trialId } = await withTrial();
    await (await trialRegistry.connect(admin).amendProtocol(trialId, hashOf("v2"))).wait();
    await expect(trialRegistry.connect(alice).enroll(trialId, hashOf("a"), 1)).rejects.toThrow(
      /ProtocolVersionMismatch/,
    );
    await (await trialRegistry.connect(alice).enroll(trialId, hashOf("a"), 2)).wait();
    await expect(trialRegistry.connect(bob).enroll(trialId, hashOf("a"), 2)).rejects.toThrow(
      /InvalidCommitment/,
    );
    await expect(trialRegistry.connect(bob).enroll(trialId, ZeroHash, 2)).rejects.toThrow(
      /InvalidCommitment/,
    );
    await expect(trialRegistry.connect(alice).enroll(trialId, hashOf("a2"), 2)).rejects.toThrow(
      /AlreadyEnrolled/,
    );
    await expect(trialRegistry.connect(alice).enroll(salt(), hashOf("a3"), 1)).rejects.toThrow(
      /UnknownTrial/,
    );
  });

  it("asks enrolled participants to re-consent after an amendment", async () => {
    const { trialRegistry, admin, alice, bob, trialId } = await withTrial();
    await (await trialRegistry.connect(alice).enroll(trialId, hashOf("a"), 1)).wait();
    await expect(trialRegistry.connect(alice).reconsent(trialId)).rejects.toThrow(
      /AlreadyOnCurrentProtocol/,
    );
    await (await trialRegistry.connect(admin).amendProtocol(trialId, hashOf("v2"))).wait();
    await (await trialRegistry.connect(alice).reconsent(trialId)).wait();
    expect((await trialRegistry.getEnrollment(trialId, alice.address))[1]).toBe(2n);
    await expect(trialRegistry.connect(bob).reconsent(trialId)).rejects.toThrow(/NotEnrolled/);
  });

  it("withdraws an enrolment and keeps the active count", async () => {
    const { trialRegistry, alice, bob, trialId } = await withTrial();
    await (await trialRegistry.connect(alice).enroll(trialId, hashOf("a"), 1)).wait();
    await (await trialRegistry.connect(bob).enroll(trialId, hashOf("b"), 1)).wait();
    await (await trialRegistry.connect(alice).withdrawEnrollment(trialId)).wait();
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
});
