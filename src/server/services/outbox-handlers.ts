import type { OutboxFailureHandler } from "~/server/chain/outbox-worker";

/**
 * What the domain does when a chain write fails for good: the row it belongs to is marked,
 * so the page shows the failure and its reason instead of "pending" forever.
 */
export const OUTBOX_FAILURE_HANDLERS: Record<string, OutboxFailureHandler> = {
  "listing.create": async (db, entityId) => {
    await db.listing.updateMany({ where: { id: entityId }, data: { anchorStatus: "FAILED" } });
  },
  "trial.register": async (db, entityId) => {
    await db.trial.updateMany({ where: { id: entityId }, data: { anchorStatus: "FAILED" } });
  },
  "enrollment.enroll": async (db, entityId) => {
    await db.enrollment.updateMany({
      where: { id: entityId, anchorStatus: "PENDING" },
      data: { anchorStatus: "FAILED" },
    });
  },
  "request.create": async (db, entityId) => {
    await db.accessRequest.updateMany({
      where: { id: entityId },
      data: { anchorStatus: "FAILED" },
    });
  },
  "dataUse.record": async (db, entityId) => {
    await db.dataUse.updateMany({ where: { id: entityId }, data: { anchorStatus: "FAILED" } });
  },
};
