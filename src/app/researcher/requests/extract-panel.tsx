"use client";

import { useState } from "react";
import { api, type RouterOutputs } from "~/trpc/react";

type Extract = RouterOutputs["extracts"]["create"];

/** Builds the pooled, k-anonymous extract and offers its files; refusals say why. */
export function ExtractPanel({ requestId }: { requestId: string }) {
  const [k, setK] = useState(5);
  const [extract, setExtract] = useState<Extract | null>(null);
  const create = api.extracts.create.useMutation({ onSuccess: setExtract });
  return (
    <div className="space-y-2 rounded-md border border-slate-200 p-3" data-testid="extract-panel">
      <div className="flex flex-wrap items-end gap-3">
        <label className="label">
          k (records per quasi-identifier class)
          <input
            className="input w-24"
            type="number"
            min={2}
            max={20}
            value={k}
            onChange={(event) => setK(Number(event.target.value))}
          />
        </label>
        <button
          type="button"
          className="btn"
          disabled={create.isPending}
          onClick={() => create.mutate({ requestId, k })}
        >
          {create.isPending ? "Building and recording the data use…" : "Build extract"}
        </button>
      </div>
      {create.error && (
        <p role="alert" className="text-sm text-red-800">
          {create.error.message}
        </p>
      )}
      {extract && (
        <div className="space-y-1 text-sm" data-testid="extract-ready">
          <p>
            {extract.report.recordsOut} records from {extract.report.listings} listing(s); k
            achieved {extract.report.kAchieved}; {extract.report.suppressedRecords} suppressed;
            prosecutor risk max {extract.report.risk.prosecutorMax.toFixed(2)}, average{" "}
            {extract.report.risk.prosecutorAverage.toFixed(2)}.
          </p>
          <p className="mono">Extract root (recorded on chain): {extract.extractRoot}</p>
          <p className="flex gap-3">
            <a className="text-teal-800 underline" href={`/api/extracts/${extract.id}/csv`}>
              CSV
            </a>
            <a className="text-teal-800 underline" href={`/api/extracts/${extract.id}/fhir`}>
              FHIR R4 Bundle
            </a>
            <a className="text-teal-800 underline" href={`/api/extracts/${extract.id}/manifest`}>
              Manifest (proofs)
            </a>
          </p>
          <p className="text-xs text-slate-500">
            Check it without trusting us: npm run verify -- extract manifest.json --csv extract.csv
            --rpc URL
          </p>
        </div>
      )}
    </div>
  );
}
