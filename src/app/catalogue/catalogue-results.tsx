"use client";

import { ListingCard } from "../_components/listing-card";
import type { CatalogueItem } from "./cohort";

/** One page of results, each with its cohort checkbox when the viewer may request access. */
export function CatalogueResults(props: {
  items: CatalogueItem[];
  isSelected: (id: string) => boolean;
  onToggle: ((item: CatalogueItem, isChecked: boolean) => void) | null;
}) {
  return (
    <ul className="space-y-3" data-testid="catalogue-list" aria-label="Matching listings">
      {props.items.map((listing) => (
        <ListingCard
          key={listing.id}
          listing={listing}
          leading={
            props.onToggle && (
              <input
                type="checkbox"
                className="mt-1.5"
                aria-label={`Add ${listing.title} to the cohort`}
                checked={props.isSelected(listing.id)}
                onChange={(event) => props.onToggle!(listing, event.target.checked)}
              />
            )
          }
        />
      ))}
    </ul>
  );
}
