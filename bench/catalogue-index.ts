/**
 * `npm run --silent bench:catalogue-index`: the catalogue's search index alone, in this process,
 * at 100,000 and 1,000,000 listings. The listings follow the same mix as bench:api's seed
 * (catalogue-data.ts: Synthea conditions as often as they occur, kinds of data, trials, prices,
 * sizes, two years of dates, every purpose mix) and every search is a new draw of bench:api's
 * query generator. Prints the load time, the heap the index holds, and searches per second with
 * p50 / p99 per search on this one thread (DIAG=1 also lists the slowest searches). BENCH_SMOKE=1: 3,000 listings, 300 searches.
 * Last line: JSON.
 */
import { parseUnits } from "ethers";
import { serializeFast } from "~/server/api/fast-transformer";
import {
  ZCatalogueResultSchema,
  ZCatalogueSchema,
} from "~/server/api/routers/listings/listings.types";
import { searchLoadedCatalogue } from "~/server/services/listings/search-catalogue";
import { CatalogueIndex } from "~/server/services/listings/catalogue/catalogue-index";
import type { CatalogueDoc, IndexFilter } from "~/server/services/listings/catalogue/types";
import {
  createQueryGenerator,
  DATA_KINDS,
  random,
  TRIALS,
  weightedConditions,
} from "./catalogue-data";
import { isSmoke } from "./cleanup";
import { printTable } from "./table";

const SIZES = isSmoke
  ? [3_000]
  : process.env.SIZES
    ? process.env.SIZES.split(",").map(Number)
    : [100_000, 1_000_000];
const SEARCHES = isSmoke ? 300 : 5_000;
const WARM_UP = isSmoke ? 50 : 500;
const DAY = 86_400_000;
const WEI_PER_CENT = 10n ** 16n;

/** The JS heap and the typed arrays' buffers (held outside it), after a full collection. */
function heapMb(): number {
  (globalThis as { gc?: () => void }).gc?.();
  const memory = process.memoryUsage();
  return (memory.heapUsed + memory.arrayBuffers) / 1e6;
}

/** The listings bench:api seeds, minus those the catalogue never shows (expired, revoked...). */
function* generateDocs(count: number, now: number): Generator<CatalogueDoc> {
  const conditions = weightedConditions();
  const { next, pick, int } = random(count);
  for (let g = 1; g <= count; g += 1) {
    const kind = pick(DATA_KINDS);
    const conds = [...new Set(Array.from({ length: 1 + (g % 3) }, () => pick(conditions)))];
    const records = 10 + Math.floor(Math.exp(next() * 6));
    const trial = next() < 0.3 ? int(1, TRIALS) : null;
    const isFhir = next() < 0.33;
    const cents = BigInt(Math.floor(50 + next() * 9950));
    const createdAt = now - Math.floor(next() * 730 * DAY);
    const purposes = 1 + Math.floor(next() * 31);
    const isHidden = next() < 0.07;
    const expiresAt = now + Math.floor((30 + next() * 700) * DAY);
    if (isHidden) continue;
    yield {
      id: `bench-${String(g).padStart(8, "0")}`,
      title: `${kind} — ${conds[0]}`,
      description: `De-identified ${kind.toLowerCase()} of ${records} participants with ${conds.join(", ")}`,
      conditions: conds,
      trial: trial
        ? {
            id: `bench-trial-${trial}`,
            registryId: `BENCH-${String(trial).padStart(4, "0")}`,
            title: `Bench trial ${trial}`,
          }
        : null,
      ownerName: `Participant ${1 + (g % 200)}`,
      autoApprove: next() < 0.5,
      dataType: isFhir ? "FHIR" : "CSV",
      priceWei: cents * WEI_PER_CENT,
      recordCount: records,
      createdAt,
      purposes,
      expiresAt,
    };
  }
}

/** The generator's request as the service hands it to the index (search-catalogue.ts). */
function toIndexQuery(request: ReturnType<ReturnType<typeof createQueryGenerator>>) {
  const { minPrice, maxPrice, publishedAfter, consentValidUntil, ...rest } =
    request.filter as Record<string, string | number | undefined>;
  const filter = {
    ...rest,
    minPriceWei: minPrice ? parseUnits(String(minPrice), 18) : undefined,
    maxPriceWei: maxPrice ? parseUnits(String(maxPrice), 18) : undefined,
    publishedAfter: publishedAfter ? new Date(`${publishedAfter}T00:00:00Z`) : undefined,
    consentValidUntil: consentValidUntil ? new Date(`${consentValidUntil}T00:00:00Z`) : undefined,
  } as IndexFilter;
  return { filter, sort: request.sort, offset: request.cursor, limit: request.limit };
}

const percentile = (sorted: number[], share: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * share))]!;

type Figures = {
  listings: number;
  loadSeconds: number;
  loadCpuSeconds: number;
  heapMb: number;
  searchesPerSecond: number;
  meanMs: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  broadP99Ms: number;
  cpuMeanMs: number;
  cpuP50Ms: number;
  cpuP99Ms: number;
  serviceCpuMeanMs: number;
  serviceCpuP99Ms: number;
  emptyShare: number;
  emptyCpuMeanMs: number;
};

/**
 * What the app's tRPC procedure does with a request, on this thread: the input's validation,
 * the service (search and, when nothing matches, the "drop this filter" hints), the output's
 * validation and its serialisation for the wire (tRPC's transformer, then JSON).
 */
function serve(index: CatalogueIndex, request: unknown): number {
  const input = ZCatalogueSchema.parse(request);
  const result = searchLoadedCatalogue(index, {
    filter: input.filter,
    sort: input.sort,
    limit: input.limit,
    offset: input.cursor ?? 0,
  });
  JSON.stringify(serializeFast(ZCatalogueResultSchema.parse(result)));
  return result.total;
}

function measure(count: number): Figures {
  const now = Date.now();
  const heapBefore = heapMb();
  const loadStarted = performance.now();
  const loadCpu = process.cpuUsage();
  const index = new CatalogueIndex();
  for (const doc of generateDocs(count, now)) index.put(doc);
  index.prepare();
  const loadSeconds = (performance.now() - loadStarted) / 1000;
  const loadCpuUsed = process.cpuUsage(loadCpu);
  const loadCpuSeconds = (loadCpuUsed.user + loadCpuUsed.system) / 1e6;
  const heap = heapMb() - heapBefore;
  const nextQuery = createQueryGenerator(count);
  for (let n = 0; n < WARM_UP; n += 1) {
    const request = nextQuery();
    index.search(toIndexQuery(request), now);
    serve(index, request);
  }
  const times: number[] = [];
  // CPU time too: on a shared machine the wall clock mostly measures the other processes.
  const cpuTimes: number[] = [];
  const serviceCpuTimes: number[] = [];
  const emptyCpuTimes: number[] = [];
  const broad: number[] = [];
  const slowest: { took: number; query: ReturnType<typeof toIndexQuery> }[] = [];
  const started = performance.now();
  for (let n = 0; n < SEARCHES; n += 1) {
    const request = nextQuery();
    const query = toIndexQuery(request);
    const before = performance.now();
    const cpuBefore = process.cpuUsage();
    index.search(query, now);
    const cpu = process.cpuUsage(cpuBefore);
    const took = performance.now() - before;
    times.push(took);
    cpuTimes.push((cpu.user + cpu.system) / 1000);
    if (!query.filter.query) broad.push(took);
    const serviceBefore = process.cpuUsage();
    const total = serve(index, request);
    const serviceCpu = process.cpuUsage(serviceBefore);
    serviceCpuTimes.push((serviceCpu.user + serviceCpu.system) / 1000);
    if (total === 0) emptyCpuTimes.push(serviceCpuTimes.at(-1)!);
    if (process.env.DIAG === "1") slowest.push({ took, query });
  }
  const seconds = (performance.now() - started) / 1000;
  slowest.sort((a, b) => b.took - a.took);
  for (const { took, query } of slowest.slice(0, 15))
    console.log(
      took.toFixed(1),
      query.sort,
      query.offset,
      JSON.stringify(query.filter, (_key, value: unknown) =>
        typeof value === "bigint" ? String(value) : value,
      ),
    );
  times.sort((a, b) => a - b);
  const cpuTotal = cpuTimes.reduce((sum, value) => sum + value, 0);
  cpuTimes.sort((a, b) => a - b);
  broad.sort((a, b) => a - b);
  const round = (value: number) => Math.round(value * 100) / 100;
  const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
  const serviceCpuTotal = sum(serviceCpuTimes);
  serviceCpuTimes.sort((a, b) => a - b);
  return {
    listings: index.size,
    loadSeconds: round(loadSeconds),
    loadCpuSeconds: round(loadCpuSeconds),
    heapMb: Math.round(heap),
    searchesPerSecond: Math.round(SEARCHES / seconds),
    meanMs: round((seconds * 1000) / SEARCHES),
    p50Ms: round(percentile(times, 0.5)),
    p99Ms: round(percentile(times, 0.99)),
    maxMs: round(times.at(-1)!),
    broadP99Ms: round(broad.length ? percentile(broad, 0.99) : 0),
    cpuMeanMs: round(cpuTotal / SEARCHES),
    cpuP50Ms: round(percentile(cpuTimes, 0.5)),
    cpuP99Ms: round(percentile(cpuTimes, 0.99)),
    serviceCpuMeanMs: round(serviceCpuTotal / SEARCHES),
    serviceCpuP99Ms: round(percentile(serviceCpuTimes, 0.99)),
    emptyShare: round(emptyCpuTimes.length / SEARCHES),
    emptyCpuMeanMs: round(emptyCpuTimes.length ? sum(emptyCpuTimes) / emptyCpuTimes.length : 0),
  };
}

const results = SIZES.map(measure);
printTable([
  [
    "listings shown",
    "load s",
    "load CPU s",
    "heap MB",
    "searches/s",
    "mean ms",
    "p50 ms",
    "p99 ms",
    "max ms",
    "no-words p99 ms",
    "CPU mean ms",
    "CPU p50 ms",
    "CPU p99 ms",
    "service CPU mean ms",
    "service CPU p99 ms",
    "empty share",
    "empty: service CPU mean ms",
  ],
  ...results.map((r) =>
    [
      r.listings,
      r.loadSeconds,
      r.loadCpuSeconds,
      r.heapMb,
      r.searchesPerSecond,
      r.meanMs,
      r.p50Ms,
      r.p99Ms,
      r.maxMs,
      r.broadP99Ms,
      r.cpuMeanMs,
      r.cpuP50Ms,
      r.cpuP99Ms,
      r.serviceCpuMeanMs,
      r.serviceCpuP99Ms,
      r.emptyShare,
      r.emptyCpuMeanMs,
    ].map((value) => value.toLocaleString("en-US")),
  ),
]);
const last = results.at(-1)!;
const first = results[0]!;
console.log(
  JSON.stringify({
    listings: first.listings,
    searches_per_s: first.searchesPerSecond,
    p50_ms: first.p50Ms,
    p99_ms: first.p99Ms,
    heap_mb: first.heapMb,
    load_cpu_s: first.loadCpuSeconds,
    cpu_p99_ms: first.cpuP99Ms,
    service_cpu_mean_ms: first.serviceCpuMeanMs,
    service_cpu_p99_ms: first.serviceCpuP99Ms,
    listings_1m: isSmoke ? null : last.listings,
    searches_per_s_1m: isSmoke ? null : last.searchesPerSecond,
    p50_ms_1m: isSmoke ? null : last.p50Ms,
    p99_ms_1m: isSmoke ? null : last.p99Ms,
    heap_mb_1m: isSmoke ? null : last.heapMb,
    load_cpu_s_1m: isSmoke ? null : last.loadCpuSeconds,
    cpu_p99_ms_1m: isSmoke ? null : last.cpuP99Ms,
    service_cpu_mean_ms_1m: isSmoke ? null : last.serviceCpuMeanMs,
    service_cpu_p99_ms_1m: isSmoke ? null : last.serviceCpuP99Ms,
  }),
);
