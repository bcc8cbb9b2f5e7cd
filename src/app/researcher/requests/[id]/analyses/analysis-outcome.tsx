"use client";

import { useEffect } from "react";
import { ZDisclosureSchema, ZReleasedOutputSchema } from "~/shared/analysis-result";
import { api } from "~/trpc/react";
import { ErrorState, LoadingState } from "../../../../_components/page-state";
import { ReleasedResult } from "./released-result";

/** Where an analysis stands, in words; RESERVED and CHARGING are still under way. */
export const ANALYSIS_STATUS_TEXT: Record<string, string> = {
  RESERVED: "Running in the isolated engine…",
  CHARGING: "Recording the ε spent on chain; the result is shown once it is recorded…",
  RELEASED: "Released",
  REFUSED: "Refused: nothing was charged",
  REFUSED_EMPTY: "Refused: every value would be suppressed; nothing was charged",
  FAILED: "Failed: nothing was charged",
};

const isUnderWay = (status: string | undefined) => status === "RESERVED" || status === "CHARGING";

/** One analysis: polled while under way, then its released result or why there is none. */
export function AnalysisOutcome({ jobId }: { jobId: string }) {
  const job = api.analyses.get.useQuery(
    { jobId },
    { refetchInterval: (query) => (isUnderWay(query.state.data?.status) ? 1_500 : false) },
  );
  const utils = api.useUtils();
  const status = job.data?.status;
  // Once the charge is recorded (or refused), the ε held for it is spent or back: say so.
  useEffect(() => {
    if (status && !isUnderWay(status))
      void Promise.all([utils.analyses.catalogue.invalidate(), utils.analyses.list.invalidate()]);
  }, [status, utils]);
  if (job.isPending) return <LoadingState />;
  if (job.error)
    return <ErrorState message={job.error.message} onRetry={() => void job.refetch()} />;
  const { reason, epsilon, listings } = job.data;
  const output = ZReleasedOutputSchema.safeParse(job.data.output);
  const disclosure = ZDisclosureSchema.safeParse(job.data.disclosure);
  return (
    <div className="space-y-3" data-testid="analysis-outcome">
      <p className="text-sm" data-testid="analysis-status">
        <span className="font-semibold">
          {ANALYSIS_STATUS_TEXT[job.data.status] ?? job.data.status}
        </span>{" "}
        · ε {epsilon.toFixed(2)} · {listings} listing(s) used
      </p>
      {isUnderWay(job.data.status) && <LoadingState label="Waiting for the result…" />}
      {reason && (
        <p role="alert" className="text-sm text-red-800">
          {reason}
        </p>
      )}
      {job.data.status === "RELEASED" &&
        (output.success && disclosure.success ? (
          <ReleasedResult
            analysisId={job.data.analysisId}
            output={output.data}
            disclosure={disclosure.data}
          />
        ) : (
          <ErrorState message="This result's format is not one this page can show." />
        ))}
      {job.data.outputHash && (
        <p className="mono text-xs text-slate-500">Output hash (on chain): {job.data.outputHash}</p>
      )}
    </div>
  );
}
