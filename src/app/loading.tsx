import { LoadingState } from "./_components/page-state";

/** Shown while a page's server part works (sessions, prefetched data), on every route. */
export default function Loading() {
  return <LoadingState label="Loading the page…" />;
}
