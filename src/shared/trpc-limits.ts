/**
 * Bounds on one tRPC request, shared by the server that enforces them
 * (src/server/api/http-handler.ts) and the browser's client that keeps within them.
 * Pages batch a handful of queries; calls that hash a password are sent alone, so a batch
 * cannot multiply their cost; the catalogue's load progress is sent alone so that it does not
 * wait for the search it reports on.
 */
export const MAX_BATCH_CALLS = 20;
export const UNBATCHED_PROCEDURES: readonly string[] = [
  "account.register",
  "account.changePassword",
  "listings.catalogueStatus",
];
