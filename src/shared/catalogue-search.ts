import { z } from "zod";
import { ZChainDateSchema } from "./input-dates";
import { PURPOSE_KEYS } from "./purposes";

/**
 * A catalogue search as both sides see it: the procedure's filter schema, and the page's URL,
 * which holds the whole search so it can be shared, bookmarked and gone back to. Reading a URL
 * never fails: a value that does not parse is dropped, and a long query is cut at a word.
 */
export const CATALOGUE_SORTS = [
  "newest",
  "relevance",
  "price_asc",
  "price_desc",
  "records_desc",
] as const;
export type CatalogueSortKey = (typeof CATALOGUE_SORTS)[number];

export const CATALOGUE_PAGE_SIZE = 20;
export const MAX_CATALOGUE_OFFSET = 100_000;
/** What the search box takes; longer text (a pasted URL, say) is cut before a word. */
export const MAX_QUERY_LENGTH = 200;

const id = z.string().min(1).max(64);
const tokens = z
  .string()
  .trim()
  .regex(/^\d{1,12}(\.\d{1,18})?$/, "Enter an amount like 10 or 2.5");

export const ZCatalogueFilterSchema = z.object({
  query: z.string().trim().max(MAX_QUERY_LENGTH).optional(),
  trialId: id.optional(),
  condition: z.string().trim().max(80).optional(),
  dataType: z.enum(["CSV", "FHIR"]).optional(),
  purpose: z.enum(PURPOSE_KEYS).optional(),
  minPrice: tokens.optional(),
  maxPrice: tokens.optional(),
  minRecords: z.number().int().min(0).max(100_000_000).optional(),
  publishedAfter: ZChainDateSchema.optional(),
  consentValidUntil: ZChainDateSchema.optional(),
});

export type TCatalogueFilter = z.infer<typeof ZCatalogueFilterSchema>;
export type CatalogueFilterKey = keyof TCatalogueFilter;

export const CATALOGUE_FILTER_KEYS = Object.keys(
  ZCatalogueFilterSchema.shape,
) as CatalogueFilterKey[];

/** How the page names each filter when it suggests dropping one. */
export const CATALOGUE_FILTER_LABELS: Record<CatalogueFilterKey, string> = {
  query: "the search words",
  trialId: "the trial",
  condition: "the condition",
  dataType: "the data type",
  purpose: "the allowed purpose",
  minPrice: "the lowest price",
  maxPrice: "the highest price",
  minRecords: "the minimum number of records",
  publishedAfter: "the publication date",
  consentValidUntil: "the consent date",
};

export type CatalogueSearch = { filter: TCatalogueFilter; sort: CatalogueSortKey; page: number };

export function cutQuery(query: string): string {
  if (query.length <= MAX_QUERY_LENGTH) return query;
  const cut = query.slice(0, MAX_QUERY_LENGTH);
  const atWord = cut.replace(/[\p{L}\p{N}]+$/u, "");
  return (atWord.trim() ? atWord : cut).trim();
}

const DATE_KEYS = new Set<CatalogueFilterKey>(["publishedAfter", "consentValidUntil"]);

/** The search a URL's query string holds; whatever does not parse is left out. */
export function readCatalogueSearch(params: URLSearchParams): CatalogueSearch {
  const filter: Record<string, unknown> = {};
  for (const key of CATALOGUE_FILTER_KEYS) {
    const raw = params.get(key);
    if (raw === null || raw.trim() === "") continue;
    const value =
      key === "query"
        ? cutQuery(raw.replaceAll("\u0000", " "))
        : key === "minRecords"
          ? Number(raw)
          : DATE_KEYS.has(key)
            ? new Date(`${raw}T00:00:00Z`)
            : raw;
    const parsed = ZCatalogueFilterSchema.shape[key].safeParse(value);
    if (parsed.success && parsed.data !== undefined && parsed.data !== "")
      filter[key] = parsed.data;
  }
  const sort = params.get("sort");
  const page = Number(params.get("page"));
  const maxPage = MAX_CATALOGUE_OFFSET / CATALOGUE_PAGE_SIZE;
  return {
    filter: filter,
    sort: CATALOGUE_SORTS.includes(sort as CatalogueSortKey)
      ? (sort as CatalogueSortKey)
      : "newest",
    page: Number.isInteger(page) && page >= 1 ? Math.min(page, maxPage) : 1,
  };
}

/** The query string for a search: only what differs from the defaults, in a stable order. */
export function writeCatalogueSearch(search: CatalogueSearch): string {
  const params = new URLSearchParams();
  for (const key of CATALOGUE_FILTER_KEYS) {
    const value = search.filter[key];
    if (value === undefined || value === "") continue;
    params.set(key, value instanceof Date ? value.toISOString().slice(0, 10) : String(value));
  }
  if (search.sort !== "newest") params.set("sort", search.sort);
  if (search.page > 1) params.set("page", String(search.page));
  return params.toString();
}
