import "server-only";
import type { DbClient } from "~/server/db";
import { formatTokens } from "~/shared/tokens";
import { PURPOSES } from "~/server/services/consent/purposes";
import {
  OUTPUT_SELECT,
  resultsStatusOf,
  toOutputDto,
} from "~/server/services/results/find-results";

const purposeKeyOf = (bit: number) => PURPOSES[bit]?.key ?? "ACADEMIC_RESEARCH";

/** Requests touching a participant's listings, item by item, newest first. */
export async function findIncomingItems(options: { db: DbClient; ownerId: string }) {
  const items = await options.db.accessRequestItem.findMany({
    where: { listing: { ownerId: options.ownerId }, request: { anchorStatus: "CONFIRMED" } },
    orderBy: { request: { createdAt: "desc" } },
    select: {
      id: true,
      status: true,
      priceWei: true,
      decisionTxHash: true,
      listing: { select: { id: true, title: true } },
      request: {
        select: {
          id: true,
          purpose: true,
          planSummary: true,
          planHash: true,
          planDocumentId: true,
          accessUntil: true,
          decisionDeadline: true,
          anchorTxHash: true,
          createdAt: true,
          researcher: { select: { displayName: true } },
        },
      },
    },
  });
  const queued = await options.db.chainOutbox.findMany({
    where: {
      kind: "item.decide",
      entityId: { in: items.map((item) => item.id) },
      // Confirmed too: mined, but until the indexer reads it the item still says PENDING.
      status: { in: ["PENDING", "SENT", "CONFIRMED"] },
    },
    select: { entityId: true },
  });
  return items.map((item) => ({
    id: item.id,
    status: item.status,
    isDecisionQueued: item.status === "PENDING" && queued.some((row) => row.entityId === item.id),
    price: formatTokens(item.priceWei.toFixed(0)),
    listing: item.listing,
    decisionTxHash: item.decisionTxHash,
    request: {
      id: item.request.id,
      purpose: purposeKeyOf(item.request.purpose),
      planSummary: item.request.planSummary,
      planHash: item.request.planHash,
      planDocumentId: item.request.planDocumentId,
      accessUntil: item.request.accessUntil,
      decisionDeadline: item.request.decisionDeadline,
      txHash: item.request.anchorTxHash,
      createdAt: item.request.createdAt,
      researcherName: item.request.researcher.displayName,
    },
  }));
}

/** A researcher's own requests with their items' states and the outputs registered against them. */
export async function findMyRequests(options: { db: DbClient; researcherId: string }) {
  const requests = await options.db.accessRequest.findMany({
    where: { researcherId: options.researcherId },
    orderBy: { createdAt: "desc" },
    select: {
      id: true,
      purpose: true,
      planSummary: true,
      totalWei: true,
      maxTotalWei: true,
      accessUntil: true,
      decisionDeadline: true,
      status: true,
      anchorStatus: true,
      anchorTxHash: true,
      createdAt: true,
      items: {
        orderBy: { itemIndex: "asc" },
        select: {
          id: true,
          status: true,
          priceWei: true,
          settledAt: true,
          creditedWei: true,
          refundedWei: true,
          listing: { select: { id: true, title: true } },
        },
      },
      _count: { select: { dataUses: { where: { anchorStatus: "CONFIRMED" } } } },
      outputs: { orderBy: { createdAt: "asc" }, select: OUTPUT_SELECT },
    },
  });
  const now = new Date();
  const outbox = await options.db.chainOutbox.findMany({
    where: {
      kind: { startsWith: "request.create" },
      entityId: { in: requests.map((request) => request.id) },
    },
    orderBy: { id: "desc" },
    select: { entityId: true, status: true, lastError: true },
  });
  return requests.map((request) => {
    const row = outbox.find((candidate) => candidate.entityId === request.id);
    return {
      id: request.id,
      purpose: purposeKeyOf(request.purpose),
      planSummary: request.planSummary,
      total: formatTokens(request.totalWei.toFixed(0)),
      maxTotal: request.maxTotalWei ? formatTokens(request.maxTotalWei.toFixed(0)) : null,
      accessUntil: request.accessUntil,
      status: request.status,
      anchorStatus: request.anchorStatus,
      txHash: request.anchorTxHash,
      submission: row ? { status: row.status, lastError: row.lastError } : null,
      createdAt: request.createdAt,
      items: request.items.map((item) => ({
        id: item.id,
        // A pending item past the decision window reads as what it is, before settlement says so.
        status:
          item.status === "PENDING" &&
          request.decisionDeadline !== null &&
          request.decisionDeadline < new Date()
            ? ("EXPIRED" as const)
            : item.status,
        price: formatTokens(item.priceWei.toFixed(0)),
        settlement: item.settledAt
          ? {
              at: item.settledAt,
              paid: formatTokens((item.creditedWei ?? 0).toFixed(0)),
              refunded: formatTokens((item.refundedWei ?? 0).toFixed(0)),
            }
          : null,
        listing: item.listing,
      })),
      hasDataUse: request._count.dataUses > 0,
      outputs: request.outputs.map(toOutputDto),
      resultsStatus: resultsStatusOf(
        {
          accessUntil: request.accessUntil,
          hasDataUse: request._count.dataUses > 0,
          reportedOutputs: request.outputs.filter((output) => output.anchorStatus === "CONFIRMED")
            .length,
        },
        now,
      ),
    };
  });
}
