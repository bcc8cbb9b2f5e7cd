import "server-only";
import { formatUnits } from "ethers";
import type { DbClient } from "~/server/db";
import type { TimelineCategory } from "~/shared/timeline-categories";
import { Prisma } from "~/server/generated/prisma/client";
import { fromPurposeMask, PURPOSES, purposeLabel } from "~/server/services/consent/purposes";
import { TOKEN_DECIMALS } from "~/server/services/listings/listing-dto";

export type TimelineEntry = {
  id: string;
  time: Date;
  blockNumber: number;
  txHash: string;
  logIndex: number;
  event: string;
  category: TimelineCategory;
  summary: string;
  actor: string | null;
  /** The event's token amount in wei, when it moves tokens. */
  amountWei: string | null;
  /** The event's arguments as indexed (ids and numbers as strings). */
  args: Record<string, unknown>;
};

type Row = {
  id: bigint;
  blockNumber: number;
  txHash: string;
  logIndex: number;
  blockTime: Date;
  eventName: string;
  args: Record<string, unknown>;
};

const amount = (value: unknown) => `${formatUnits(String(value), TOKEN_DECIMALS)} TSR`;
const short = (hex: unknown) => `${String(hex).slice(0, 10)}…`;
const purposeOf = (index: unknown) => PURPOSES[Number(index)]?.label ?? `purpose ${String(index)}`;

const DESCRIBE: Record<string, [TimelineCategory, (args: Record<string, unknown>) => string]> = {
  TrialRegistered: [
    "registration",
    (a) => `Trial registered, protocol v1 ${short(a.protocolHash)}`,
  ],
  ProtocolAmended: [
    "registration",
    (a) => `Protocol amended to v${String(a.version)} ${short(a.protocolHash)}`,
  ],
  Enrolled: [
    "enrollment",
    (a) => `Participant enrolled on protocol v${String(a.protocolVersion)} with an invitation`,
  ],
  InvitationRevoked: ["enrollment", () => "An unused invitation was revoked"],
  SiteAuthorized: [
    "registration",
    (a) => `Site ${short(a.site)} ${a.isAuthorized ? "may" : "may no longer"} issue invitations`,
  ],
  Reconsented: ["enrollment", (a) => `Participant re-consented to v${String(a.protocolVersion)}`],
  EnrollmentWithdrawn: ["enrollment", () => "Participant withdrew from the trial"],
  RewardsFunded: [
    "rewards",
    (a) =>
      `Reward pool funded with ${amount(a.amount)} (${amount(a.rewardPerEnrollment)} per enrolment; pool ${amount(a.pool)})`,
  ],
  RewardCredited: ["rewards", (a) => `Enrolment reward of ${amount(a.amount)} credited`],
  RewardsReclaimed: [
    "rewards",
    (a) => `Sponsor took back ${amount(a.amount)} from the pool (pool ${amount(a.pool)})`,
  ],
  RewardsWithdrawn: ["withdrawal", (a) => `Enrolment rewards of ${amount(a.amount)} withdrawn`],
  ListingCreated: [
    "listing",
    (a) => `Listing created at ${amount(a.price)}, data root ${short(a.dataRoot)}`,
  ],
  ListingPriceUpdated: ["listing", (a) => `Listing price set to ${amount(a.price)}`],
  ListingUnlisted: ["listing", () => "Listing taken off the market"],
  DataReanchored: [
    "listing",
    (a) => `Data re-anchored as v${String(a.version)}, root ${short(a.dataRoot)}`,
  ],
  ConsentGranted: [
    "consent",
    (a) =>
      `Consent epoch ${String(a.epoch)} granted for ${fromPurposeMask(Number(a.purposes)).map(purposeLabel).join(", ") || "no purpose"} until ${new Date(Number(a.expiresAt) * 1000).toISOString().slice(0, 10)}${Number(a.protocolVersion) > 0 ? ` under protocol v${String(a.protocolVersion)}` : ""}${a.autoApprove ? ", approved automatically" : ""}`,
  ],
  ConsentRevoked: ["consent", (a) => `Consent epoch ${String(a.epoch)} revoked`],
  ConsentSuspended: [
    "consent",
    (a) => `Consent epoch ${String(a.epoch)} ended: the owner withdrew from the trial`,
  ],
  TrialConsentsEnded: [
    "consent",
    (a) =>
      `Consent epochs of the trial's listings ended by the amendment to v${String(a.version)}, until their owners re-consent`,
  ],
  AccessRequested: [
    "request",
    (a) =>
      `Access requested for ${purposeOf(a.purpose)}: ${(a.listingIds as unknown[]).length} listing(s), ${amount(a.escrowed)} escrowed`,
  ],
  ItemDecided: [
    "decision",
    (a) => `Item ${String(a.index)} ${a.approved ? "approved" : "rejected"}`,
  ],
  ItemExpired: ["decision", (a) => `Item ${String(a.index)} expired undecided`],
  DataUseRecorded: [
    "data use",
    (a) => `Data use of item ${String(a.index)} recorded, extract root ${short(a.extractRoot)}`,
  ],
  OutputRegistered: [
    "data use",
    (a) => `Research output registered by the researcher, hash ${short(a.outputHash)}`,
  ],
  ItemSettled: [
    "settlement",
    (a) =>
      a.credited !== "0"
        ? `Item ${String(a.index)} paid: listing owner credited ${amount(a.credited)} (fee ${amount(a.fee)})`
        : `Item ${String(a.index)} refunded ${amount(a.refunded)} to the researcher`,
  ],
  RequestSettled: [
    "settlement",
    (a) =>
      `Request settled: ${amount(a.credited)} credited, ${amount(a.refunded)} refunded, ${amount(a.fee)} fee to ${short(a.feeRecipient)}`,
  ],
  Withdrawn: ["withdrawal", (a) => `Marketplace earnings of ${amount(a.amount)} withdrawn`],
};

function actorOf(args: Record<string, unknown>): string | null {
  const actor = args.participant ?? args.owner ?? args.researcher ?? args.sponsor ?? args.account;
  return typeof actor === "string" ? actor : null;
}

/**
 * Every on-chain event of one trial, as the indexer stored it (ChainEvent rows): the trial's
 * own events, its listings' events, the requests that include one of its listings, and the
 * withdrawals of its participants and listing owners. Listings belong to a trial only in the
 * database, so their keys come from there; everything else is read from the indexed events.
 */
export async function readTrialTimeline(options: {
  db: DbClient;
  chainId: number;
  trial: { id: string; chainKey: string };
  categories?: readonly TimelineCategory[];
  /** The oldest this many; all when not given. */
  limit?: number;
}): Promise<TimelineEntry[]> {
  const { db, chainId, trial } = options;
  // Filtered in the query, so a limit counts only the kinds asked for.
  const eventNames = Object.entries(DESCRIBE)
    .filter(
      ([, [category]]) => !options.categories?.length || options.categories.includes(category),
    )
    .map(([name]) => name);
  const listings = await db.listing.findMany({
    where: { trialId: trial.id },
    select: { chainKey: true },
  });
  const listingKeys = listings.map((listing) => listing.chainKey.toLowerCase());
  const trialKey = trial.chainKey.toLowerCase();
  const rows = await db.$queryRaw<Row[]>`
    WITH trial_requests AS (
      SELECT args->>'requestId' AS id FROM "ChainEvent"
      WHERE "chainId" = ${chainId} AND "eventName" = 'AccessRequested'
        AND EXISTS (SELECT 1 FROM jsonb_array_elements_text(args->'listingIds') AS item(key)
                    WHERE lower(item.key) = ANY(${listingKeys}::text[]))
    ), trial_accounts AS (
      SELECT lower(coalesce(args->>'participant', args->>'owner')) AS account FROM "ChainEvent"
      WHERE "chainId" = ${chainId}
        AND (("eventName" = 'Enrolled' AND lower(args->>'trialId') = ${trialKey})
          OR ("eventName" = 'ListingCreated' AND lower(args->>'listingId') = ANY(${listingKeys}::text[])))
    )
    SELECT id, "blockNumber", "txHash", "logIndex", "blockTime", "eventName", args
    FROM "ChainEvent"
    WHERE "chainId" = ${chainId} AND "eventName" = ANY(${eventNames}::text[]) AND (
      lower(args->>'trialId') = ${trialKey}
      OR lower(args->>'listingId') = ANY(${listingKeys}::text[])
      -- a request's events about other trials' listings are theirs, not this trial's
      OR (args->>'requestId' IN (SELECT id FROM trial_requests) AND args->>'listingId' IS NULL)
      OR ("eventName" IN ('Withdrawn', 'RewardsWithdrawn')
          AND lower(args->>'account') IN (SELECT account FROM trial_accounts))
    )
    ORDER BY "blockNumber", "logIndex"
    ${options.limit ? Prisma.sql`LIMIT ${options.limit}` : Prisma.empty}`;
  return rows.map((row) => {
    const [category, summarize] = DESCRIBE[row.eventName]!;
    return {
      id: String(row.id),
      time: new Date(row.blockTime),
      blockNumber: Number(row.blockNumber),
      txHash: row.txHash,
      logIndex: Number(row.logIndex),
      event: row.eventName,
      category,
      summary: summarize(row.args),
      actor: actorOf(row.args),
      amountWei: typeof row.args.amount === "string" ? row.args.amount : null,
      args: row.args,
    };
  });
}
