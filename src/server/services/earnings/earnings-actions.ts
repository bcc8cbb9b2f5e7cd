import "server-only";
import type { Chain } from "~/server/chain/client";
import type { DbClient } from "~/server/db";
import { AppError } from "~/server/errors";
import type { ActionHandler } from "~/server/services/actions/action-plan";
import { accountsOf } from "~/server/services/users/derived-accounts";

/**
 * Pull payments: whatever the marketplace or the trial registry credited to one of the caller's
 * accounts (their wallet, or an account derived from it for one enrolment or listing). Each
 * account withdraws to itself, so the chain sees no transfer that links the accounts; the
 * ledger adds them up for the person.
 */
type Balances = { address: string; earnings: bigint; rewards: bigint; tokens: bigint };

/** Credits and token holdings of every account of a user, read from the chain. */
export async function balancesOf(db: DbClient, chain: Chain, userId: string): Promise<Balances[]> {
  const accounts = await accountsOf(db, userId);
  return Promise.all(
    accounts.map(async (address) => {
      const [earnings, rewards, tokens] = await Promise.all([
        chain.contracts.marketplace.balanceOf(address),
        chain.contracts.trialRegistry.rewardBalanceOf(address),
        chain.contracts.token.balanceOf(address),
      ]);
      return { address, earnings, rewards, tokens };
    }),
  );
}

async function accountToWithdraw(
  db: DbClient,
  chain: Chain,
  userId: string,
  kind: "earnings" | "rewards",
  account: string | undefined,
): Promise<string> {
  const balances = await balancesOf(db, chain, userId);
  // A withdrawal already queued for an account empties it: do not send a second one.
  const queued = await db.chainOutbox.findMany({
    where: {
      kind: kind === "earnings" ? "earnings.withdraw" : "rewards.withdraw",
      signer: { in: balances.map((entry) => entry.address.toLowerCase()) },
      status: { in: ["PENDING", "SENT"] },
    },
    select: { signer: true },
  });
  const isQueued = (address: string) => queued.some((row) => row.signer === address.toLowerCase());
  const chosen = account
    ? balances.find((entry) => entry.address.toLowerCase() === account.toLowerCase())
    : balances.find((entry) => entry[kind] > 0n && !isQueued(entry.address));
  if (account && !chosen) throw new AppError("NOT_FOUND", "That account is not one of yours.");
  if (chosen && isQueued(chosen.address))
    throw new AppError("CONFLICT", "A withdrawal from this account is already on its way.");
  if (!chosen || chosen[kind] === 0n)
    throw new AppError(
      "BAD_INPUT",
      kind === "earnings"
        ? "You have nothing to withdraw yet."
        : "You have no enrolment rewards to withdraw.",
    );
  return chosen.address;
}

export const withdrawEarningsAction: ActionHandler<{ account?: string }> = {
  kind: "earnings.withdraw",
  roles: ["PARTICIPANT", "RESEARCHER", "SPONSOR"],
  async plan({ db, chain, user }, { account }) {
    const signer = await accountToWithdraw(db, chain, user.id, "earnings", account);
    return {
      entityId: user.id,
      signer,
      call: {
        to: chain.deployment.contracts.DataMarketplace,
        gas: 150_000n,
        data: chain.contracts.marketplace.interface.encodeFunctionData("withdraw"),
      },
    };
  },
};

export const withdrawRewardsAction: ActionHandler<{ account?: string }> = {
  kind: "rewards.withdraw",
  roles: ["PARTICIPANT"],
  async plan({ db, chain, user }, { account }) {
    const signer = await accountToWithdraw(db, chain, user.id, "rewards", account);
    return {
      entityId: user.id,
      signer,
      call: {
        to: chain.deployment.contracts.TrialRegistry,
        gas: 150_000n,
        data: chain.contracts.trialRegistry.interface.encodeFunctionData("withdrawRewards"),
      },
    };
  },
};
