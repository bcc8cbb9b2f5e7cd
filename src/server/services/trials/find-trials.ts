import type { DbClient } from "~/server/db";

/** All trials, newest first; `sponsorId` narrows to one sponsor's. */
export async function findTrials(options: { db: DbClient; sponsorId?: string }) {
  const rows = await options.db.trial.findMany({
    where: options.sponsorId ? { sponsorId: options.sponsorId } : {},
    orderBy: { createdAt: "desc" },
    select: {
      id: true,
      registryId: true,
      title: true,
      phase: true,
      conditions: true,
      currentVersion: true,
      anchorStatus: true,
      sponsor: { select: { displayName: true } },
    },
  });
  return rows.map(({ sponsor, ...trial }) => ({ ...trial, sponsorName: sponsor.displayName }));
}
