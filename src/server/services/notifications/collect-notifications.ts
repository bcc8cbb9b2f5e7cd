import "server-only";
import type { DbClient } from "~/server/db";
import { formatTokens } from "~/shared/tokens";
import { PURPOSES } from "~/server/services/consent/purposes";
import { forAnalyses } from "./analysis-notifications";

/**
 * Derives notifications from what the database (the indexer's projection of the chain) says
 * happened: a request awaits a decision, its decision window closes soon, data was used, a
 * payment arrived, a protocol amendment needs re-consent, consent is about to expire, a result
 * was published from a study that used the participant's data; for
 * researchers a decision was made and an extract is ready; for sponsors an enrolment milestone;
 * compute-to-data's analyses (analysis-notifications.ts).
 *
 * Each event has an idempotency key, so running this again (every few seconds, on every app
 * server, after a crash) never doubles one. Texts name what happened and where to look, never
 * health data: no listing title, condition, column or value (they go by email).
 */
const DAY_MS = 24 * 60 * 60 * 1000;
/** Events older than this when first seen are not announced (e.g. on the first start). */
export const LOOKBACK_MS = 7 * DAY_MS;
export const CONSENT_EXPIRY_NOTICE_MS = 14 * DAY_MS;
export const DECISION_CLOSING_MS = DAY_MS;
const MILESTONES = [1, 10, 50, 100, 500, 1000];

export type NewNotification = {
  userId: string;
  kind: string;
  idempotencyKey: string;
  title: string;
  body: string;
  link: string;
};

const PAYOUT_LABELS: Record<string, string> = {
  ENROLLMENT_REWARD: "an enrolment reward",
  ANALYSIS_CREDIT: "an analysis of your data",
};
const day = (date: Date) => date.toISOString().slice(0, 10);
const purposeLabel = (index: number) => PURPOSES[index]?.label.toLowerCase() ?? "research";

async function forParticipants(db: DbClient, now: Date, since: Date): Promise<NewNotification[]> {
  const [pending, uses, payouts, enrollments, expiring, results] = await Promise.all([
    db.accessRequestItem.findMany({
      where: {
        status: "PENDING",
        request: { anchorStatus: "CONFIRMED", createdAt: { gte: since } },
      },
      select: {
        id: true,
        listing: { select: { ownerId: true } },
        request: { select: { purpose: true, decisionDeadline: true } },
      },
    }),
    db.dataUse.findMany({
      where: { anchorStatus: "CONFIRMED", createdAt: { gte: since } },
      select: {
        id: true,
        listing: { select: { ownerId: true } },
        request: { select: { purpose: true } },
      },
    }),
    db.payout.findMany({
      where: {
        kind: { in: ["DATA_USE_CREDIT", "ANALYSIS_CREDIT", "ENROLLMENT_REWARD"] },
        createdAt: { gte: since },
      },
      select: { id: true, userId: true, kind: true, amountWei: true },
    }),
    db.enrollment.findMany({
      where: { status: "ACTIVE", anchorStatus: "CONFIRMED" },
      select: {
        id: true,
        participantId: true,
        protocolVersion: true,
        trial: { select: { currentVersion: true } },
      },
    }),
    db.consentTerms.findMany({
      where: {
        revokedAt: null,
        suspendedAt: null,
        expiresAt: { gt: now, lte: new Date(now.getTime() + CONSENT_EXPIRY_NOTICE_MS) },
        listing: { status: "ACTIVE", erasedAt: null },
      },
      select: {
        listingId: true,
        epoch: true,
        expiresAt: true,
        listing: { select: { ownerId: true } },
      },
    }),
    db.researchOutput.findMany({
      where: { anchorStatus: "CONFIRMED", registeredAt: { gte: since } },
      select: {
        id: true,
        request: {
          select: {
            dataUses: {
              where: { anchorStatus: "CONFIRMED" },
              select: { listing: { select: { ownerId: true } } },
            },
          },
        },
      },
    }),
  ]);
  const closing = pending.filter(
    (item) =>
      item.request.decisionDeadline &&
      item.request.decisionDeadline > now &&
      item.request.decisionDeadline.getTime() - now.getTime() <= DECISION_CLOSING_MS,
  );
  return [
    ...pending.map((item) => ({
      userId: item.listing.ownerId,
      kind: "request.awaiting",
      idempotencyKey: `request.awaiting:${item.id}`,
      title: "A researcher asks to use your data",
      body: `A researcher asked to use one of your listings for ${purposeLabel(item.request.purpose)}.${item.request.decisionDeadline ? ` Decide by ${day(item.request.decisionDeadline)} (UTC); without a decision the request lapses and the researcher is refunded.` : ""}`,
      link: "/participant/requests",
    })),
    ...closing.map((item) => ({
      userId: item.listing.ownerId,
      kind: "request.closing",
      idempotencyKey: `request.closing:${item.id}`,
      title: "A decision window closes within a day",
      body: `A request to use one of your listings for ${purposeLabel(item.request.purpose)} lapses on ${item.request.decisionDeadline!.toISOString().slice(0, 16).replace("T", " ")} UTC unless you decide.`,
      link: "/participant/requests",
    })),
    ...uses.map((use) => ({
      userId: use.listing.ownerId,
      kind: "data.used",
      idempotencyKey: `data.used:${use.id}`,
      title: "Your data was used",
      body: `One of your listings was delivered to a researcher for ${purposeLabel(use.request.purpose)}; the use is recorded on chain. Your ledger shows it.`,
      link: "/participant/ledger",
    })),
    ...payouts.map((payout) => ({
      userId: payout.userId,
      kind: "payment.arrived",
      idempotencyKey: `payment.arrived:${payout.id}`,
      title: "A payment arrived",
      body: `${formatTokens(payout.amountWei.toFixed(0))} TSR was credited to you (${PAYOUT_LABELS[payout.kind] ?? "a data use"}). Withdraw it from your ledger.`,
      link: "/participant/ledger",
    })),
    ...enrollments
      .filter((enrollment) => enrollment.protocolVersion < enrollment.trial.currentVersion)
      .map((enrollment) => ({
        userId: enrollment.participantId,
        kind: "reconsent.needed",
        idempotencyKey: `reconsent.needed:${enrollment.id}:v${enrollment.trial.currentVersion}`,
        title: "A trial you are in changed its protocol",
        body: `The protocol is now version ${enrollment.trial.currentVersion}. Until you consent to it, researchers cannot request or use your listings linked to the trial.`,
        link: "/participant/trials",
      })),
    // The output's title is not repeated: it may name the condition studied.
    ...results.flatMap((output) =>
      [...new Set(output.request.dataUses.map((use) => use.listing.ownerId))].map((userId) => ({
        userId,
        kind: "result.published",
        idempotencyKey: `result.published:${output.id}:${userId}`,
        title: "A result was published from a study that used your data",
        body: "A researcher registered a result (a publication, a preprint or a plain-language summary) of a study your data contributed to. Your ledger shows it, with where to read it.",
        link: "/participant/ledger",
      })),
    ),
    ...expiring.map((consent) => ({
      userId: consent.listing.ownerId,
      kind: "consent.expiring",
      idempotencyKey: `consent.expiring:${consent.listingId}:${consent.epoch}:${consent.expiresAt.getTime()}`,
      title: "Your consent for a listing expires soon",
      body: `Consent for one of your listings ends on ${day(consent.expiresAt)}; after that no researcher can request it. To share it longer, publish it again with new terms.`,
      link: `/listings/${consent.listingId}`,
    })),
  ];
}

async function forResearchersAndSponsors(db: DbClient, since: Date): Promise<NewNotification[]> {
  const [decided, extracts, trials] = await Promise.all([
    db.accessRequestItem.findMany({
      where: { status: { in: ["APPROVED", "REJECTED"] }, decidedAt: { gte: since } },
      select: { id: true, status: true, request: { select: { id: true, researcherId: true } } },
    }),
    db.extract.findMany({
      where: { createdAt: { gte: since } },
      select: { id: true, request: { select: { researcherId: true } } },
    }),
    db.trial.findMany({
      select: {
        id: true,
        sponsorId: true,
        registryId: true,
        _count: { select: { enrollments: { where: { anchorStatus: "CONFIRMED" } } } },
      },
    }),
  ]);
  return [
    ...decided.map((item) => ({
      userId: item.request.researcherId,
      kind: "decision.made",
      idempotencyKey: `decision.made:${item.id}`,
      title: `A listing owner ${item.status === "APPROVED" ? "approved" : "declined"} your request`,
      body: `One item of your request was ${item.status === "APPROVED" ? "approved" : "declined"}.`,
      link: "/researcher/requests",
    })),
    ...extracts.map((extract) => ({
      userId: extract.request.researcherId,
      kind: "extract.ready",
      idempotencyKey: `extract.ready:${extract.id}`,
      title: "Your extract is ready",
      body: "A pooled, de-identified extract of your request can be downloaded with its manifest.",
      link: "/researcher/requests",
    })),
    ...trials.flatMap((trial) =>
      MILESTONES.filter((count) => trial._count.enrollments >= count).map((count) => ({
        userId: trial.sponsorId,
        kind: "enrollment.milestone",
        idempotencyKey: `enrollment.milestone:${trial.id}:${count}`,
        title: `Trial ${trial.registryId}: ${count} enrolment${count === 1 ? "" : "s"}`,
        body: `Trial ${trial.registryId} reached ${count} enrolment${count === 1 ? "" : "s"} on chain.`,
        link: `/sponsor/trials/${trial.id}`,
      })),
    ),
  ];
}

/** Inserts the notifications not seen yet; returns how many were new. */
export async function collectNotifications(db: DbClient, now = new Date()): Promise<number> {
  const since = new Date(now.getTime() - LOOKBACK_MS);
  const candidates = [
    ...(await forParticipants(db, now, since)),
    ...(await forResearchersAndSponsors(db, since)),
    ...(await forAnalyses(db, since)),
  ];
  if (candidates.length === 0) return 0;
  const erased = new Set(
    (
      await db.user.findMany({
        where: {
          id: { in: [...new Set(candidates.map((item) => item.userId))] },
          erasedAt: { not: null },
        },
        select: { id: true },
      })
    ).map((user) => user.id),
  );
  const { count } = await db.notification.createMany({
    data: candidates.filter((item) => !erased.has(item.userId)),
    skipDuplicates: true,
  });
  return count;
}
