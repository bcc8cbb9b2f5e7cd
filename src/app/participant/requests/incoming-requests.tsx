"use client";

import { purposeLabel } from "~/shared/purposes";
import { api } from "~/trpc/react";
import { ActionButton } from "../../_components/action-button";
import { EmptyState, ErrorState, LoadingState } from "../../_components/page-state";

const STATUS_STYLE: Record<string, string> = {
  PENDING: "bg-amber-100 text-amber-900",
  APPROVED: "bg-emerald-100 text-emerald-900",
  REJECTED: "bg-slate-200 text-slate-800",
  EXCLUDED: "bg-slate-100 text-slate-600",
  EXPIRED: "bg-slate-100 text-slate-600",
};

export function IncomingRequests() {
  const items = api.requests.incoming.useQuery(undefined, {
    refetchInterval: (query) =>
      query.state.data?.some((item) => item.isDecisionQueued) ? 1_500 : false,
  });
  if (items.isPending) return <LoadingState />;
  if (items.error)
    return <ErrorState message={items.error.message} onRetry={() => void items.refetch()} />;
  if (items.data.length === 0) return <EmptyState>Nobody has requested your data yet.</EmptyState>;
  return (
    <ul className="space-y-3">
      {items.data.map((item) => (
        <li
          key={item.id}
          className="card space-y-2"
          data-testid="incoming-item"
          data-item-id={item.id}
        >
          <div className="flex flex-wrap items-center justify-between gap-2">
            <p className="font-semibold">
              {item.request.researcherName} asks for “{item.listing.title}”
            </p>
            <span
              className={`rounded-full px-2 py-0.5 text-xs font-medium ${STATUS_STYLE[item.status] ?? ""}`}
              data-testid="item-status"
            >
              {item.isDecisionQueued ? "decision on its way" : item.status.toLowerCase()}
            </span>
          </div>
          <p className="text-sm text-slate-700">
            Purpose: {purposeLabel(item.request.purpose)} · {item.price} TSR · access until{" "}
            {item.request.accessUntil.toLocaleDateString()}
            {item.request.decisionDeadline &&
              ` · decide by ${item.request.decisionDeadline.toLocaleDateString()}`}
          </p>
          <blockquote className="border-l-4 border-slate-200 pl-3 text-sm text-slate-700">
            {item.request.planSummary}
          </blockquote>
          <p className="mono text-slate-500">
            Research plan hash (on chain): {item.request.planHash}
          </p>
          {item.request.planDocumentId && (
            <a
              className="text-sm text-teal-800 underline"
              href={`/api/plans/${item.request.planDocumentId}`}
              target="_blank"
              rel="noreferrer"
            >
              Read the research plan document
            </a>
          )}
          {item.status === "PENDING" && !item.isDecisionQueued && (
            <div className="flex gap-3">
              <ActionButton
                action={{ type: "item.decide", itemId: item.id, approve: true }}
                testId="approve"
              >
                Approve
              </ActionButton>
              <ActionButton
                action={{ type: "item.decide", itemId: item.id, approve: false }}
                variant="secondary"
              >
                Reject
              </ActionButton>
            </div>
          )}
        </li>
      ))}
    </ul>
  );
}
