import "server-only";
import type { DbClient } from "~/server/db";
import { AppError } from "~/server/errors";
import { TRIAL_SUMMARY } from "~/server/services/trials/find-trials";
import { redemptionFor } from "~/server/services/trials/invitations";

/**
 * The trials a participant is (or was) enrolled in, with whether the sponsor's latest protocol
 * still waits for their consent, and how many of their listings linked to the trial cannot be
 * requested or used until it has it.
 */
export async function findTrialsForParticipant(options: { db: DbClient; participantId: string }) {
  const { db } = options;
  const enrollments = await db.enrollment.findMany({
    where: { participantId: options.participantId },
    orderBy: { createdAt: "desc" },
    select: {
      id: true,
      status: true,
      anchorStatus: true,
      protocolVersion: true,
      anchorTxHash: true,
      trial: {
        select: {
          ...TRIAL_SUMMARY,
          protocolVersions: {
            orderBy: { version: "desc" },
            take: 1,
            select: { documentHash: true },
          },
        },
      },
    },
  });
  // Only this participant's queued writes, not every participant's.
  const [queued, linked] = await Promise.all([
    db.chainOutbox.findMany({
      where: {
        kind: { startsWith: "enrollment." },
        status: { in: ["PENDING", "SENT"] },
        entityId: { in: enrollments.map((enrollment) => enrollment.id) },
      },
      select: { entityId: true, kind: true },
    }),
    db.listing.findMany({
      where: { ownerId: options.participantId, trialId: { not: null }, status: "ACTIVE" },
      select: { trialId: true, consent: { select: { protocolVersion: true, revokedAt: true } } },
    }),
  ]);
  return enrollments.map(({ trial, ...enrollment }) => {
    const pending = queued.find((row) => row.entityId === enrollment.id);
    const isEnrolled = enrollment.status === "ACTIVE" && enrollment.anchorStatus === "CONFIRMED";
    const needsReconsent = isEnrolled && enrollment.protocolVersion < trial.currentVersion;
    const waitingListings = linked.filter(
      (listing) =>
        listing.trialId === trial.id &&
        !listing.consent?.revokedAt &&
        (listing.consent?.protocolVersion ?? 0) < trial.currentVersion,
    ).length;
    return {
      id: trial.id,
      registryId: trial.registryId,
      title: trial.title,
      phase: trial.phase,
      conditions: trial.conditions,
      sponsorName: trial.sponsor.displayName,
      currentVersion: trial.currentVersion,
      protocolHash: trial.protocolVersions[0]?.documentHash ?? null,
      enrollment: {
        isEnrolled,
        status: enrollment.status,
        anchorStatus: enrollment.anchorStatus,
        protocolVersion: enrollment.protocolVersion,
        needsReconsent,
        waitingListings: needsReconsent ? waitingListings : 0,
        pendingAction: pending?.kind ?? null,
        txHash: enrollment.anchorTxHash,
      },
    };
  });
}

/** What an invitation code enrols into, for the participant to read before consenting. */
export async function describeInvitation(options: { db: DbClient; code: string }) {
  const redemption = await redemptionFor(options.db, options.code);
  const trial = await options.db.trial.findUnique({
    where: { id: redemption.trialId },
    select: { ...TRIAL_SUMMARY, sites: true },
  });
  if (!trial) throw new AppError("NOT_FOUND", "The trial of this invitation no longer exists.");
  return {
    trial: {
      id: trial.id,
      registryId: trial.registryId,
      title: trial.title,
      phase: trial.phase,
      conditions: trial.conditions,
      sites: trial.sites,
      sponsorName: trial.sponsor.displayName,
      currentVersion: trial.currentVersion,
    },
    expiresAt: new Date(redemption.invitation.expiresAt * 1000),
  };
}
