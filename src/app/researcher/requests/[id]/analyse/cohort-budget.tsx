"use client";

import type { RouterOutputs } from "~/trpc/react";
import { FundAnalyses } from "./fund-analyses";

type Catalogue = RouterOutputs["analyses"]["catalogue"];

/** What the cohort allows before anything is asked: t, ε left per listing, credits. */
export function CohortBudget({
  requestId,
  catalogue,
}: {
  requestId: string;
  catalogue: Catalogue;
}) {
  const usable = catalogue.listings.filter((listing) => listing.usable);
  const left = usable.map((listing) => listing.epsilonLeft);
  return (
    <section className="card space-y-2 text-sm" aria-labelledby="cohort-heading">
      <h2 id="cohort-heading" className="font-semibold">
        The cohort
      </h2>
      <p data-testid="cohort-budget">
        {usable.length} of {catalogue.listings.length} listing(s) can take part
        {left.length > 0
          ? ` (ε left: ${Math.min(...left).toFixed(2)} to ${Math.max(...left).toFixed(2)} per listing). Groups smaller than ${catalogue.threshold} records are never shown.`
          : ": their privacy budgets are spent or held by an analysis under way, or their consent has ended."}
      </p>
      {catalogue.listings.length > usable.length && (
        <details>
          <summary>Listings that cannot take part</summary>
          <ul className="list-disc pl-5">
            {catalogue.listings
              .filter((listing) => !listing.usable)
              .map((listing, index) => (
                <li key={index}>
                  {listing.title}: privacy budget spent, consent ended, or no analyses allowed
                </li>
              ))}
          </ul>
        </details>
      )}
      {usable.length > 0 && catalogue.variables.length === 0 && (
        <p role="alert" className="text-red-800">
          The listings that can take part share no analysable variable.
        </p>
      )}
      <FundAnalyses requestId={requestId} creditsLeft={catalogue.creditsLeft} />
    </section>
  );
}
