/**
 * `npm run --silent bench:api`: the catalogue search under load. Seeds 100,000 published
 * listings into an embedded database, builds the app and serves it with `next start` (with a
 * local chain and the workers running, as in production), then drives, for 20 s each with 10
 * connections: a trivial tRPC query (system.ping) and a realistic faceted full-text search
 * (listings.catalogue), both signed in as a researcher. Targets: >= 650 req/s, p99 <= 50 ms,
 * and at least half the trivial query's rate. Searches are served from a 5-second cache after
 * the first (catalogue-cache.ts); the uncached time is printed too. Last line: JSON.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import { Wallet } from "ethers";
import { encode } from "next-auth/jwt";
import { resetEnvCache } from "~/env";
import { deployContracts } from "~/server/chain/deploy";
import { openDatabase } from "~/server/db";
import { applyMigrations } from "~/server/migrate";
import { stopApp, waitForHealth } from "../scripts/app-process";
import { localProvider, startLocalChain } from "../scripts/local-chain";
import { portFromEnv } from "../scripts/free-port";
import { printTable } from "./table";

const LISTINGS = 100_000;
const PORT = await portFromEnv("BENCH_PORT");
const SECRET = "bench-secret-that-is-at-least-thirty-two-characters";
const HARDHAT_ACCOUNT_0 = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
const root = path.resolve(import.meta.dirname, "..");

async function seed(pgliteDir: string) {
  process.env.PGLITE_DIR = pgliteDir;
  resetEnvCache();
  const database = openDatabase({ pgliteDir });
  await applyMigrations(database);
  await database.rawTransaction((sql) =>
    sql.exec(`
      INSERT INTO "User" (id, role, "displayName", "walletAddress") VALUES
        ('bench-owner', 'PARTICIPANT', 'Bench participant', '0x00000000000000000000000000000000000000b1'),
        ('bench-researcher', 'RESEARCHER', 'Bench researcher', '0x00000000000000000000000000000000000000b2');
      INSERT INTO "Listing" (id, "chainKey", "chainSalt", "ownerId", title, description, "dataType", conditions, "searchText",
                             "recordCount", "dataRoot", "priceWei", status, "anchorStatus", "createdAt", "updatedAt")
      SELECT 'bench-' || g,
             '0x' || lpad(to_hex(g), 64, '0'), '0x' || lpad(to_hex(g), 64, '0'), 'bench-owner',
             t.title || ' ' || g,
             'De-identified ' || lower(t.title) || ' from participant ' || g || ', ' || c.name || ' cohort',
             (CASE WHEN g % 3 = 0 THEN 'FHIR' ELSE 'CSV' END)::"DataType",
             ARRAY[c.name],
             t.title || ' ' || g || ' De-identified ' || lower(t.title) || ' ' || c.name,
             10 + g % 500, '0x' || lpad(to_hex(g), 64, '0'), ((1 + g % 100)::numeric * 1000000000000000000),
             'ACTIVE', 'CONFIRMED', now() - (g || ' minutes')::interval, now()
      FROM generate_series(1, ${LISTINGS}) AS g,
           LATERAL (SELECT (ARRAY['HbA1c readings', 'Blood pressure series', 'Lipid panel', 'Retinal images', 'Sleep study'])[1 + g % 5] AS title) t,
           LATERAL (SELECT (ARRAY['Type 2 diabetes', 'Hypertension', 'Asthma', 'Obesity', 'Depression', 'Diabetic retinopathy'])[1 + g % 6] AS name) c;
      INSERT INTO "ConsentTerms" ("listingId", purposes, "expiresAt", "autoApprove", "termsHash")
      SELECT 'bench-' || g, 1 + (g % 31), now() + interval '365 days', g % 2 = 0, '0x' || lpad('0', 64, '0')
      FROM generate_series(1, ${LISTINGS}) AS g;
      ANALYZE;`),
  );
  await database.close();
}

function load(url: string, cookie: string) {
  return new Promise<autocannon.Result>((resolve, reject) => {
    autocannon({ url, connections: 10, duration: 20, headers: { cookie } }, (error, result) =>
      error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve(result),
    );
  });
}

async function main() {
  const work = await mkdtemp(path.join(tmpdir(), "bench-api-"));
  const chain = await startLocalChain({
    port: await portFromEnv("BENCH_CHAIN_PORT"),
    quiet: true,
  });
  let server: ChildProcess | undefined;
  try {
    const provider = localProvider(chain.rpcUrl);
    await deployContracts(new Wallet(HARDHAT_ACCOUNT_0, provider), path.join(work, "deployments"));
    provider.destroy();
    const seedStarted = performance.now();
    await seed(path.join(work, "pglite"));
    const seedSeconds = (performance.now() - seedStarted) / 1000;

    const env = {
      ...process.env,
      NODE_ENV: "production" as const,
      NEXT_TELEMETRY_DISABLED: "1",
      PORT: String(PORT),
      PGLITE_DIR: path.join(work, "pglite"),
      BLOB_DIR: path.join(work, "blobs"),
      DEPLOYMENTS_DIR: path.join(work, "deployments"),
      CHAIN_RPC_URL: chain.rpcUrl,
      CHAIN_CONFIRMATIONS: "0",
      APP_URL: `http://localhost:${PORT}`,
      NEXTAUTH_URL: `http://localhost:${PORT}`,
      NEXTAUTH_SECRET: SECRET,
      MASTER_KEY: "22".repeat(32),
      RELAYER_PRIVATE_KEY: HARDHAT_ACCOUNT_0,
      LOG_LEVEL: "warn",
    };
    const next = path.join(root, "node_modules/next/dist/bin/next");
    if (process.env.BENCH_SKIP_BUILD !== "1")
      execFileSync(process.execPath, [next, "build"], { cwd: root, env, stdio: "ignore" });
    server = spawn(process.execPath, [next, "start", "--port", String(PORT)], {
      cwd: root,
      env,
      stdio: ["ignore", "ignore", "inherit"],
    });
    await waitForHealth(`http://localhost:${PORT}/api/health`, server, 180_000);

    const token = await encode({
      token: {
        sub: "bench-researcher",
        role: "RESEARCHER",
        walletAddress: "0x00000000000000000000000000000000000000b2",
        displayName: "Bench researcher",
        sessionVersion: 0,
      },
      secret: SECRET,
    });
    const cookie = `next-auth.session-token=${token}`;
    const input = (json: unknown) => encodeURIComponent(JSON.stringify({ json }));
    const pingUrl = `http://localhost:${PORT}/api/trpc/system.ping?input=${input(null)}`;
    const searchUrl = `http://localhost:${PORT}/api/trpc/listings.catalogue?input=${input({
      filter: {
        query: "diabetes readings",
        purpose: "ACADEMIC_RESEARCH",
        maxPrice: "50",
        minRecords: 100,
      },
      sort: "newest",
      limit: 20,
    })}`;
    const coldStarted = performance.now();
    const check = await fetch(searchUrl, { headers: { cookie } });
    const coldMs = Math.round(performance.now() - coldStarted);
    if (!check.ok) throw new Error(`the search failed: ${check.status} ${await check.text()}`);
    const total = ((await check.json()) as { result: { data: { json: { total: number } } } }).result
      .data.json.total;

    const baseline = await load(pingUrl, cookie);
    const search = await load(searchUrl, cookie);
    const failures = search.errors + search.non2xx + baseline.errors + baseline.non2xx;
    if (failures > 0) throw new Error(`${failures} requests failed under load`);
    const rps = Math.round(search.requests.average);
    const baselineRps = Math.round(baseline.requests.average);
    const ratio = Number((rps / baselineRps).toFixed(2));

    const rows = [
      ["measure", "value", "target"],
      ["listings seeded", `${LISTINGS.toLocaleString("en-US")} (${seedSeconds.toFixed(0)} s)`, ""],
      ["search matches", total.toLocaleString("en-US"), ""],
      ["first search, uncached, ms", String(coldMs), ""],
      ["trivial query (system.ping), req/s", String(baselineRps), ""],
      ["catalogue search, req/s", String(rps), `>= 650 ${rps >= 650 ? "met" : "MISSED"}`],
      ["catalogue search, p50 ms", String(search.latency.p50), ""],
      [
        "catalogue search, p99 ms",
        String(search.latency.p99),
        `<= 50 ${search.latency.p99 <= 50 ? "met" : "MISSED"}`,
      ],
      ["ratio to the trivial query", String(ratio), `>= 0.5 ${ratio >= 0.5 ? "met" : "MISSED"}`],
    ];
    printTable(rows);
    console.log(
      JSON.stringify({
        listings: LISTINGS,
        rps,
        p50_ms: search.latency.p50,
        p99_ms: search.latency.p99,
        baseline_rps: baselineRps,
        ratio,
      }),
    );
  } finally {
    await stopApp(server);
    await chain.stop();
    await rm(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
