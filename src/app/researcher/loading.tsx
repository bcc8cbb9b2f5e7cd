import { LoadingState } from "../_components/page-state";

/**
 * Shown while this segment's server part works (session, prefetched data). Only signed-in
 * segments have one: a boundary around sign-in or register let their forms be clicked before
 * the handler was attached (see test/e2e/sign-in-browser.test.ts).
 */
export default function Loading() {
  return <LoadingState label="Loading your requests…" />;
}
