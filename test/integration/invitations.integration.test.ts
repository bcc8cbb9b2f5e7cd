import { keccak256, parseUnits, toUtf8Bytes } from "ethers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerTrial } from "~/server/services/trials/register-trial";
import { createManagedWallet } from "~/server/services/users/managed-wallet";
import type { SessionUser } from "~/server/session";
import { expectCode } from "./expect-code";
import { createHarness, type Harness } from "./harness";

/**
 * Enrolment needs the sponsor's invitation, spent once by the account that redeems it: issued
 * from the sponsor's trial page, redeemed by a participant, refused when reused, revoked or
 * unknown, and the enrolment made by an account derived for the trial.
 */
let harness: Harness;
let sponsor: SessionUser;
let trialId: string;

beforeAll(async () => {
  harness = await createHarness();
  const { db, chain } = harness;
  sponsor = await db.user.create({
    data: { role: "SPONSOR", displayName: "Inviting sponsor", ...createManagedWallet() },
    select: { id: true, role: true, walletAddress: true, displayName: true },
  });
  const trial = await registerTrial({
    db,
    chain,
    sponsorId: sponsor.id,
    input: {
      registryId: `INV-${Date.now()}`,
      title: "Invitation-only trial",
      phase: "Phase 2",
      conditions: ["Asthma"],
      sites: [],
      protocolDocumentName: "p.pdf",
      protocolHash: keccak256(toUtf8Bytes("invitation protocol")),
    },
  });
  trialId = trial.id;
  await harness.mintTokens(sponsor.walletAddress, parseUnits("100", 18));
  await harness.settle();
  await harness.act(sponsor, {
    type: "trial.fundRewards",
    trialId,
    // Three enrolments below take 10 each; 10 is left for the sponsor to take back.
    amount: "40",
    perEnrollment: "10",
  });
  await harness.settle();
});

afterAll(async () => {
  await harness.close();
});

async function issue(count: number) {
  const api = harness.callerFor(sponsor);
  const { drafts, signsInWallet } = await api.trials.prepareInvitations({
    trialId,
    count,
    validDays: 7,
  });
  expect(signsInWallet).toBe(false);
  const { invitations } = await api.trials.issueInvitations({
    trialId,
    label: "Site A",
    drafts: drafts.map((draft) => ({ token: draft.token })),
  });
  return invitations.map((invitation) => invitation.code);
}

describe("invitations", () => {
  it("enrols the participant who redeems one, once, with an account derived for the trial", async () => {
    const { db, chain } = harness;
    const [code] = await issue(1);
    const participant = await harness.createUser("PARTICIPANT");
    const api = harness.callerFor(participant);
    expect((await api.enrollments.invitation({ code: code! })).trial.id).toBe(trialId);
    await harness.act(participant, { type: "enrollment.enroll", code: code! });
    await harness.settle();
    const [joined] = await api.enrollments.trials();
    expect(joined).toMatchObject({ id: trialId, enrollment: { isEnrolled: true } });

    const enrollment = await db.enrollment.findFirstOrThrow({
      where: { trialId, participantId: participant.id },
    });
    expect(enrollment.accountAddress).not.toBe(participant.walletAddress);
    const trial = await db.trial.findUniqueOrThrow({ where: { id: trialId } });
    const [, , isActive] = await chain.contracts.trialRegistry.getEnrollment(
      trial.chainKey,
      enrollment.accountAddress!,
    );
    expect(isActive).toBe(true);
    const [, , walletActive] = await chain.contracts.trialRegistry.getEnrollment(
      trial.chainKey,
      participant.walletAddress,
    );
    expect(walletActive).toBe(false);
    // The reward is credited to the enrolment's account; the ledger adds it to the user's.
    expect((await api.ledger.mine()).rewards).toBe("10");

    const listed = await harness.callerFor(sponsor).trials.invitations({ trialId });
    expect(listed.find((entry) => entry.code === null && entry.status === "REDEEMED")).toBeTruthy();

    // The same code once more, by someone else: refused before anything is signed.
    const other = await harness.createUser("PARTICIPANT");
    await expectCode(
      harness.act(other, { type: "enrollment.enroll", code: code! }),
      "CONFLICT",
      /redeemed/,
    );
  });

  it("enrols a participant with a browser wallet as that wallet (it cannot be derived from)", async () => {
    const { user, wallet } = await harness.createWalletUser("PARTICIPANT");
    await harness.enroll(user, trialId, { wallet });
    const enrollment = await harness.db.enrollment.findFirstOrThrow({
      where: { trialId, participantId: user.id },
    });
    expect(enrollment).toMatchObject({
      anchorStatus: "CONFIRMED",
      accountAddress: user.walletAddress,
    });
  });

  it("refuses a code that is unknown, malformed, revoked, or for a used invitation being redeemed", async () => {
    const [first, second] = await issue(2);
    const participant = await harness.createUser("PARTICIPANT");
    const api = harness.callerFor(participant);
    await expectCode(api.enrollments.invitation({ code: "not-a-code" }), "BAD_REQUEST");
    await expectCode(
      api.enrollments.invitation({ code: `0x${"7".repeat(64)}` }),
      "NOT_FOUND",
      /not known/,
    );

    // Two participants race for one code: the second is refused while the first is queued.
    await harness.act(participant, { type: "enrollment.enroll", code: first! });
    const racer = await harness.createUser("PARTICIPANT");
    await expectCode(
      harness.act(racer, { type: "enrollment.enroll", code: first! }),
      "CONFLICT",
      /used/,
    );
    await harness.settle();

    // The sponsor revokes the other invitation on chain; its code then enrols nobody.
    const listed = await harness.callerFor(sponsor).trials.invitations({ trialId });
    const open = listed.find((entry) => entry.code === second)!;
    await harness.act(sponsor, { type: "trial.revokeInvitation", invitationId: open.id });
    await harness.settle();
    await expectCode(
      harness.act(racer, { type: "enrollment.enroll", code: second! }),
      "CONFLICT",
      /revoked/,
    );
    const after = await harness.callerFor(sponsor).trials.invitations({ trialId });
    expect(after.find((entry) => entry.id === open.id)).toMatchObject({
      status: "REVOKED",
      code: null,
    });
  });

  it("lets only the trial's sponsor issue and list invitations", async () => {
    const otherSponsor = await harness.db.user.create({
      data: { role: "SPONSOR", displayName: "Other sponsor", ...createManagedWallet() },
      select: { id: true, role: true, walletAddress: true, displayName: true },
    });
    await expectCode(
      harness
        .callerFor(otherSponsor)
        .trials.prepareInvitations({ trialId, count: 1, validDays: 1 }),
      "NOT_FOUND",
    );
    await expectCode(harness.callerFor(otherSponsor).trials.invitations({ trialId }), "NOT_FOUND");
    // Drafts prepared for one sponsor cannot be issued by another.
    const { drafts } = await harness
      .callerFor(sponsor)
      .trials.prepareInvitations({ trialId, count: 1, validDays: 1 });
    await expectCode(
      harness.callerFor(otherSponsor).trials.issueInvitations({
        trialId,
        label: "",
        drafts: [{ token: drafts[0]!.token }],
      }),
      "NOT_FOUND",
    );
  });

  it("lets the sponsor take back what is left of the reward pool", async () => {
    const before = await harness.chain.contracts.token.balanceOf(sponsor.walletAddress);
    await harness.act(sponsor, { type: "trial.reclaimRewards", trialId, amount: "5" });
    await harness.settle();
    expect((await harness.chain.contracts.token.balanceOf(sponsor.walletAddress)) - before).toBe(
      parseUnits("5", 18),
    );
    await expectCode(
      harness.act(sponsor, { type: "trial.reclaimRewards", trialId, amount: "1000" }),
      "BAD_REQUEST",
      /pool holds/,
    );
  });
});
