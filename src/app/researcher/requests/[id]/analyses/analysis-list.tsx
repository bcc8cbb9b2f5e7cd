"use client";

import Link from "next/link";
import { api } from "~/trpc/react";
import { QueryState } from "../../../../_components/page-state";
import { ANALYSIS_STATUS_TEXT } from "./analysis-outcome";

/** The request's analyses, newest first, each linking to its result. */
export function AnalysisList({ requestId }: { requestId: string }) {
  const analyses = api.analyses.list.useQuery(
    { requestId },
    {
      refetchInterval: (query) =>
        query.state.data?.some((job) => job.status === "RESERVED" || job.status === "CHARGING")
          ? 2_000
          : false,
    },
  );
  return (
    <section className="card space-y-2" aria-labelledby="analyses-heading">
      <h2 id="analyses-heading" className="font-semibold">
        Analyses of this request
      </h2>
      <QueryState query={analyses} isEmpty={(jobs) => jobs.length === 0} empty="No analysis yet.">
        {(jobs) => (
          <ul className="divide-y text-sm" data-testid="analysis-list">
            {jobs.map((job) => (
              <li key={job.id} className="flex flex-wrap justify-between gap-2 py-1">
                <Link
                  className="text-teal-800 underline"
                  href={`/researcher/requests/${requestId}/analyses/${job.id}`}
                >
                  {job.createdAt.toLocaleString()}
                </Link>
                <span>
                  {ANALYSIS_STATUS_TEXT[job.status] ?? job.status} · ε {job.epsilon.toFixed(2)} ·{" "}
                  {job.listings} listing(s)
                </span>
              </li>
            ))}
          </ul>
        )}
      </QueryState>
    </section>
  );
}
