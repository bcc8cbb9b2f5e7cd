import type { z } from "zod";
import type { ZRequestResultsSchema } from "~/shared/research-output";
import { ResearchOutputs, RESULTS_STATUS_LABELS } from "../../../_components/research-outputs";

type RequestResults = z.infer<typeof ZRequestResultsSchema>;

/**
 * The results of each request that used the trial's data: the outputs its researcher
 * registered on chain, or "no results reported" once the grace period after its access window
 * has passed without one.
 */
export function TrialResults({ results }: { results: RequestResults[] }) {
  return (
    <section className="card space-y-3" data-testid="trial-results">
      <h2 className="text-lg font-semibold">Results from the trial&apos;s data</h2>
      {results.length === 0 ? (
        <p className="text-sm text-slate-600">No researcher has used the trial&apos;s data yet.</p>
      ) : (
        <ul className="space-y-3">
          {results.map((request) => (
            <li key={request.requestId} className="space-y-1" data-testid="trial-result">
              <p className="text-sm">
                <span className="font-medium">{request.researcher}</span> · {request.purpose} ·
                access until {request.accessUntil.toLocaleDateString()} · {request.listings.length}{" "}
                listing{request.listings.length === 1 ? "" : "s"} ·{" "}
                <span data-testid="results-status">
                  {RESULTS_STATUS_LABELS[request.resultsStatus]}
                </span>
              </p>
              <ResearchOutputs outputs={request.outputs} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
