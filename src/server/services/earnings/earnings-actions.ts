import { AppError } from "~/server/errors";
import type { ActionHandler } from "~/server/services/actions/action-plan";

/** Pull payments: whatever the marketplace or the trial registry credited to the caller. */
export const withdrawEarningsAction: ActionHandler<Record<string, never>> = {
  kind: "earnings.withdraw",
  roles: ["PARTICIPANT", "RESEARCHER", "SPONSOR"],
  async plan({ chain, user }) {
    const balance = await chain.contracts.marketplace.balanceOf(user.walletAddress);
    if (balance === 0n) throw new AppError("BAD_INPUT", "You have nothing to withdraw yet.");
    return {
      entityId: user.id,
      call: {
        to: chain.deployment.contracts.DataMarketplace,
        gas: 150_000n,
        data: chain.contracts.marketplace.interface.encodeFunctionData("withdraw"),
      },
    };
  },
};

export const withdrawRewardsAction: ActionHandler<Record<string, never>> = {
  kind: "rewards.withdraw",
  roles: ["PARTICIPANT"],
  async plan({ chain, user }) {
    const balance = await chain.contracts.trialRegistry.rewardBalanceOf(user.walletAddress);
    if (balance === 0n)
      throw new AppError("BAD_INPUT", "You have no enrolment rewards to withdraw.");
    return {
      entityId: user.id,
      call: {
        to: chain.deployment.contracts.TrialRegistry,
        gas: 150_000n,
        data: chain.contracts.trialRegistry.interface.encodeFunctionData("withdrawRewards"),
      },
    };
  },
};
