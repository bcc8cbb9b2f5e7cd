/**
 * `npm run --silent bench:api`: catalogue search under load, every request a query nobody asked
 * before. Seeds listings straight into the database (real Synthea condition names, kinds of
 * data, prices, sizes, trials, consent terms, a few revoked, expired or unanchored), serves the
 * production build with `next start` (local chain and workers running), and drives it for 20 s
 * with 10 connections, signed in as a researcher: first a trivial tRPC query (system.ping), then
 * listings.catalogue with a new query per request (catalogue-data.ts: words from condition names,
 * zero to three facets, every order, pages one to five). Twice: 100,000 listings on the embedded
 * database, then 1,000,000 on a PostgreSQL server started here. The app keeps no response cache:
 * every search is answered by the index. BENCH_SMOKE=1: a few hundred listings, 2 s each.
 * Last line: JSON.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import { Wallet } from "ethers";
import { encode } from "next-auth/jwt";
import { resetEnvCache } from "~/env";
import { deployContracts } from "~/server/chain/deploy";
import { waitForEmbeddedDatabaseToStop } from "~/server/embedded/start-database";
import { openDatabase } from "~/server/db";
import { applyMigrations } from "~/server/migrate";
import { localProvider, startLocalChain } from "../scripts/local-chain";
import { portFromEnv } from "../scripts/free-port";
import { postgresBin, startPostgres } from "../test/integration/postgres-setup";
import { createQueryGenerator, RESEARCHER_WALLET, seedCatalogueSql } from "./catalogue-data";
import { isSmoke, runBenchmark } from "./cleanup";
import { buildApp, processCpuMs, residentMb, startApp, stopApp } from "./next-app";
import { printTable } from "./table";

const EMBEDDED_LISTINGS = isSmoke ? 300 : 100_000;
const POSTGRES_LISTINGS = isSmoke ? 300 : 1_000_000;
const SECONDS = isSmoke ? 2 : 20;
const WARM_UP = isSmoke ? 1 : 5;
const CONNECTIONS = 10;
const SECRET = "bench-secret-that-is-at-least-thirty-two-characters";
const HARDHAT_ACCOUNT_0 = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

type Figures = {
  listings: number;
  seedSeconds: number;
  firstSearchMs: number;
  shown: number;
  rps: number;
  p50: number;
  p99: number;
  baselineRps: number;
  ratio: number;
  requests: number;
  distinct: number;
  rssMb: number | null;
  /** The server's CPU time per request (all its threads), trivial query and search. */
  baselineCpuMs: number | null;
  searchCpuMs: number | null;
};

function drive(options: autocannon.Options) {
  return new Promise<autocannon.Result>((resolve, reject) => {
    autocannon({ connections: CONNECTIONS, duration: SECONDS, ...options }, (error, result) =>
      error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve(result),
    );
  });
}

const input = (json: unknown) => encodeURIComponent(JSON.stringify({ json }));

async function seed(databaseUrl: string | undefined, pgliteDir: string, listings: number) {
  const started = performance.now();
  resetEnvCache();
  const database = openDatabase(databaseUrl ? { databaseUrl } : { pgliteDir });
  try {
    await applyMigrations(database);
    await database.rawTransaction((sql) => sql.exec(seedCatalogueSql(listings)));
  } finally {
    await database.close();
  }
  return (performance.now() - started) / 1000;
}

async function firstSearch(url: string, headers: Record<string, string>): Promise<Response> {
  const deadline = Date.now() + 30 * 60_000;
  for (;;) {
    let response: Response;
    try {
      response = await fetch(url, { headers, signal: AbortSignal.timeout(120_000) });
    } catch (error) {
      // Still loading (no answer in time): ask again.
      if (Date.now() > deadline) throw error;
      continue;
    }
    if (!response.ok)
      throw new Error(`the search failed: ${response.status} ${await response.text()}`);
    return response;
  }
}

/** Serves the app on one database and measures the trivial query, then the searches. */
async function measure(options: {
  env: NodeJS.ProcessEnv;
  listings: number;
  seedSeconds: number;
}): Promise<Figures> {
  const port = await portFromEnv("BENCH_PORT");
  const base = `http://localhost:${port}`;
  const server = await startApp(
    { ...options.env, PORT: String(port), APP_URL: base, NEXTAUTH_URL: base },
    port,
  );
  try {
    const token = await encode({
      token: {
        sub: "bench-researcher",
        role: "RESEARCHER",
        walletAddress: RESEARCHER_WALLET,
        displayName: "Bench researcher",
        sessionVersion: 0,
      },
      secret: SECRET,
    });
    const headers = { cookie: `next-auth.session-token=${token}` };
    // The first search waits for the server's index to finish loading (asked again until then).
    const firstStarted = performance.now();
    const first = await firstSearch(
      `${base}/api/trpc/listings.catalogue?input=${input({})}`,
      headers,
    );
    const firstSearchMs = Math.round(performance.now() - firstStarted);
    const shown = ((await first.json()) as { result: { data: { json: { total: number } } } }).result
      .data.json.total;

    // Both routes warm up first (V8 compiles the hot paths), with queries not measured after.
    const nextQuery = createQueryGenerator(options.listings);
    const searchRequests = (asked?: Set<string>) => [
      {
        method: "GET" as const,
        setupRequest: (request: autocannon.Request) => {
          const path = `/api/trpc/listings.catalogue?input=${input(nextQuery())}`;
          asked?.add(path);
          return { ...request, path };
        },
      },
    ];
    await drive({
      url: `${base}/api/trpc/system.ping?input=${input(null)}`,
      headers,
      duration: WARM_UP,
    });
    await drive({ url: base, headers, requests: searchRequests(), duration: WARM_UP });
    // CPU per request: steadier than requests per second on a machine whose speed varies.
    const perRequest = (before: number | null, requests: number) => {
      const after = processCpuMs(server.pid);
      return before === null || after === null ? null : (after - before) / requests;
    };
    const baselineCpu = processCpuMs(server.pid);
    const baseline = await drive({
      url: `${base}/api/trpc/system.ping?input=${input(null)}`,
      headers,
    });
    const baselineCpuMs = perRequest(baselineCpu, baseline.requests.total);
    const asked = new Set<string>();
    const searchCpu = processCpuMs(server.pid);
    const search = await drive({ url: base, headers, requests: searchRequests(asked) });
    const searchCpuMs = perRequest(searchCpu, search.requests.total);
    const failures = search.errors + search.non2xx + baseline.errors + baseline.non2xx;
    if (failures > 0) throw new Error(`${failures} requests failed under load`);
    const rps = Math.round(search.requests.average);
    const baselineRps = Math.round(baseline.requests.average);
    return {
      listings: options.listings,
      seedSeconds: options.seedSeconds,
      firstSearchMs,
      shown,
      rps,
      p50: search.latency.p50,
      p99: search.latency.p99,
      baselineRps,
      ratio: Number((rps / baselineRps).toFixed(2)),
      requests: search.requests.total,
      distinct: asked.size,
      rssMb: residentMb(server.pid),
      baselineCpuMs,
      searchCpuMs,
    };
  } finally {
    await stopApp(server);
    // The embedded database's server (started by the app) stops with it, a moment later.
    if (options.env.PGLITE_DIR)
      await waitForEmbeddedDatabaseToStop(options.env.PGLITE_DIR).catch(() => undefined);
  }
}

const round2 = (value: number | null) => (value === null ? null : Number(value.toFixed(2)));

function rowsFor(
  label: string,
  figures: Figures,
  targets: { rps: number; p99: number; ratio?: number },
) {
  const met = (isMet: boolean) => (isMet ? "met" : "MISSED");
  return [
    [
      `${label}: listings seeded`,
      `${figures.listings.toLocaleString("en-US")} (${figures.seedSeconds.toFixed(0)} s)`,
      "",
    ],
    [
      `${label}: shown (active, anchored, consent in force)`,
      figures.shown.toLocaleString("en-US"),
      "",
    ],
    [`${label}: first search (index load), ms`, String(figures.firstSearchMs), ""],
    [`${label}: trivial query (system.ping), req/s`, String(figures.baselineRps), ""],
    [
      `${label}: searches answered / distinct queries made`,
      `${figures.requests} / ${figures.distinct}`,
      "",
    ],
    [
      `${label}: catalogue search, req/s`,
      String(figures.rps),
      `>= ${targets.rps} ${met(figures.rps >= targets.rps)}`,
    ],
    [`${label}: catalogue search, p50 ms`, String(figures.p50), ""],
    [
      `${label}: catalogue search, p99 ms`,
      String(figures.p99),
      `<= ${targets.p99} ${met(figures.p99 <= targets.p99)}`,
    ],
    [
      `${label}: ratio to the trivial query`,
      String(figures.ratio),
      targets.ratio ? `>= ${targets.ratio} ${met(figures.ratio >= targets.ratio)}` : "",
    ],
    [
      `${label}: server CPU per request, trivial / search, ms`,
      `${figures.baselineCpuMs?.toFixed(2) ?? "?"} / ${figures.searchCpuMs?.toFixed(2) ?? "?"}`,
      "",
    ],
    [`${label}: server memory after the run, MB`, String(figures.rssMb ?? "?"), ""],
  ];
}

await runBenchmark(async (cleanup) => {
  const work = cleanup.add("work folder", await mkdtemp(path.join(tmpdir(), "bench-api-")), (dir) =>
    rm(dir, { recursive: true, force: true }),
  );
  const chain = cleanup.add(
    "local chain",
    await startLocalChain({ port: await portFromEnv("BENCH_CHAIN_PORT"), quiet: true }),
    (started) => started.stop(),
  );
  const provider = localProvider(chain.rpcUrl);
  await deployContracts(new Wallet(HARDHAT_ACCOUNT_0, provider), path.join(work, "deployments"));
  provider.destroy();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    BLOB_DIR: path.join(work, "blobs"),
    DEPLOYMENTS_DIR: path.join(work, "deployments"),
    CHAIN_RPC_URL: chain.rpcUrl,
    CHAIN_CONFIRMATIONS: "0",
    NEXTAUTH_SECRET: SECRET,
    MASTER_KEY: "22".repeat(32),
    RELAYER_PRIVATE_KEY: HARDHAT_ACCOUNT_0,
    LOG_LEVEL: "warn",
    // Production refuses to build without its public URL; each run below serves its own port.
    APP_URL: "http://localhost:3000",
  };
  buildApp(env);

  const pgliteDir = path.join(work, "pglite");
  const embedded = await measure({
    env: { ...env, PGLITE_DIR: pgliteDir, DATABASE_URL: undefined },
    listings: EMBEDDED_LISTINGS,
    seedSeconds: await seed(undefined, pgliteDir, EMBEDDED_LISTINGS),
  });

  let postgres: Figures | null = null;
  const hasPostgres = (() => {
    try {
      return Boolean(postgresBin());
    } catch {
      return false;
    }
  })();
  if (hasPostgres || !isSmoke) {
    const server = cleanup.add(
      "PostgreSQL",
      await startPostgres(await portFromEnv("BENCH_POSTGRES_PORT")),
      (started) => started.stop(),
    );
    const databaseUrl = server.url;
    postgres = await measure({
      env: { ...env, DATABASE_URL: databaseUrl },
      listings: POSTGRES_LISTINGS,
      seedSeconds: await seed(databaseUrl, pgliteDir, POSTGRES_LISTINGS),
    });
  }

  printTable([
    ["measure", "value", "target"],
    ...rowsFor("embedded", embedded, { rps: 300, p99: 100, ratio: 0.25 }),
    ...(postgres ? rowsFor("PostgreSQL", postgres, { rps: 300, p99: 150 }) : []),
  ]);
  console.log(
    JSON.stringify({
      listings: embedded.listings,
      rps: embedded.rps,
      p50_ms: embedded.p50,
      p99_ms: embedded.p99,
      baseline_rps: embedded.baselineRps,
      ratio: embedded.ratio,
      search_cpu_ms: round2(embedded.searchCpuMs),
      listings_pg_1m: postgres?.listings ?? null,
      rps_pg_1m: postgres?.rps ?? null,
      p50_ms_pg_1m: postgres?.p50 ?? null,
      p99_ms_pg_1m: postgres?.p99 ?? null,
      baseline_rps_pg_1m: postgres?.baselineRps ?? null,
      ratio_pg_1m: postgres?.ratio ?? null,
      search_cpu_ms_pg_1m: round2(postgres?.searchCpuMs ?? null),
    }),
  );
});
