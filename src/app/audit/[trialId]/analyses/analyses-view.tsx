"use client";

import Link from "next/link";
import { api } from "~/trpc/react";
import { EmptyState, ErrorState, LoadingState } from "../../../_components/page-state";

const epsilon = (centis: number) => (centis / 100).toFixed(2);
const short = (hash: string | null) => (hash ? `${hash.slice(0, 10)}…` : "—");

/**
 * The analyses run where a trial's data lives, and each listing's privacy budget: the chain's
 * total and spent beside the database's mirror (the audit's fifth check compares them).
 */
export function AnalysesView({ trialId }: { trialId: string }) {
  const query = api.audit.analyses.useQuery({ trialId });
  if (query.isPending) return <LoadingState />;
  if (query.error)
    return <ErrorState message={query.error.message} onRetry={() => void query.refetch()} />;
  const { analyses, budgets } = query.data;
  return (
    <div className="space-y-4">
      <p>
        <Link href="/audit" className="text-sm text-teal-800 underline">
          ← Trial audits
        </Link>
      </p>
      <h1 className="text-2xl font-semibold">Analyses of the trial&apos;s data</h1>
      <p className="max-w-2xl text-sm text-slate-600">
        Each analysis ran where the data lives; only its checked result left. Its ε is charged on
        chain to every listing it used; the result file&apos;s hash is recorded there too, so{" "}
        <code>npm run --silent verify -- analysis RESULT.json</code> checks a released file.
      </p>
      {analyses.length === 0 ? (
        <EmptyState>No analysis has used this trial&apos;s listings.</EmptyState>
      ) : (
        <section className="card overflow-x-auto">
          <table className="data-table" data-testid="trial-analyses">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Researcher</th>
                <th scope="col">Analysis</th>
                <th scope="col">ε per listing</th>
                <th scope="col">Listings (this trial)</th>
                <th scope="col">Status</th>
                <th scope="col">Output hash</th>
                <th scope="col">Proof</th>
              </tr>
            </thead>
            <tbody>
              {analyses.map((analysis) => (
                <tr key={analysis.jobId}>
                  <td data-label="When">{analysis.at.toLocaleString()}</td>
                  <td data-label="Researcher">{analysis.researcher}</td>
                  <td data-label="Analysis">{analysis.kind}</td>
                  <td data-label="ε per listing">{epsilon(analysis.epsilonCentis)}</td>
                  <td data-label="Listings">
                    {analysis.listings} ({analysis.trialListings})
                  </td>
                  <td data-label="Status">
                    {analysis.status.toLowerCase()}
                    {analysis.reason && (
                      <span className="block text-xs text-slate-600">{analysis.reason}</span>
                    )}
                  </td>
                  <td data-label="Output hash" className="mono" title={analysis.outputHash ?? ""}>
                    {short(analysis.outputHash)}
                  </td>
                  <td data-label="Proof" className="mono" title={analysis.txHash ?? ""}>
                    {short(analysis.txHash)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
      {budgets.length > 0 && (
        <section className="card overflow-x-auto">
          <h2 className="mb-2 font-semibold">Privacy budgets</h2>
          <table className="data-table" data-testid="trial-budgets">
            <thead>
              <tr>
                <th scope="col">Listing</th>
                <th scope="col">Total ε (chain)</th>
                <th scope="col">Spent ε (chain)</th>
                <th scope="col">Spent ε (database)</th>
                <th scope="col">Reserved ε</th>
                <th scope="col">Used</th>
              </tr>
            </thead>
            <tbody>
              {budgets.map((budget) => (
                <tr key={budget.listingId}>
                  <td data-label="Listing">{budget.listing}</td>
                  <td data-label="Total ε">{epsilon(budget.totalCentis)}</td>
                  <td data-label="Spent ε (chain)">{epsilon(budget.spentCentis)}</td>
                  <td
                    data-label="Spent ε (database)"
                    className={
                      budget.databaseSpentCentis < budget.spentCentis ? "text-red-800" : undefined
                    }
                  >
                    {epsilon(budget.databaseSpentCentis)}
                  </td>
                  <td data-label="Reserved ε">{epsilon(budget.reservedCentis)}</td>
                  <td data-label="Used">
                    {budget.totalCentis === 0
                      ? "—"
                      : `${Math.round((budget.spentCentis / budget.totalCentis) * 100)} %`}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </div>
  );
}
