import "server-only";
import type { OutboxFailureHandler, OutboxWorkerOptions } from "~/server/chain/outbox-worker";
import { refuseAnalysisCharge } from "~/server/services/analyses/analysis-outcomes";
import { reissueAfterFailure } from "~/server/services/signing/reissue";

/**
 * What the domain does when a chain write fails for good: the row it belongs to is marked,
 * so the page shows the failure and its reason instead of "pending" forever.
 */
const failRequest: OutboxFailureHandler = async (db, entityId) => {
  await db.accessRequest.updateMany({ where: { id: entityId }, data: { anchorStatus: "FAILED" } });
};

export const OUTBOX_FAILURE_HANDLERS: Record<string, OutboxFailureHandler> = {
  // Back to a draft, so its owner can publish it again (signing anew).
  "listing.create": async (db, entityId) => {
    await db.listing.updateMany({
      where: { id: entityId },
      data: { anchorStatus: "FAILED", status: "DRAFT" },
    });
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
  "request.create": failRequest,
  // The same call carrying the researcher's permit (see actions/permit.ts).
  "request.create:permit": failRequest,
  // Only a registration still waiting: a confirmed one (say, of a duplicate send) stays.
  "output.register": async (db, entityId) => {
    await db.researchOutput.updateMany({
      where: { id: entityId, anchorStatus: "PENDING" },
      data: { anchorStatus: "FAILED" },
    });
  },
  "dataUse.record": async (db, entityId) => {
    await db.dataUse.updateMany({ where: { id: entityId }, data: { anchorStatus: "FAILED" } });
  },
  // Refused charge: the job ends REFUSED, its reservation and sealed output go (a replay refused
  // as already recorded changes nothing).
  "analysis.record": refuseAnalysisCharge,
};

/** Everything the outbox worker calls back into the domain for, in one place for every worker. */
export const OUTBOX_HOOKS = {
  onFailed: OUTBOX_FAILURE_HANDLERS,
  onForwardFailed: (failure: Omit<Parameters<typeof reissueAfterFailure>[0], "onFailed">) =>
    reissueAfterFailure({ ...failure, onFailed: OUTBOX_FAILURE_HANDLERS }),
} satisfies Partial<OutboxWorkerOptions>;
