"use client";

/** How many listings match and how long the search took, announced as it changes. */
export function CatalogueSummary(props: {
  total: number | undefined;
  tookMs: number | undefined;
  isSearching: boolean;
  addAll: { count: number; onAdd: () => void } | null;
}) {
  return (
    <div className="flex flex-wrap items-center justify-between gap-2 text-sm text-slate-700">
      <p aria-live="polite" data-testid="result-summary">
        {props.total === undefined ? (
          "Searching…"
        ) : (
          <>
            <span data-testid="result-count">
              {props.total.toLocaleString("en-US")} listing{props.total === 1 ? "" : "s"} match
            </span>
            <span className="text-slate-500">
              {" "}
              · searched in {props.tookMs} ms{props.isSearching ? " · updating…" : ""}
            </span>
          </>
        )}
      </p>
      {props.addAll && props.addAll.count > 0 && (
        <button type="button" className="btn-secondary" onClick={props.addAll.onAdd}>
          Add all {props.addAll.count.toLocaleString("en-US")} results to the cohort
        </button>
      )}
    </div>
  );
}
