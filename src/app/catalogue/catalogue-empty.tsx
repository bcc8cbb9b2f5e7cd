"use client";

import {
  CATALOGUE_FILTER_LABELS,
  type CatalogueFilterKey,
  type TCatalogueFilter,
} from "~/shared/catalogue-search";

/** Nothing matches: which filter to drop, with what each would bring back. */
export function CatalogueEmpty(props: {
  relax: { filter: CatalogueFilterKey; total: number }[];
  onDrop: (change: Partial<TCatalogueFilter>) => void;
}) {
  return (
    <div className="card space-y-2 text-slate-700" data-testid="catalogue-empty">
      <p className="font-medium">No listings match this search.</p>
      {props.relax.length > 0 ? (
        <ul className="space-y-1 text-sm">
          {props.relax.map((hint) => (
            <li key={hint.filter}>
              <button
                type="button"
                className="text-teal-800 underline"
                onClick={() => props.onDrop({ [hint.filter]: undefined })}
              >
                Without {CATALOGUE_FILTER_LABELS[hint.filter]}
              </button>{" "}
              {hint.total.toLocaleString("en-US")} listing{hint.total === 1 ? "" : "s"} would match.
            </li>
          ))}
        </ul>
      ) : (
        <p className="text-sm">
          Dropping any single filter would not help: try other words or fewer filters.
        </p>
      )}
    </div>
  );
}
