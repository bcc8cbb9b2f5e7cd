import type { z } from "zod";
import {
  outputLink,
  RESEARCH_OUTPUT_LABELS,
  type ZResearchOutputSchema,
} from "~/shared/research-output";

type Output = z.infer<typeof ZResearchOutputSchema>;

/** A request's results as researchers, sponsors and participants see them. */
export function ResearchOutputs({ outputs }: { outputs: Output[] }) {
  if (outputs.length === 0) return null;
  return (
    <ul className="space-y-1 text-sm" data-testid="research-outputs">
      {outputs.map((output) => {
        const link = outputLink(output);
        return (
          <li key={output.id} className="break-words" data-testid="research-output">
            <span className="font-medium">{RESEARCH_OUTPUT_LABELS[output.kind]}:</span>{" "}
            {link ? (
              <a href={link} className="underline" rel="noopener noreferrer" target="_blank">
                {output.title}
              </a>
            ) : (
              output.title
            )}
            {output.doi && <span className="mono break-all text-slate-500"> doi:{output.doi}</span>}
            {output.summary && <p className="text-slate-700">{output.summary}</p>}
            <span className="text-slate-500">
              {" "}
              {output.status === "CONFIRMED"
                ? `— on chain${output.txHash ? ` (${output.txHash.slice(0, 10)}…)` : ""}`
                : output.status === "FAILED"
                  ? "— could not be recorded on chain; register it again"
                  : "— recording on chain…"}
            </span>
          </li>
        );
      })}
    </ul>
  );
}

/** "No results reported" and its kin, in words. */
export const RESULTS_STATUS_LABELS = {
  REPORTED: "Results reported",
  AWAITING: "No results yet",
  NO_RESULTS: "No results reported",
  NO_DATA_USED: "No data used yet",
} as const;
