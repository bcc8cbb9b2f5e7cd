"use client";

import Link from "next/link";
import { useState } from "react";
import {
  TIMELINE_CATEGORIES,
  TIMELINE_PAGE_LIMIT,
  type TimelineCategory,
} from "~/shared/timeline-categories";
import { api } from "~/trpc/react";
import { TrialDownloads } from "../../../_components/trial-downloads";
import { EmptyState, ErrorState, LoadingState } from "../../../_components/page-state";

/** Every indexed event of a trial, filterable by kind and by text, each linked to its tx. */
export function TimelineView({ trialId }: { trialId: string }) {
  const [categories, setCategories] = useState<TimelineCategory[]>([]);
  const [text, setText] = useState("");
  const timeline = api.audit.timeline.useQuery(
    { trialId, categories: categories.length > 0 ? categories : undefined },
    { placeholderData: (previous) => previous },
  );
  const toggle = (category: TimelineCategory) =>
    setCategories((current) =>
      current.includes(category)
        ? current.filter((item) => item !== category)
        : [...current, category],
    );
  const needle = text.trim().toLowerCase();
  const entries = (timeline.data ?? []).filter(
    (entry) =>
      !needle ||
      `${entry.event} ${entry.summary} ${entry.txHash} ${entry.actor ?? ""}`
        .toLowerCase()
        .includes(needle),
  );
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">Trial timeline</h1>
      <p className="max-w-2xl text-sm text-slate-600">
        Every on-chain event of this trial, as the indexer read it from the contracts: registration
        and amendments, enrolments, consents, listings, requests, decisions, data uses, settlements
        and withdrawals.
      </p>
      <TrialDownloads trialId={trialId} />
      <fieldset className="flex flex-wrap gap-2" aria-label="Filter by kind">
        {TIMELINE_CATEGORIES.map((category) => (
          <label
            key={category}
            className={`cursor-pointer rounded-full border px-3 py-1 text-sm ${categories.includes(category) ? "border-teal-700 bg-teal-50 text-teal-900" : "border-slate-300"}`}
          >
            <input
              type="checkbox"
              className="sr-only"
              checked={categories.includes(category)}
              onChange={() => toggle(category)}
            />
            {category}
          </label>
        ))}
      </fieldset>
      <input
        className="input max-w-md"
        placeholder="Search events, tx hashes, addresses"
        aria-label="Search the timeline"
        value={text}
        onChange={(event) => setText(event.target.value)}
      />
      {timeline.data?.length === TIMELINE_PAGE_LIMIT && (
        <p className="text-sm text-amber-800">
          Showing the first {TIMELINE_PAGE_LIMIT.toLocaleString()} events; the timeline CSV and the
          PDF report have them all.
        </p>
      )}
      {timeline.error && (
        <ErrorState message={timeline.error.message} onRetry={() => void timeline.refetch()} />
      )}
      {timeline.isPending ? (
        <LoadingState />
      ) : entries.length === 0 ? (
        <EmptyState>No events match.</EmptyState>
      ) : (
        <ol className="space-y-2" data-testid="timeline">
          {entries.map((entry) => (
            <li key={entry.id} className="card py-3" data-testid={`event-${entry.event}`}>
              <div className="flex flex-wrap items-baseline justify-between gap-2 text-sm">
                <span>
                  <span className="rounded bg-slate-100 px-1.5 py-0.5 text-xs">
                    {entry.category}
                  </span>{" "}
                  <strong>{entry.event}</strong> — {entry.summary}
                </span>
                <span className="text-xs text-slate-600">
                  {new Date(entry.time).toLocaleString()} · block {entry.blockNumber}
                </span>
              </div>
              <Link href={`/tx/${entry.txHash}`} className="mono text-teal-800 underline">
                {entry.txHash}
              </Link>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
