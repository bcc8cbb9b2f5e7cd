"use client";

import Link from "next/link";
import { api } from "~/trpc/react";
import { AnchorBadge } from "../../../_components/anchor-badge";
import { TrialDownloads } from "../../../_components/trial-downloads";
import { EnrollmentChart } from "./enrollment-chart";
import { Invitations } from "./invitations";
import { TrialResults } from "./trial-results";
import { AmendProtocolForm, FundRewardsForm, ReclaimRewardsForm } from "./sponsor-forms";
import { ErrorState, LoadingState } from "../../../_components/page-state";

const usesText = (uses: { purpose: string; uses: number }[]) =>
  uses.length === 0 ? "none" : uses.map((row) => `${row.purpose}: ${row.uses}`).join(", ");

export function TrialOverview({ trialId }: { trialId: string }) {
  const overview = api.trials.overview.useQuery(
    { trialId },
    {
      // While something is on its way to the chain, look again shortly.
      refetchInterval: (query) =>
        query.state.data?.trial.anchorStatus === "PENDING" ||
        query.state.data?.versions.some((version) => !version.isRecorded)
          ? 1_500
          : 5_000,
    },
  );
  if (overview.isPending) return <LoadingState />;
  if (overview.error)
    return <ErrorState message={overview.error.message} onRetry={() => void overview.refetch()} />;
  const { trial, versions, enrollment, rewards, usage, listings, results } = overview.data;
  const isAnchored = trial.anchorStatus === "CONFIRMED";
  return (
    <div className="space-y-6">
      <div className="space-y-1">
        <h1 className="text-2xl font-semibold">
          {trial.registryId} — {trial.title}
        </h1>
        <p className="text-sm text-slate-600">
          {trial.phase} · {trial.conditions.join(", ")}
          {trial.sites.length > 0 && ` · sites: ${trial.sites.join(", ")}`}
        </p>
        <div className="flex flex-wrap items-center gap-3 text-sm">
          <AnchorBadge status={trial.anchorStatus} />
          <Link href={`/audit/${trial.id}/timeline`} className="text-teal-800 underline">
            Timeline
          </Link>
          <Link href="/audit" className="text-teal-800 underline">
            Audit
          </Link>
        </div>
      </div>

      <section className="card space-y-3">
        <h2 className="text-lg font-semibold">Protocol versions</h2>
        <table className="data-table" data-testid="protocol-versions">
          <thead>
            <tr>
              <th scope="col">Version</th>
              <th scope="col">Document</th>
              <th scope="col">Hash</th>
              <th scope="col">Active enrolments</th>
            </tr>
          </thead>
          <tbody>
            {versions.map((version) => (
              <tr key={version.version}>
                <td data-label="Version">
                  v{version.version}
                  {!version.isRecorded && " (recording…)"}
                </td>
                <td data-label="Document">{version.documentName}</td>
                <td data-label="Hash" className="mono">
                  {version.documentHash.slice(0, 18)}…
                </td>
                <td data-label="Active enrolments">{version.activeEnrollments}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {isAnchored && (
          <AmendProtocolForm trialId={trial.id} nextVersion={trial.currentVersion + 1} />
        )}
      </section>

      <section className="card space-y-3">
        <h2 className="text-lg font-semibold">Enrolment</h2>
        <EnrollmentChart series={enrollment.series} />
        <p className="text-sm text-slate-600" data-testid="withdrawals">
          Withdrawals: {enrollment.withdrawals.length}
          {enrollment.withdrawals.map((withdrawal) => (
            <Link
              key={withdrawal.txHash}
              href={`/tx/${withdrawal.txHash}`}
              className="ml-2 underline"
            >
              {new Date(withdrawal.time).toLocaleDateString()}
            </Link>
          ))}
        </p>
      </section>

      {isAnchored && <Invitations trialId={trial.id} />}

      <section className="card space-y-3">
        <h2 className="text-lg font-semibold">Enrolment rewards</h2>
        <dl className="grid grid-cols-2 gap-2 text-sm sm:grid-cols-4" data-testid="rewards">
          <div>
            <dt className="text-slate-600">Pool left</dt>
            <dd>{rewards.pool ?? "–"} TSR</dd>
          </div>
          <div>
            <dt className="text-slate-600">Per enrolment</dt>
            <dd>{rewards.perEnrollment ?? "–"} TSR</dd>
          </div>
          <div>
            <dt className="text-slate-600">Funded / credited</dt>
            <dd>
              {rewards.funded} / {rewards.credited} TSR
            </dd>
          </div>
          <div>
            <dt className="text-slate-600">Your wallet</dt>
            <dd>{rewards.sponsorBalance} TSR</dd>
          </div>
        </dl>
        {isAnchored && <FundRewardsForm trialId={trial.id} />}
        {isAnchored && rewards.pool !== null && rewards.pool !== "0" && (
          <ReclaimRewardsForm trialId={trial.id} />
        )}
      </section>

      <section className="card space-y-3">
        <h2 className="text-lg font-semibold">Listings and their use</h2>
        <p className="text-sm text-slate-600" data-testid="usage">
          Data uses by purpose: {usesText(usage.byPurpose)} · researchers: {usage.researchers} ·
          revenue to participants: {usage.revenue} TSR
        </p>
        {listings.length === 0 ? (
          <p className="text-sm text-slate-600">No participant has listed data from this trial.</p>
        ) : (
          <table className="data-table" data-testid="trial-listings">
            <thead>
              <tr>
                <th scope="col">Listing</th>
                <th scope="col">Records</th>
                <th scope="col">Requested / approved</th>
                <th scope="col">Uses by purpose</th>
                <th scope="col">Revenue</th>
              </tr>
            </thead>
            <tbody>
              {listings.map((listing) => (
                <tr key={listing.id}>
                  <td data-label="Listing">
                    <Link href={`/listings/${listing.id}`} className="text-teal-800 underline">
                      {listing.title}
                    </Link>
                    {listing.status === "UNLISTED" && " (unlisted)"}
                  </td>
                  <td data-label="Records">{listing.recordCount}</td>
                  <td data-label="Requested / approved">
                    {listing.requested} / {listing.approved}
                  </td>
                  <td data-label="Uses by purpose">{usesText(listing.usesByPurpose)}</td>
                  <td data-label="Revenue">{listing.revenue} TSR</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <TrialResults results={results} />

      <section className="card space-y-3">
        <h2 className="text-lg font-semibold">Reports for regulators</h2>
        <TrialDownloads trialId={trial.id} />
      </section>
    </div>
  );
}
