"use client";

import { useEffect, useState } from "react";
import { api } from "~/trpc/react";

/** Asks only once a search has run a second: a quick search costs no second request. */
const ASK_AFTER_MS = 1_000;

/**
 * While a search waits for the catalogue's first load after a restart (a minute or more at a
 * million listings), says how far the load has come instead of an endless "Searching…".
 */
export function CatalogueLoadProgress({ isSearching }: { isSearching: boolean }) {
  const [isSlow, setSlow] = useState(false);
  useEffect(() => {
    if (!isSearching) return;
    const timer = setTimeout(() => setSlow(true), ASK_AFTER_MS);
    return () => {
      clearTimeout(timer);
      setSlow(false);
    };
  }, [isSearching]);
  const status = api.listings.catalogueStatus.useQuery(undefined, {
    enabled: isSlow,
    refetchInterval: isSlow ? 1_000 : false,
  });
  const load = isSlow ? status.data : null;
  if (!load || load.total === 0) return null;
  const isPreparing = load.read >= load.total;
  return (
    <div role="status" className="space-y-1 text-sm text-slate-700" data-testid="catalogue-load">
      <p>
        {isPreparing
          ? "The catalogue is read; its search index is being prepared."
          : `The catalogue is being indexed after a restart: ${load.read.toLocaleString("en-US")} of ${load.total.toLocaleString("en-US")} listings read.`}{" "}
        Your search runs as soon as it is ready.
      </p>
      <progress
        className="h-2 w-full max-w-md"
        max={load.total}
        value={load.read}
        aria-label="Catalogue indexing progress"
      />
    </div>
  );
}
