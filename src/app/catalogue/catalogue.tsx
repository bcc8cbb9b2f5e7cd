"use client";

import { keepPreviousData } from "@tanstack/react-query";
import { CATALOGUE_PAGE_SIZE } from "~/shared/catalogue-search";
import { api } from "~/trpc/react";
import { CatalogueEmpty } from "./catalogue-empty";
import { CatalogueFilters } from "./catalogue-filters";
import { CatalogueLoadProgress } from "./catalogue-load-progress";
import { CataloguePager } from "./catalogue-pager";
import { CatalogueResults } from "./catalogue-results";
import { CatalogueSummary } from "./catalogue-summary";
import { useCohort } from "./cohort";
import { CohortRequestForm } from "./cohort-request-form";
import { useCatalogueSearch } from "./use-catalogue-search";

/** The researcher's catalogue: the search (held in the URL), its results, and the cohort. */
export function Catalogue({ canRequest }: { canRequest: boolean }) {
  const { search, setFilter, setSort, setPage } = useCatalogueSearch();
  const cohort = useCohort();
  const utils = api.useUtils();
  const catalogue = api.listings.catalogue.useQuery(
    {
      filter: search.filter,
      sort: search.sort,
      limit: CATALOGUE_PAGE_SIZE,
      cursor: (search.page - 1) * CATALOGUE_PAGE_SIZE,
    },
    // The previous results stay on screen while the next search runs.
    { placeholderData: keepPreviousData },
  );
  const result = catalogue.data;

  return (
    <div className="space-y-4">
      <CatalogueFilters
        filter={search.filter}
        sort={search.sort}
        facets={result?.facets}
        onFilter={setFilter}
        onSort={setSort}
      />
      <CatalogueSummary
        total={result?.total}
        tookMs={result?.tookMs}
        isSearching={catalogue.isFetching}
        addAll={
          canRequest && result
            ? {
                count: Math.min(result.total, 500),
                onAdd: () =>
                  void utils.listings.catalogueIds
                    .fetch({ filter: search.filter })
                    .then(cohort.addIds),
              }
            : null
        }
      />
      <CatalogueLoadProgress isSearching={catalogue.isFetching} />
      {catalogue.error && (
        <p role="alert" className="text-red-800">
          {catalogue.error.message}
        </p>
      )}
      {result && result.total === 0 && <CatalogueEmpty relax={result.relax} onDrop={setFilter} />}
      {result && result.items.length > 0 && (
        <CatalogueResults
          items={result.items}
          isSelected={cohort.has}
          onToggle={canRequest ? cohort.toggle : null}
        />
      )}
      {result && <CataloguePager page={search.page} total={result.total} onPage={setPage} />}
      {canRequest && cohort.ids.length > 0 && (
        <CohortRequestForm listingIds={cohort.ids} knownItems={cohort.items} />
      )}
    </div>
  );
}
