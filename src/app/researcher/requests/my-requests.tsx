"use client";

import { purposeLabel } from "~/shared/purposes";
import { api } from "~/trpc/react";
import { ExtractPanel } from "./extract-panel";

export function MyRequests() {
  const requests = api.requests.mine.useQuery(undefined, {
    refetchInterval: (query) =>
      query.state.data?.some(
        (request) =>
          request.anchorStatus === "PENDING" ||
          request.items.some((item) => item.status === "PENDING"),
      )
        ? 2_000
        : false,
  });
  if (requests.isPending) return <p className="text-slate-600">Loading…</p>;
  if (requests.error)
    return (
      <p role="alert" className="card text-red-800">
        {requests.error.message}
      </p>
    );
  if (requests.data.length === 0)
    return (
      <p className="card text-slate-600">No requests yet: choose listings in the catalogue.</p>
    );
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
            request.accessUntil > new Date() && <ExtractPanel requestId={request.id} />}
        </li>
      ))}
    </ul>
  );
}
