"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useCallback, useMemo } from "react";
import {
  readCatalogueSearch,
  writeCatalogueSearch,
  type CatalogueSearch,
  type TCatalogueFilter,
} from "~/shared/catalogue-search";

/**
 * The search lives in the URL: reading it gives the filter, order and page; every change is a
 * new history entry, so a search can be shared, bookmarked and gone back to.
 */
export function useCatalogueSearch() {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const search = useMemo(() => readCatalogueSearch(new URLSearchParams(params)), [params]);

  const navigate = useCallback(
    (next: CatalogueSearch) => {
      const query = writeCatalogueSearch(next);
      router.push(query ? `${pathname}?${query}` : pathname, { scroll: false });
    },
    [router, pathname],
  );

  /** Changes some filters and goes back to the first page. */
  const setFilter = useCallback(
    (change: Partial<TCatalogueFilter>) =>
      navigate({ ...search, filter: { ...search.filter, ...change }, page: 1 }),
    [navigate, search],
  );

  return {
    search,
    setFilter,
    setSort: (sort: CatalogueSearch["sort"]) => navigate({ ...search, sort, page: 1 }),
    setPage: (page: number) => navigate({ ...search, page }),
  };
}
