import type { DbClient } from "~/server/db";
import { TRIAL_SUMMARY } from "~/server/services/trials/find-trials";

/** Trials a participant can join, with their own enrolment and whether it needs re-consent. */
export async function findTrialsForParticipant(options: { db: DbClient; participantId: string }) {
  const [trials, enrollments] = await Promise.all([
    options.db.trial.findMany({
      where: { anchorStatus: "CONFIRMED" },
      orderBy: { createdAt: "desc" },
      select: {
        ...TRIAL_SUMMARY,
        protocolVersions: { orderBy: { version: "desc" }, take: 1, select: { documentHash: true } },
      },
    }),
    options.db.enrollment.findMany({
      where: { participantId: options.participantId },
      select: {
        id: true,
        trialId: true,
        status: true,
        anchorStatus: true,
        protocolVersion: true,
        anchorTxHash: true,
      },
    }),
  ]);
  // Only this participant's queued writes, not every participant's.
  const queued = await options.db.chainOutbox.findMany({
    where: {
      kind: { startsWith: "enrollment." },
      status: { in: ["PENDING", "SENT"] },
      entityId: { in: enrollments.map((enrollment) => enrollment.id) },
    },
    select: { entityId: true, kind: true },
  });
  return trials.map((trial) => {
    const enrollment = enrollments.find((candidate) => candidate.trialId === trial.id);
    const pending = enrollment ? queued.find((row) => row.entityId === enrollment.id) : undefined;
    const isEnrolled = enrollment?.status === "ACTIVE" && enrollment.anchorStatus === "CONFIRMED";
    return {
      id: trial.id,
      registryId: trial.registryId,
      title: trial.title,
      phase: trial.phase,
      conditions: trial.conditions,
      sponsorName: trial.sponsor.displayName,
      currentVersion: trial.currentVersion,
      protocolHash: trial.protocolVersions[0]?.documentHash ?? null,
      enrollment: enrollment
        ? {
            isEnrolled,
            status: enrollment.status,
            protocolVersion: enrollment.protocolVersion,
            needsReconsent: isEnrolled && enrollment.protocolVersion < trial.currentVersion,
            pendingAction: pending?.kind ?? null,
            txHash: enrollment.anchorTxHash,
          }
        : null,
    };
  });
}
