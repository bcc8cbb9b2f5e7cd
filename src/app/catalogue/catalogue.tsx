"use client";

import { useState } from "react";
import { api } from "~/trpc/react";
import { ListingCard } from "../_components/listing-card";

export function Catalogue() {
  const [query, setQuery] = useState("");
  const [submitted, setSubmitted] = useState("");
  const catalogue = api.listings.catalogue.useInfiniteQuery(
    { query: submitted || undefined, limit: 20 },
    { getNextPageParam: (page) => page.nextCursor ?? undefined },
  );
  const items = catalogue.data?.pages.flatMap((page) => page.items) ?? [];
  return (
    <div className="space-y-4">
      <form
        className="flex gap-2"
        onSubmit={(event) => {
          event.preventDefault();
          setSubmitted(query.trim());
        }}
      >
        <input
          className="input mt-0"
          type="search"
          placeholder="Search title, description or condition"
          value={query}
          onChange={(event) => setQuery(event.target.value)}
        />
        <button type="submit" className="btn">
          Search
        </button>
      </form>
      {catalogue.error && (
        <p role="alert" className="text-red-800">
          {catalogue.error.message}
        </p>
      )}
      {catalogue.isPending ? (
        <p className="text-slate-600">Loading…</p>
      ) : items.length === 0 ? (
        <p className="card text-slate-600">No listings match.</p>
      ) : (
        <ul className="space-y-3" data-testid="catalogue-list">
          {items.map((listing) => (
            <ListingCard key={listing.id} listing={listing} />
          ))}
        </ul>
      )}
      {catalogue.hasNextPage && (
        <button
          type="button"
          className="btn-secondary"
          disabled={catalogue.isFetchingNextPage}
          onClick={() => void catalogue.fetchNextPage()}
        >
          {catalogue.isFetchingNextPage ? "Loading…" : "More"}
        </button>
      )}
    </div>
  );
}
