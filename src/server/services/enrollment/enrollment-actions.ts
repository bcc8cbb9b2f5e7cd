import "server-only";
import { hexlify, randomBytes, solidityPackedKeccak256 } from "ethers";
import { sealSecret } from "~/server/crypto";
import type { DbClient } from "~/server/db";
import { AppError } from "~/server/errors";
import type { ActionHandler } from "~/server/services/actions/action-plan";
import { redemptionFor } from "~/server/services/trials/invitations";
import { accountFor } from "~/server/services/users/derived-accounts";

/**
 * Gas the forwarder passes on. Re-consent starts a new consent epoch on each of the enrolment's
 * linked listings (at most 16) and withdrawal ends them, so both leave room for that.
 */
const GAS = { enroll: 300_000n, reconsent: 1_600_000n, withdraw: 900_000n };

async function anchoredTrial(db: DbClient, trialId: string) {
  const trial = await db.trial.findUnique({
    where: { id: trialId },
    select: { id: true, chainKey: true, currentVersion: true, anchorStatus: true },
  });
  if (!trial) throw new AppError("NOT_FOUND", "There is no trial with this id.");
  if (trial.anchorStatus !== "CONFIRMED")
    throw new AppError(
      "CONFLICT",
      "This trial is still being registered on chain; try again shortly.",
    );
  return trial;
}

/**
 * Enrolment commits to the subject with keccak256(subjectId, salt): the chain sees only the
 * commitment. The salt is kept sealed; deleting it unlinks the person from the commitment.
 * The subject id itself is not stored. It needs an invitation the sponsor issued (its code);
 * the invitation's key signs this account and commitment, so the enrolment cannot be taken
 * over by another account. The draft is created when the request is prepared so that
 * preparing and submitting agree on the commitment.
 */
const ENROLLMENT_STATE = {
  id: true,
  status: true,
  anchorStatus: true,
  subjectCommitment: true,
  protocolVersion: true,
  accountAddress: true,
  invitationId: true,
} as const;

export const enrollAction: ActionHandler<{ code: string; subjectId?: string }> = {
  kind: "enrollment.enroll",
  roles: ["PARTICIPANT"],
  async plan({ db, chain, user }, { code, subjectId }) {
    const redemption = await redemptionFor(db, code);
    const trial = await anchoredTrial(db, redemption.trialId);
    const takenBy = await db.enrollment.count({
      where: {
        invitationId: redemption.invitationId,
        participantId: { not: user.id },
        anchorStatus: { in: ["PENDING", "CONFIRMED"] },
      },
    });
    if (takenBy > 0) throw new AppError("CONFLICT", "This invitation has been used already.");
    const account = await accountFor(db, user.id, "ENROLLMENT", trial.chainKey);
    const trialId = trial.id;
    let enrollment = await db.enrollment.findUnique({
      where: { trialId_participantId: { trialId, participantId: user.id } },
      select: ENROLLMENT_STATE,
    });
    // In flight: a confirmed row may belong to an earlier enrolment, before a withdrawal.
    const isQueued = enrollment
      ? (await db.chainOutbox.count({
          where: {
            kind: "enrollment.enroll",
            entityId: enrollment.id,
            status: { in: ["PENDING", "SENT"] },
          },
        })) > 0
      : false;
    if (enrollment?.status === "ACTIVE" && enrollment.anchorStatus === "CONFIRMED")
      throw new AppError("CONFLICT", "You are already enrolled in this trial.");
    if (enrollment?.status === "ACTIVE" && isQueued)
      throw new AppError("CONFLICT", "Your enrolment is already being recorded on chain.");
    if (
      !enrollment ||
      enrollment.status === "WITHDRAWN" ||
      enrollment.anchorStatus === "FAILED" ||
      enrollment.protocolVersion !== trial.currentVersion ||
      enrollment.invitationId !== redemption.invitationId
    ) {
      const salt = hexlify(randomBytes(32));
      const subject = subjectId?.trim() || hexlify(randomBytes(16));
      const data = {
        protocolVersion: trial.currentVersion,
        subjectCommitment: solidityPackedKeccak256(["string", "bytes32"], [subject, salt]),
        saltCipher: sealSecret(salt, `enrollment-salt:${trialId}:${user.id}`),
        status: "ACTIVE" as const,
        anchorStatus: "PENDING" as const,
        anchorTxHash: null,
        withdrawnAt: null,
        accountAddress: account,
        invitationId: redemption.invitationId,
      };
      enrollment = await db.enrollment.upsert({
        where: { trialId_participantId: { trialId, participantId: user.id } },
        create: { trialId, participantId: user.id, ...data },
        update: data,
        select: ENROLLMENT_STATE,
      });
    }
    const redemptionSignature = await redemption.sign(
      chain,
      trial.chainKey,
      account,
      enrollment.subjectCommitment,
    );
    return {
      entityId: enrollment.id,
      signer: account,
      call: {
        to: chain.deployment.contracts.TrialRegistry,
        gas: GAS.enroll,
        data: chain.contracts.trialRegistry.interface.encodeFunctionData("enrollWithInvitation", [
          trial.chainKey,
          enrollment.subjectCommitment,
          trial.currentVersion,
          redemption.invitation,
          redemption.issuerSignature,
          redemptionSignature,
        ]),
      },
    };
  },
};

async function activeEnrollment(db: DbClient, trialId: string, userId: string) {
  const enrollment = await db.enrollment.findUnique({
    where: { trialId_participantId: { trialId, participantId: userId } },
    select: {
      id: true,
      status: true,
      anchorStatus: true,
      protocolVersion: true,
      accountAddress: true,
      participant: { select: { walletAddress: true } },
    },
  });
  if (!enrollment || enrollment.status !== "ACTIVE" || enrollment.anchorStatus !== "CONFIRMED") {
    throw new AppError(
      "CONFLICT",
      "You are not enrolled in this trial (or your enrolment is still being recorded).",
    );
  }
  return {
    ...enrollment,
    signer: enrollment.accountAddress ?? enrollment.participant.walletAddress,
  };
}

export const reconsentAction: ActionHandler<{ trialId: string }> = {
  kind: "enrollment.reconsent",
  roles: ["PARTICIPANT"],
  async plan({ db, chain, user }, { trialId }) {
    const trial = await anchoredTrial(db, trialId);
    const enrollment = await activeEnrollment(db, trialId, user.id);
    if (enrollment.protocolVersion >= trial.currentVersion)
      throw new AppError("CONFLICT", "You already consented to the current protocol.");
    return {
      entityId: enrollment.id,
      signer: enrollment.signer,
      call: {
        to: chain.deployment.contracts.TrialRegistry,
        gas: GAS.reconsent,
        data: chain.contracts.trialRegistry.interface.encodeFunctionData("reconsent", [
          trial.chainKey,
        ]),
      },
    };
  },
};

export const withdrawEnrollmentAction: ActionHandler<{ trialId: string }> = {
  kind: "enrollment.withdraw",
  roles: ["PARTICIPANT"],
  async plan({ db, chain, user }, { trialId }) {
    const trial = await anchoredTrial(db, trialId);
    const enrollment = await activeEnrollment(db, trialId, user.id);
    return {
      entityId: enrollment.id,
      signer: enrollment.signer,
      call: {
        to: chain.deployment.contracts.TrialRegistry,
        gas: GAS.withdraw,
        data: chain.contracts.trialRegistry.interface.encodeFunctionData("withdrawEnrollment", [
          trial.chainKey,
        ]),
      },
    };
  },
};
