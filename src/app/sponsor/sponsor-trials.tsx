"use client";

import Link from "next/link";
import { api } from "~/trpc/react";
import { AnchorBadge } from "../_components/anchor-badge";

export function SponsorTrials() {
  const trials = api.trials.mine.useQuery(undefined, {
    refetchInterval: (query) =>
      query.state.data?.some((trial) => trial.anchorStatus === "PENDING") ? 1_500 : false,
  });
  if (trials.isPending) return <p className="text-slate-600">Loading…</p>;
  if (trials.error)
    return (
      <p role="alert" className="card text-red-800">
        {trials.error.message}
      </p>
    );
  if (trials.data.length === 0)
    return <p className="card text-slate-600">You have not registered a trial yet.</p>;
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
