import { Wallet } from "ethers";
import { describe, expect, it } from "vitest";
import { INVITATION_TYPES, trialRegistryDomain } from "~/server/chain/invitation-typed-data";
import { DAY, deploySuite, mined, salt, TOKEN } from "./fixtures";

/** A funded trial: 50 tokens, 10 per enrolment. */
async function fundedTrial() {
  const suite = await deploySuite();
  const trialId = await suite.registerTrial();
  await mined(
    suite.trialRegistry.connect(suite.admin).fundRewards(trialId, 50n * TOKEN, 10n * TOKEN),
  );
  return { ...suite, trialId };
}

describe("8. nobody drains a reward pool without the sponsor's invitations", () => {
  it("five fresh gasless wallets with self-made invitations enrol nobody and take nothing", async () => {
    const suite = await fundedTrial();
    const { trialRegistry, registryAddress, chainId, trialId, now } = suite;
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const thief = suite.gaslessWallet();
      const key = Wallet.createRandom();
      const invitation = {
        issuer: thief.address,
        invitationKey: key.address,
        expiresAt: (await now()) + DAY,
      };
      const issuerSignature = await thief.wallet.signTypedData(
        trialRegistryDomain(chainId, registryAddress),
        INVITATION_TYPES,
        { trialId, invitationKey: key.address, expiresAt: invitation.expiresAt },
      );
      const commitment = salt();
      const redemption = await suite.redeem(
        { key, invitation, issuerSignature },
        trialId,
        thief.address,
        commitment,
      );
      const call = trialRegistry.interface.encodeFunctionData("enrollWithInvitation", [
        trialId,
        commitment,
        1,
        invitation,
        issuerSignature,
        redemption,
      ]);
      await expect(thief.send(registryAddress, call)).rejects.toThrow(/FailedCall/);
      await expect(
        trialRegistry
          .connect(suite.mallory)
          .enrollWithInvitation(trialId, commitment, 1, invitation, issuerSignature, redemption),
      ).rejects.toThrow(/InvalidInvitation/);
    }
    expect(await trialRegistry.rewardPool(trialId)).toEqual([50n * TOKEN, 10n * TOKEN]);
    expect((await trialRegistry.getTrial(trialId))[3]).toBe(0n);
  });

  it("an invitation enrols once, before it expires, into its own trial only", async () => {
    const suite = await fundedTrial();
    const { trialRegistry, alice, bob, trialId } = suite;
    const invite = await suite.issueInvitation(trialId, suite.admin, 1);
    const commitment = salt();
    const signed = await suite.redeem(invite, trialId, alice.address, commitment);
    await mined(
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
    );
    // The same code once more, for another account: refused.
    const again = await suite.redeem(invite, trialId, bob.address, commitment);
    await expect(
      trialRegistry
        .connect(bob)
        .enrollWithInvitation(
          trialId,
          commitment,
          1,
          invite.invitation,
          invite.issuerSignature,
          again,
        ),
    ).rejects.toThrow(/InvitationAlreadyUsed/);
    // Another trial of the same sponsor does not accept it.
    const other = await suite.registerTrial();
    const fresh = await suite.issueInvitation(trialId);
    const elsewhere = await suite.redeem(fresh, other, bob.address, commitment);
    await expect(
      trialRegistry
        .connect(bob)
        .enrollWithInvitation(
          other,
          commitment,
          1,
          fresh.invitation,
          fresh.issuerSignature,
          elsewhere,
        ),
    ).rejects.toThrow(/InvalidInvitation/);
    // An expired one is refused.
    const late = await suite.issueInvitation(trialId, suite.admin, 1);
    await suite.increaseTime(2 * DAY);
    const lateRedemption = await suite.redeem(late, trialId, bob.address, commitment);
    await expect(
      trialRegistry
        .connect(bob)
        .enrollWithInvitation(
          trialId,
          commitment,
          1,
          late.invitation,
          late.issuerSignature,
          lateRedemption,
        ),
    ).rejects.toThrow(/InvitationExpired/);
  });

  it("a site signs invitations only while the sponsor authorises it, and a revoked invitation is dead", async () => {
    const suite = await fundedTrial();
    const { trialRegistry, admin, bob, carol, mallory, trialId } = suite;
    await expect(
      trialRegistry.connect(mallory).authorizeSite(trialId, mallory.address, true),
    ).rejects.toThrow(/NotTrialSponsor/);
    await mined(trialRegistry.connect(admin).authorizeSite(trialId, carol.address, true));
    const bySite = await suite.issueInvitation(trialId, carol);
    const commitment = salt();
    await mined(
      trialRegistry
        .connect(bob)
        .enrollWithInvitation(
          trialId,
          commitment,
          1,
          bySite.invitation,
          bySite.issuerSignature,
          await suite.redeem(bySite, trialId, bob.address, commitment),
        ),
    );
    await mined(trialRegistry.connect(admin).authorizeSite(trialId, carol.address, false));
    const stale = await suite.issueInvitation(trialId, carol);
    await expect(
      trialRegistry
        .connect(mallory)
        .enrollWithInvitation(
          trialId,
          commitment,
          1,
          stale.invitation,
          stale.issuerSignature,
          await suite.redeem(stale, trialId, mallory.address, commitment),
        ),
    ).rejects.toThrow(/InvalidInvitation/);
    const revoked = await suite.issueInvitation(trialId);
    await expect(
      trialRegistry.connect(mallory).revokeInvitation(trialId, revoked.key.address),
    ).rejects.toThrow(/NotTrialIssuer/);
    await mined(trialRegistry.connect(admin).revokeInvitation(trialId, revoked.key.address));
    await expect(
      trialRegistry
        .connect(mallory)
        .enrollWithInvitation(
          trialId,
          commitment,
          1,
          revoked.invitation,
          revoked.issuerSignature,
          await suite.redeem(revoked, trialId, mallory.address, commitment),
        ),
    ).rejects.toThrow(/InvitationAlreadyUsed/);
  });
});

describe("9. a commitment or invitation copied from the mempool is worthless", () => {
  it("a thief replaying the victim's pending enrolment from their own account is refused", async () => {
    const suite = await fundedTrial();
    const { trialRegistry, registryAddress, trialId } = suite;
    const victim = suite.gaslessWallet();
    const thief = suite.gaslessWallet();
    const invite = await suite.issueInvitation(trialId);
    const commitment = salt();
    const redemption = await suite.redeem(invite, trialId, victim.address, commitment);
    const pending = trialRegistry.interface.encodeFunctionData("enrollWithInvitation", [
      trialId,
      commitment,
      1,
      invite.invitation,
      invite.issuerSignature,
      redemption,
    ]);
    // The thief copies the calldata and gets it relayed first, signed by themselves.
    await expect(thief.send(registryAddress, pending)).rejects.toThrow(/FailedCall/);
    await victim.send(registryAddress, pending);
    expect((await trialRegistry.getEnrollment(trialId, victim.address))[2]).toBe(true);
    expect(await trialRegistry.rewardBalanceOf(victim.address)).toBe(10n * TOKEN);
    expect(await trialRegistry.rewardBalanceOf(thief.address)).toBe(0n);
  });

  it("an invited participant who front-runs with the victim's commitment does not block the victim", async () => {
    const suite = await fundedTrial();
    const { trialRegistry, alice, bob, trialId } = suite;
    const commitment = salt();
    // Bob has an invitation of his own and copies Alice's commitment from her pending request.
    await suite.enroll(bob, trialId, commitment);
    await suite.enroll(alice, trialId, commitment);
    expect((await trialRegistry.getEnrollment(trialId, alice.address))[2]).toBe(true);
    expect(await trialRegistry.rewardBalanceOf(alice.address)).toBe(10n * TOKEN);
  });
});
