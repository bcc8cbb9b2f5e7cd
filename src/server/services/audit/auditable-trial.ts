import "server-only";
import type { DbClient } from "~/server/db";
import { AppError } from "~/server/errors";
import type { SessionUser } from "~/server/session";

/**
 * The trial an audit, timeline or export is about, by id or registry id. Auditors may read any
 * trial; a sponsor only its own. Without `requestedBy` (the operator's CLI) there is no check.
 */
export async function findAuditableTrial(options: {
  db: DbClient;
  trial: string;
  requestedBy?: Pick<SessionUser, "id" | "role">;
}) {
  const { requestedBy } = options;
  const trial = await options.db.trial.findFirst({
    where: { OR: [{ id: options.trial }, { registryId: options.trial }] },
    select: {
      id: true,
      registryId: true,
      title: true,
      phase: true,
      conditions: true,
      sites: true,
      chainKey: true,
      sponsorId: true,
      sponsor: { select: { displayName: true } },
    },
  });
  if (!trial)
    throw new AppError("NOT_FOUND", `No trial has the id or registry id ${options.trial}.`);
  if (
    requestedBy &&
    requestedBy.role !== "AUDITOR" &&
    !(requestedBy.role === "SPONSOR" && requestedBy.id === trial.sponsorId)
  )
    throw new AppError("FORBIDDEN", "Only auditors and the trial's sponsor can audit this trial.");
  return trial;
}
