import "server-only";
import { formatUnits } from "ethers";
import type { Chain } from "~/server/chain/client";
import type { DbClient } from "~/server/db";
import { AppError } from "~/server/errors";
import { readTrialTimeline, type TimelineEntry } from "~/server/services/audit/timeline";
import { PURPOSES } from "~/server/services/consent/purposes";
import { TOKEN_DECIMALS } from "~/server/services/listings/listing-dto";
import { findResultsOfListings } from "~/server/services/results/find-results";

const tokens = (wei: bigint) => formatUnits(wei, TOKEN_DECIMALS);

/** Active enrolments at the end of each day that changed them, from the indexed events. */
function enrollmentSeries(entries: TimelineEntry[]) {
  const days = new Map<string, number>();
  let active = 0;
  for (const entry of entries) {
    if (entry.event === "Enrolled") active += 1;
    else if (entry.event === "EnrollmentWithdrawn") active -= 1;
    else continue;
    days.set(entry.time.toISOString().slice(0, 10), active);
  }
  return [...days].map(([day, count]) => ({ day, active: count }));
}

function sumOf(entries: TimelineEntry[], event: string) {
  return entries
    .filter((entry) => entry.event === event)
    .reduce((total, entry) => total + BigInt(entry.amountWei ?? 0), 0n);
}

/**
 * What a sponsor sees of one of its trials: protocol versions with enrolments per version,
 * enrolment over time and withdrawals, the reward pool, and how the trial's listings are used
 * (data uses by purpose, researchers, revenue credited to participants), and the results
 * researchers registered from requests that used them (or "no results reported").
 */
export async function getTrialOverview(options: {
  db: DbClient;
  chain: Chain;
  sponsorId: string;
  trialId: string;
}) {
  const { db, chain } = options;
  const trial = await db.trial.findUnique({
    where: { id: options.trialId },
    select: {
      id: true,
      registryId: true,
      title: true,
      phase: true,
      conditions: true,
      sites: true,
      chainKey: true,
      sponsorId: true,
      currentVersion: true,
      anchorStatus: true,
      sponsor: { select: { walletAddress: true } },
      protocolVersions: {
        orderBy: { version: "asc" },
        select: { version: true, documentName: true, documentHash: true, createdAt: true },
      },
    },
  });
  if (!trial || trial.sponsorId !== options.sponsorId)
    throw new AppError("NOT_FOUND", "No trial of yours has this id.");

  const [perVersion, entries, listings, results] = await Promise.all([
    db.enrollment.groupBy({
      by: ["protocolVersion"],
      where: { trialId: trial.id, status: "ACTIVE", anchorStatus: "CONFIRMED" },
      _count: { _all: true },
    }),
    readTrialTimeline({
      db,
      chainId: chain.chainId,
      trial,
      categories: ["enrollment", "rewards"],
    }),
    db.listing.findMany({
      where: { trialId: trial.id, status: { not: "DRAFT" } },
      orderBy: { createdAt: "asc" },
      select: {
        id: true,
        title: true,
        status: true,
        recordCount: true,
        priceWei: true,
        dataUses: {
          where: { anchorStatus: "CONFIRMED" },
          select: { request: { select: { purpose: true, researcherId: true } } },
        },
        requestItems: { select: { status: true, request: { select: { researcherId: true } } } },
      },
    }),
    findResultsOfListings({ db, listings: { trialId: trial.id } }),
  ]);
  const revenue = await db.payout.groupBy({
    by: ["listingId"],
    where: { kind: "DATA_USE_CREDIT", listingId: { in: listings.map((listing) => listing.id) } },
    _sum: { amountWei: true },
  });
  const revenueOf = (listingId: string) =>
    BigInt(revenue.find((row) => row.listingId === listingId)?._sum.amountWei?.toFixed(0) ?? "0");

  const [pool, sponsorBalance] = await Promise.all([
    trial.anchorStatus === "CONFIRMED"
      ? chain.contracts.trialRegistry.rewardPool(trial.chainKey)
      : null,
    chain.contracts.token.balanceOf(trial.sponsor.walletAddress),
  ]);

  const usesByPurpose = (uses: { request: { purpose: number } }[]) =>
    PURPOSES.map((purpose, index) => ({
      purpose: purpose.label,
      uses: uses.filter((use) => use.request.purpose === index).length,
    })).filter((row) => row.uses > 0);
  const allUses = listings.flatMap((listing) => listing.dataUses);
  const researchers = new Set(
    listings.flatMap((listing) => listing.requestItems.map((item) => item.request.researcherId)),
  );

  return {
    trial: {
      id: trial.id,
      registryId: trial.registryId,
      title: trial.title,
      phase: trial.phase,
      conditions: trial.conditions,
      sites: trial.sites,
      chainKey: trial.chainKey,
      currentVersion: trial.currentVersion,
      anchorStatus: trial.anchorStatus,
    },
    versions: trial.protocolVersions.map((version) => ({
      ...version,
      isRecorded: version.version <= trial.currentVersion,
      activeEnrollments:
        perVersion.find((row) => row.protocolVersion === version.version)?._count._all ?? 0,
    })),
    enrollment: {
      series: enrollmentSeries(entries),
      withdrawals: entries
        .filter((entry) => entry.event === "EnrollmentWithdrawn")
        .map((entry) => ({ time: entry.time, txHash: entry.txHash })),
    },
    rewards: {
      pool: pool ? tokens(pool[0]) : null,
      perEnrollment: pool ? tokens(pool[1]) : null,
      funded: tokens(sumOf(entries, "RewardsFunded")),
      credited: tokens(sumOf(entries, "RewardCredited")),
      sponsorBalance: tokens(sponsorBalance),
    },
    usage: {
      byPurpose: usesByPurpose(allUses),
      researchers: researchers.size,
      revenue: tokens(listings.reduce((total, listing) => total + revenueOf(listing.id), 0n)),
    },
    listings: listings.map((listing) => ({
      id: listing.id,
      title: listing.title,
      status: listing.status,
      recordCount: listing.recordCount,
      price: tokens(BigInt(listing.priceWei.toFixed(0))),
      requested: listing.requestItems.length,
      approved: listing.requestItems.filter((item) => item.status === "APPROVED").length,
      researchers: new Set(listing.requestItems.map((item) => item.request.researcherId)).size,
      usesByPurpose: usesByPurpose(listing.dataUses),
      revenue: tokens(revenueOf(listing.id)),
    })),
    results,
  };
}
