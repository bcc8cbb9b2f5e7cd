import "server-only";
import { parseUnits } from "ethers";
import type { DbClient } from "~/server/db";
import type { PurposeKey } from "~/server/services/consent/purposes";
import type { CatalogueFilterKey } from "~/shared/catalogue-search";
import { getCatalogueIndex } from "./catalogue/catalogue-sync";
import type { CatalogueIndex } from "./catalogue/catalogue-index";
import type { CatalogueSort, IndexFilter } from "./catalogue/types";
import { TOKEN_DECIMALS } from "./listing-dto";

/**
 * The researcher's catalogue: published listings whose anchor the indexer has seen on chain
 * and whose consent is in force, searched in this server's in-memory index: exact counts, any
 * order, and the result cards too, so a search reads nothing from the database.
 */
export type CatalogueFilter = {
  query?: string;
  trialId?: string;
  condition?: string;
  dataType?: "CSV" | "FHIR";
  purpose?: PurposeKey;
  minPrice?: string;
  maxPrice?: string;
  minRecords?: number;
  publishedAfter?: Date;
  consentValidUntil?: Date;
};

export type { CatalogueSort };

/** "Add all results to the cohort" takes at most this many. */
export const MAX_CATALOGUE_IDS = 500;

function toIndexFilter(filter: CatalogueFilter): IndexFilter {
  const { minPrice, maxPrice, ...rest } = filter;
  return {
    ...rest,
    minPriceWei: minPrice ? parseUnits(minPrice, TOKEN_DECIMALS) : undefined,
    maxPriceWei: maxPrice ? parseUnits(maxPrice, TOKEN_DECIMALS) : undefined,
  };
}

function activeFilters(filter: CatalogueFilter): CatalogueFilterKey[] {
  return (Object.keys(filter) as CatalogueFilterKey[]).filter(
    (key) => filter[key] !== undefined && filter[key] !== "",
  );
}

type SearchOptions = {
  filter: CatalogueFilter;
  sort: CatalogueSort;
  limit: number;
  offset: number;
};

export async function searchCatalogue(options: SearchOptions & { db: DbClient }) {
  const started = performance.now();
  return searchLoadedCatalogue(await getCatalogueIndex(options.db), options, started);
}

/** A search in an index at hand (the benchmark measures the service's work with this). */
export function searchLoadedCatalogue(
  index: CatalogueIndex,
  options: SearchOptions,
  started = performance.now(),
) {
  const filter = toIndexFilter(options.filter);
  const found = index.search({
    filter,
    sort: options.sort,
    offset: options.offset,
    limit: options.limit,
  });
  // Nothing found: say what dropping each filter alone would find.
  const relax =
    found.total > 0
      ? []
      : activeFilters(options.filter)
          .map((key) => ({
            filter: key,
            total: index.search({
              filter: toIndexFilter({ ...options.filter, [key]: undefined }),
              sort: "newest",
              offset: 0,
              limit: 0,
              totalOnly: true,
            }).total,
          }))
          .filter((hint) => hint.total > 0)
          .sort((a, b) => b.total - a.total);
  const end = options.offset + found.items.length;
  return {
    items: found.items,
    total: found.total,
    nextCursor: end < found.total ? end : null,
    facets: found.facets,
    relax,
    tookMs: Math.round((performance.now() - started) * 10) / 10,
  };
}

/** Ids of every listing a search matches (newest first, up to MAX_CATALOGUE_IDS). */
export async function findCatalogueIds(options: { db: DbClient; filter: CatalogueFilter }) {
  const index = await getCatalogueIndex(options.db);
  return index
    .search({
      filter: toIndexFilter(options.filter),
      sort: "newest",
      offset: 0,
      limit: MAX_CATALOGUE_IDS,
    })
    .items.map((item) => item.id);
}
