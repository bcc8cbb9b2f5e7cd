"use client";

import Link from "next/link";
import { api } from "~/trpc/react";
import { AnchorBadge } from "../_components/anchor-badge";
import { EmptyState, ErrorState, LoadingState } from "../_components/page-state";

export function SponsorTrials() {
  const trials = api.trials.mine.useQuery(undefined, {
    refetchInterval: (query) =>
      query.state.data?.some((trial) => trial.anchorStatus === "PENDING") ? 1_500 : false,
  });
  if (trials.isPending) return <LoadingState />;
  if (trials.error)
    return <ErrorState message={trials.error.message} onRetry={() => void trials.refetch()} />;
  if (trials.data.length === 0)
    return <EmptyState>You have not registered a trial yet.</EmptyState>;
  return (
    <ul className="space-y-2">
      {trials.data.map((trial) => (
        <li
          key={trial.id}
          className="card flex flex-wrap items-center justify-between gap-2"
          data-testid={`sponsor-trial-${trial.registryId}`}
        >
          <span>
            <Link href={`/sponsor/trials/${trial.id}`} className="font-semibold text-teal-800">
              {trial.registryId} — {trial.title}
            </Link>
            <span className="ml-2 text-sm text-slate-600">
              {trial.phase} · protocol v{trial.currentVersion}
            </span>
          </span>
          <AnchorBadge status={trial.anchorStatus} />
        </li>
      ))}
    </ul>
  );
}
