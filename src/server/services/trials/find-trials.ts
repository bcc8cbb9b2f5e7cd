import "server-only";
import type { DbClient } from "~/server/db";

/** What every list of trials shows. */
export const TRIAL_SUMMARY = {
  id: true,
  registryId: true,
  title: true,
  phase: true,
  conditions: true,
  currentVersion: true,
  sponsor: { select: { displayName: true } },
} as const;

/** All trials, newest first; `sponsorId` narrows to one sponsor's. */
export async function findTrials(options: { db: DbClient; sponsorId?: string }) {
  const rows = await options.db.trial.findMany({
    where: options.sponsorId ? { sponsorId: options.sponsorId } : {},
    orderBy: { createdAt: "desc" },
    select: { ...TRIAL_SUMMARY, anchorStatus: true },
  });
  return rows.map(({ sponsor, ...trial }) => ({ ...trial, sponsorName: sponsor.displayName }));
}
