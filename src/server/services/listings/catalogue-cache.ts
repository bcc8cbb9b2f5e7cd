/**
 * A short-lived cache of catalogue searches. The same faceted search is asked by many
 * researchers; answering it from memory keeps the catalogue fast under load (bench:api).
 * Entries live TTL_MS and hold the promise, so concurrent identical searches run the query
 * once. The indexer clears it when a listing or its consent changes on chain; other app
 * processes see such changes within TTL_MS.
 */
const TTL_MS = 5_000;
const MAX_ENTRIES = 1_000;

type Entry<Value> = { expiresAt: number; value: Promise<Value> };

const globalForCache = globalThis as { __trialshareCatalogueCache?: Map<string, Entry<unknown>> };

function store(): Map<string, Entry<unknown>> {
  globalForCache.__trialshareCatalogueCache ??= new Map();
  return globalForCache.__trialshareCatalogueCache;
}

export function cachedSearch<Value>(key: string, load: () => Promise<Value>): Promise<Value> {
  const cache = store();
  const now = Date.now();
  const hit = cache.get(key);
  if (hit && hit.expiresAt > now) return hit.value as Promise<Value>;
  if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value!);
  const value = load();
  cache.set(key, { expiresAt: now + TTL_MS, value });
  value.catch(() => cache.delete(key));
  return value;
}

export function invalidateCatalogue(): void {
  store().clear();
}
