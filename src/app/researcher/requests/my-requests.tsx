"use client";

import Link from "next/link";
import { purposeLabel } from "~/shared/purposes";
import { api } from "~/trpc/react";
import { ExtractPanel } from "./extract-panel";
import { RegisterOutputForm } from "./register-output-form";
import { ResearchOutputs } from "../../_components/research-outputs";
import { EmptyState, ErrorState, LoadingState } from "../../_components/page-state";

export function MyRequests() {
  const requests = api.requests.mine.useQuery(undefined, {
    refetchInterval: (query) =>
      query.state.data?.some(
        (request) =>
          request.anchorStatus === "PENDING" ||
          request.items.some((item) => item.status === "PENDING") ||
          request.outputs.some((output) => output.status === "PENDING"),
      )
        ? 2_000
        : false,
  });
  if (requests.isPending) return <LoadingState />;
  if (requests.error)
    return <ErrorState message={requests.error.message} onRetry={() => void requests.refetch()} />;
  if (requests.data.length === 0)
    return <EmptyState>No requests yet: choose listings in the catalogue.</EmptyState>;
  return (
    <ul className="space-y-3">
      {requests.data.map((request) => (
        <li key={request.id} className="card space-y-2" data-testid="my-request">
          <div className="flex flex-wrap justify-between gap-2">
            <p className="font-semibold">
              {purposeLabel(request.purpose)} · {request.total} TSR
              {request.maxTotal && ` (at most ${request.maxTotal})`} · until{" "}
              {request.accessUntil.toLocaleDateString()}
            </p>
            <span className="text-sm" data-testid="request-status">
              {request.anchorStatus === "CONFIRMED"
                ? request.status.toLowerCase()
                : request.anchorStatus === "FAILED"
                  ? `failed: ${request.submission?.lastError ?? ""}`
                  : "recording on chain…"}
            </span>
          </div>
          {request.txHash && <p className="mono text-slate-500">Transaction {request.txHash}</p>}
          <ul className="text-sm">
            {request.items.map((item) => (
              <li key={item.id}>
                {item.listing.title} — {item.price} TSR —{" "}
                <span data-testid="item-status">{item.status.toLowerCase()}</span>
                {item.settlement &&
                  (item.settlement.paid !== "0"
                    ? ` — paid to the owner`
                    : ` — ${item.settlement.refunded} TSR refunded to you`)}
              </li>
            ))}
          </ul>
          {request.items.some((item) => item.status === "APPROVED") &&
            request.accessUntil > new Date() && (
              <>
                <ExtractPanel requestId={request.id} />
                <p>
                  <Link
                    className="text-teal-800 underline"
                    href={`/researcher/requests/${request.id}/analyse`}
                  >
                    Analyse here
                  </Link>{" "}
                  <span className="text-sm text-slate-600">
                    — run counts, summaries or regressions where the data lives; only checked
                    figures come out.
                  </span>
                </p>
              </>
            )}
          {request.outputs.length > 0 && (
            <section className="space-y-1">
              <h2 className="font-semibold">Results</h2>
              <ResearchOutputs outputs={request.outputs} />
            </section>
          )}
          {request.hasDataUse && <RegisterOutputForm requestId={request.id} />}
        </li>
      ))}
    </ul>
  );
}
