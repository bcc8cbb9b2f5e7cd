"use client";

import { api } from "~/trpc/react";
import { EarningsChart } from "./earnings-chart";
import { WithdrawButton } from "./withdraw-button";

const KIND_LABELS: Record<string, string> = {
  REQUEST: "Request",
  DECISION: "Decision",
  DATA_USE: "Data use",
  DATA_USE_CREDIT: "Earned",
  ENROLLMENT_REWARD: "Enrolment reward",
  WITHDRAWAL: "Withdrawn",
  REFUND: "Refund",
};

export function Ledger() {
  const ledger = api.ledger.mine.useQuery(undefined, { refetchInterval: 3_000 });
  if (ledger.isPending) return <p className="text-slate-600">Loading…</p>;
  if (ledger.error)
    return (
      <p role="alert" className="card text-red-800">
        {ledger.error.message}
      </p>
    );
  const { entries, earningsByMonth, balance, rewards, held, accounts } = ledger.data;
  const withEarnings = accounts.filter((account) => account.earnings !== "0");
  const withRewards = accounts.filter((account) => account.rewards !== "0");
  return (
    <div className="space-y-4">
      <section className="card flex flex-wrap items-center gap-6">
        <div>
          <p className="text-sm text-slate-500">Available to withdraw</p>
          <p className="text-2xl font-semibold" data-testid="balance">
            {balance === null ? "chain unreachable" : `${balance} TSR`}
          </p>
        </div>
        {withEarnings.length > 0 && (
          <WithdrawButton
            kind="earnings.withdraw"
            accounts={withEarnings.map((account) => account.address)}
            testId="withdraw"
          >
            Withdraw earnings
          </WithdrawButton>
        )}
        {withRewards.length > 0 && (
          <div className="flex items-center gap-3">
            <span className="text-sm">Enrolment rewards: {rewards} TSR</span>
            <WithdrawButton
              kind="rewards.withdraw"
              accounts={withRewards.map((account) => account.address)}
              variant="secondary"
            >
              Withdraw rewards
            </WithdrawButton>
          </div>
        )}
        {held !== null && held !== "0" && (
          <p className="text-sm text-slate-600" data-testid="held">
            Withdrawn and held in your accounts: {held} TSR
          </p>
        )}
      </section>
      <section className="card space-y-2">
        <h2 className="font-semibold">Earnings by month</h2>
        <EarningsChart data={earningsByMonth} />
      </section>
      <section className="card">
        {entries.length === 0 ? (
          <p className="text-slate-600">Nothing has happened with your data yet.</p>
        ) : (
          <table className="w-full text-left text-sm" data-testid="ledger-table">
            <thead className="text-slate-500">
              <tr>
                <th>When</th>
                <th>What</th>
                <th>Listing</th>
                <th>Researcher</th>
                <th>Purpose</th>
                <th>Detail</th>
                <th>Proof</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((entry) => (
                <tr key={entry.id} className="border-t border-slate-100 align-top">
                  <td className="whitespace-nowrap">{entry.at.toLocaleString()}</td>
                  <td>{KIND_LABELS[entry.kind] ?? entry.kind}</td>
                  <td>{entry.listing ?? "—"}</td>
                  <td>{entry.researcher ?? "—"}</td>
                  <td>{entry.purpose ?? "—"}</td>
                  <td>{entry.detail}</td>
                  <td className="mono">
                    {entry.txHash ? `${entry.txHash.slice(0, 10)}…` : "pending"}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}
