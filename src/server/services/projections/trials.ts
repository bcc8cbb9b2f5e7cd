import "server-only";
import type { IndexedEvent } from "~/server/chain/indexed-event";
import type { DbTransaction } from "~/server/db";
import { deletePayouts, recordPayout, text, userIdOf, type Projection } from "./helpers";

/** The enrolment an event names by trial and participant wallet; null when either is unknown. */
async function enrollmentOfEvent(tx: DbTransaction, event: IndexedEvent) {
  const [trial, participantId] = await Promise.all([
    tx.trial.findUnique({ where: { chainKey: text(event, "trialId") }, select: { id: true } }),
    userIdOf(tx, text(event, "participant")),
  ]);
  return trial && participantId ? { trialId: trial.id, participantId } : null;
}

/** Trials, protocol versions, invitations, enrolments and their rewards. */
export const TRIAL_PROJECTIONS: Record<string, Projection> = {
  TrialRegistered: {
    apply: async (tx, event) => {
      await tx.trial.updateMany({
        where: { chainKey: text(event, "trialId") },
        data: { anchorStatus: "CONFIRMED" },
      });
    },
    undo: async (tx, event) => {
      await tx.trial.updateMany({
        where: { chainKey: text(event, "trialId") },
        data: { anchorStatus: "PENDING" },
      });
    },
  },
  ProtocolAmended: {
    apply: async (tx, event) => {
      const version = Number(text(event, "version"));
      const trial = await tx.trial.findUnique({
        where: { chainKey: text(event, "trialId") },
        select: { id: true },
      });
      if (!trial) return;
      await tx.trial.update({ where: { id: trial.id }, data: { currentVersion: version } });
      await tx.protocolVersion.upsert({
        where: { trialId_version: { trialId: trial.id, version } },
        create: {
          trialId: trial.id,
          version,
          documentHash: text(event, "protocolHash"),
          documentName: `protocol v${version}`,
        },
        update: { documentHash: text(event, "protocolHash") },
      });
    },
  },
  Enrolled: {
    apply: async (tx, event) => {
      await tx.enrollment.updateMany({
        where: { subjectCommitment: text(event, "subjectCommitment") },
        data: {
          anchorStatus: "CONFIRMED",
          anchorTxHash: event.txHash,
          protocolVersion: Number(text(event, "protocolVersion")),
          status: "ACTIVE",
        },
      });
      // The invitation is spent; its key is no longer needed to show the link.
      await tx.trialInvitation.updateMany({
        where: { invitationKey: text(event, "invitationKey").toLowerCase() },
        data: {
          status: "REDEEMED",
          redeemedAt: event.blockTime,
          redeemTxHash: event.txHash,
          keyCipher: null,
        },
      });
    },
    undo: async (tx, event) => {
      await tx.enrollment.updateMany({
        where: { subjectCommitment: text(event, "subjectCommitment") },
        data: { anchorStatus: "PENDING", anchorTxHash: null },
      });
      await tx.trialInvitation.updateMany({
        where: { invitationKey: text(event, "invitationKey").toLowerCase() },
        data: { status: "OPEN", redeemedAt: null, redeemTxHash: null },
      });
    },
  },
  InvitationRevoked: {
    apply: async (tx, event) => {
      await tx.trialInvitation.updateMany({
        where: { invitationKey: text(event, "invitationKey").toLowerCase(), status: "OPEN" },
        data: { status: "REVOKED", keyCipher: null },
      });
    },
    undo: async (tx, event) => {
      await tx.trialInvitation.updateMany({
        where: { invitationKey: text(event, "invitationKey").toLowerCase(), status: "REVOKED" },
        data: { status: "OPEN" },
      });
    },
  },
  Reconsented: {
    apply: async (tx, event) => {
      const where = await enrollmentOfEvent(tx, event);
      if (!where) return;
      await tx.enrollment.updateMany({
        where,
        data: { protocolVersion: Number(text(event, "protocolVersion")) },
      });
    },
  },
  EnrollmentWithdrawn: {
    apply: async (tx, event) => {
      const where = await enrollmentOfEvent(tx, event);
      if (!where) return;
      await tx.enrollment.updateMany({
        where,
        data: { status: "WITHDRAWN", withdrawnAt: event.blockTime },
      });
    },
  },
  RewardCredited: {
    apply: (tx, event) =>
      recordPayout(
        tx,
        event,
        text(event, "participant"),
        "ENROLLMENT_REWARD",
        text(event, "amount"),
      ),
    undo: deletePayouts,
  },
};
