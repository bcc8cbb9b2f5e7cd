"use client";

import { CATALOGUE_PAGE_SIZE, MAX_CATALOGUE_OFFSET } from "~/shared/catalogue-search";

/** Previous and next pages; the page is part of the URL like the rest of the search. */
export function CataloguePager(props: {
  page: number;
  total: number;
  onPage: (page: number) => void;
}) {
  const pages = Math.min(
    Math.ceil(props.total / CATALOGUE_PAGE_SIZE),
    MAX_CATALOGUE_OFFSET / CATALOGUE_PAGE_SIZE,
  );
  if (pages <= 1) return null;
  return (
    <nav aria-label="Result pages" className="flex items-center gap-3 text-sm">
      <button
        type="button"
        className="btn-secondary"
        disabled={props.page <= 1}
        onClick={() => props.onPage(props.page - 1)}
      >
        Previous
      </button>
      <span data-testid="page-position">
        Page {props.page.toLocaleString("en-US")} of {pages.toLocaleString("en-US")}
      </span>
      <button
        type="button"
        className="btn-secondary"
        disabled={props.page >= pages}
        onClick={() => props.onPage(props.page + 1)}
      >
        Next
      </button>
    </nav>
  );
}
