import "server-only";
import type { Chain } from "~/server/chain/client";
import { formatTokens } from "~/shared/tokens";
import type { DbClient } from "~/server/db";
import { PURPOSES } from "~/server/services/consent/purposes";
import { balancesOf } from "~/server/services/earnings/earnings-actions";
import { resultEntries } from "~/server/services/results/result-entries";
import { analysisLedger } from "./analysis-ledger";

/**
 * "My data ledger": every request, decision, data use and analysis of a participant's listings
 * (with each listing's privacy budget), the
 * results researchers registered from studies that used them (or "no results reported"), every
 * payment, each with the transaction that proves it, plus earnings per month and the balances
 * held for them (read from the chain, not the database), summed over all their accounts: the
 * wallet and the accounts derived from it for each enrolment and listing.
 */
export async function getLedger(options: {
  db: DbClient;
  chain: Chain | null;
  userId: string;
  now?: Date;
}) {
  const { db } = options;
  const [items, uses, payouts, results, analyses] = await Promise.all([
    db.accessRequestItem.findMany({
      where: { listing: { ownerId: options.userId }, request: { anchorStatus: "CONFIRMED" } },
      select: {
        id: true,
        status: true,
        priceWei: true,
        decidedAt: true,
        decisionTxHash: true,
        listing: { select: { title: true } },
        request: {
          select: {
            purpose: true,
            anchorTxHash: true,
            createdAt: true,
            researcher: { select: { displayName: true } },
          },
        },
      },
    }),
    db.dataUse.findMany({
      where: { listing: { ownerId: options.userId } },
      select: {
        id: true,
        createdAt: true,
        anchorStatus: true,
        anchorTxHash: true,
        extractRoot: true,
        listing: { select: { title: true } },
        request: { select: { purpose: true, researcher: { select: { displayName: true } } } },
      },
    }),
    db.payout.findMany({
      where: { userId: options.userId },
      orderBy: { createdAt: "asc" },
      select: { id: true, kind: true, amountWei: true, txHash: true, createdAt: true },
    }),
    resultEntries(db, options.userId, options.now),
    analysisLedger(db, options.userId),
  ]);
  const purpose = (bit: number) => PURPOSES[bit]?.label ?? "Unknown purpose";
  const entries = [
    ...items.map((item) => ({
      id: `request-${item.id}`,
      kind: "REQUEST" as const,
      at: item.request.createdAt,
      listing: item.listing.title,
      researcher: item.request.researcher.displayName,
      purpose: purpose(item.request.purpose),
      detail: `requested at ${formatTokens(item.priceWei.toFixed(0))} TSR`,
      txHash: item.request.anchorTxHash,
    })),
    ...items
      .filter((item) => item.decidedAt)
      .map((item) => ({
        id: `decision-${item.id}`,
        kind: "DECISION" as const,
        at: item.decidedAt!,
        listing: item.listing.title,
        researcher: item.request.researcher.displayName,
        purpose: purpose(item.request.purpose),
        detail: item.status === "APPROVED" ? "approved" : item.status.toLowerCase(),
        txHash: item.decisionTxHash,
      })),
    ...uses.map((use) => ({
      id: `use-${use.id}`,
      kind: "DATA_USE" as const,
      at: use.createdAt,
      listing: use.listing.title,
      researcher: use.request.researcher.displayName,
      purpose: purpose(use.request.purpose),
      detail:
        use.anchorStatus === "CONFIRMED"
          ? `delivered (extract root ${use.extractRoot.slice(0, 10)}…)`
          : "delivery being recorded on chain",
      txHash: use.anchorTxHash,
    })),
    ...payouts.map((payout) => ({
      id: `payout-${payout.id}`,
      kind: payout.kind,
      at: payout.createdAt,
      listing: null,
      researcher: null,
      purpose: null,
      detail: `${payout.kind === "WITHDRAWAL" ? "−" : "+"}${formatTokens(payout.amountWei.toFixed(0))} TSR`,
      txHash: payout.txHash,
    })),
    ...results,
    ...analyses.entries.map(({ epsilonCentis: _epsilon, ...entry }) => entry),
  ].sort((a, b) => b.at.getTime() - a.at.getTime());

  const byMonth = new Map<string, bigint>();
  for (const payout of payouts) {
    if (
      payout.kind !== "DATA_USE_CREDIT" &&
      payout.kind !== "ANALYSIS_CREDIT" &&
      payout.kind !== "ENROLLMENT_REWARD"
    )
      continue;
    const month = payout.createdAt.toISOString().slice(0, 7);
    byMonth.set(month, (byMonth.get(month) ?? 0n) + BigInt(payout.amountWei.toFixed(0)));
  }
  let balance: string | null = null;
  let rewards: string | null = null;
  let held: string | null = null;
  let accounts: { address: string; earnings: string; rewards: string }[] = [];
  if (options.chain) {
    try {
      const balances = await balancesOf(db, options.chain, options.userId);
      const sum = (pick: (entry: (typeof balances)[number]) => bigint) =>
        formatTokens(balances.reduce((total, entry) => total + pick(entry), 0n));
      balance = sum((entry) => entry.earnings);
      rewards = sum((entry) => entry.rewards);
      held = sum((entry) => entry.tokens);
      accounts = balances
        .filter((entry) => entry.earnings > 0n || entry.rewards > 0n)
        .map((entry) => ({
          address: entry.address,
          earnings: formatTokens(entry.earnings),
          rewards: formatTokens(entry.rewards),
        }));
    } catch {
      // chain unreachable: the page says so
    }
  }
  return {
    entries,
    earningsByMonth: [...byMonth.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([month, wei]) => ({ month, amount: Number(formatTokens(wei)) })),
    balance,
    rewards,
    held,
    accounts,
    budgets: analyses.budgets,
  };
}
