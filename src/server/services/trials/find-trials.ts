import type { DbClient } from "~/server/db";

export async function findTrials(options: { db: DbClient }) {
  const rows = await options.db.trial.findMany({
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
