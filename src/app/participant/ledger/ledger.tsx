"use client";

import { api } from "~/trpc/react";
import { BudgetBars } from "./budget-bars";
import { EarningsChart } from "./earnings-chart";
import { WithdrawButton } from "./withdraw-button";
import { ErrorState, LoadingState } from "../../_components/page-state";

const KIND_LABELS: Record<string, string> = {
  REQUEST: "Request",
  DECISION: "Decision",
  DATA_USE: "Data use",
  DATA_USE_CREDIT: "Earned",
  ANALYSIS: "Analysis",
  ANALYSIS_CREDIT: "Earned (analysis)",
  ENROLLMENT_REWARD: "Enrolment reward",
  WITHDRAWAL: "Withdrawn",
  REFUND: "Refund",
  RESULT: "Result published",
  NO_RESULTS: "No results reported",
};

export function Ledger() {
  const ledger = api.ledger.mine.useQuery(undefined, { refetchInterval: 3_000 });
  if (ledger.isPending) return <LoadingState />;
  if (ledger.error)
    return <ErrorState message={ledger.error.message} onRetry={() => void ledger.refetch()} />;
  const { entries, earningsByMonth, balance, rewards, held, accounts, budgets } = ledger.data;
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
      <BudgetBars budgets={budgets} />
      <section className="card space-y-2">
        <h2 className="font-semibold">Earnings by month</h2>
        <EarningsChart data={earningsByMonth} />
      </section>
      <section className="card">
        {entries.length === 0 ? (
          <p className="text-slate-600">Nothing has happened with your data yet.</p>
        ) : (
          <table className="data-table" data-testid="ledger-table">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">What</th>
                <th scope="col">Listing</th>
                <th scope="col">Researcher</th>
                <th scope="col">Purpose</th>
                <th scope="col">Detail</th>
                <th scope="col">Proof</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((entry) => (
                <tr key={entry.id}>
                  <td data-label="When">{entry.at.toLocaleString()}</td>
                  <td data-label="What">{KIND_LABELS[entry.kind] ?? entry.kind}</td>
                  <td data-label="Listing">{entry.listing ?? "—"}</td>
                  <td data-label="Researcher">{entry.researcher ?? "—"}</td>
                  <td data-label="Purpose">{entry.purpose ?? "—"}</td>
                  <td data-label="Detail">
                    {entry.detail}
                    {entry.link && (
                      <>
                        {" "}
                        <a
                          href={entry.link}
                          className="underline"
                          rel="noopener noreferrer"
                          target="_blank"
                        >
                          Read it
                        </a>
                      </>
                    )}
                  </td>
                  <td data-label="Proof" className="mono whitespace-nowrap">
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
