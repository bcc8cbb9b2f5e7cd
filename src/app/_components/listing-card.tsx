import Link from "next/link";
import type { ReactNode } from "react";
import type { RouterOutputs } from "~/trpc/react";
import { AnchorBadge } from "./anchor-badge";

/** What a card shows: the fields the catalogue item and the full listing have in common. */
type Listing = RouterOutputs["listings"]["catalogue"]["items"][number] & { status?: string };

export function ListingCard({ listing, leading }: { listing: Listing; leading?: ReactNode }) {
  return (
    <li className="card flex items-start justify-between gap-4">
      {leading}
      <div className="flex-1 space-y-1">
        <Link
          href={`/listings/${listing.id}`}
          className="font-semibold text-teal-800 hover:underline"
        >
          {listing.title}
        </Link>
        <p className="text-sm text-slate-600">
          {listing.recordCount} records · {listing.dataType} · {listing.price} TSR
          {listing.trial ? ` · ${listing.trial.registryId}` : ""}
        </p>
        <p className="text-xs text-slate-500">
          by {listing.ownerName} · {listing.conditions.join(", ") || "no conditions listed"}
        </p>
      </div>
      <div className="flex flex-col items-end gap-1">
        <AnchorBadge status={listing.anchor.status} />
        {listing.status === "DRAFT" && (
          <span className="text-xs text-slate-500">draft (not signed)</span>
        )}
      </div>
    </li>
  );
}
