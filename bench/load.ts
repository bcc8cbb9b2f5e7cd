/**
 * `npm run --silent bench:load`: 50 simulated users at once for 60 s against `next start` on
 * the embedded database and a local chain, with the workers running. Participants browse,
 * search and decide the requests waiting for them; researchers search, open listings, request
 * access (escrow by permit) and download their extract. Each user acts, then thinks 1-3 s
 * (a person reading the page; without it the test measures a queue, not 50 users). Memory is
 * compared after a 30-s warm-up, once caches, JIT and the database's buffers have filled.
 * Targets: no errors, p99 of reads < 200 ms, server memory at the end within 20 % of after
 * warm-up, outbox drained within 30 s of the end. Last line: JSON. The embedded database is a
 * process of its own: its CPU and memory are shown beside the app's. BENCH_SMOKE=1: 6 users
 * for 5 s after 2 s of warm-up, reusing an existing build.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Wallet } from "ethers";
import { deployContracts } from "~/server/chain/deploy";
import { waitForEmbeddedDatabaseToStop } from "~/server/embedded/start-database";
import type { SessionUser } from "~/server/session";
import { stopApp, waitForHealth } from "../scripts/app-process";
import { localProvider, startLocalChain } from "../scripts/local-chain";
import { portFromEnv } from "../scripts/free-port";
import { sessionCookie } from "../test/support/session-cookie";
import { printTable } from "./table";
import { seedLoadWorld, type LoadWorld } from "./load-seed";

const SMOKE = process.env.BENCH_SMOKE === "1";
const USERS = SMOKE ? { participants: 4, researchers: 2 } : { participants: 30, researchers: 20 };
const DURATION_S = SMOKE ? 5 : Number(process.env.LOAD_SECONDS ?? 60);
const WARMUP_S = SMOKE ? 2 : 30;
// LOAD_THINK_MS=50: users who barely pause, to find where the server saturates.
const THINK_MS = Number(process.env.LOAD_THINK_MS ?? 1_000);
const PORT = await portFromEnv("BENCH_PORT");
const BASE = `http://localhost:${PORT}`;
const SECRET = "load-secret-that-is-at-least-thirty-two-characters";
const HARDHAT_ACCOUNT_0 = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
const root = path.resolve(import.meta.dirname, "..");

type Sample = { kind: "read" | "write"; name: string; ms: number; ok: boolean; detail?: string };
const samples: Sample[] = [];
let measuring = false;

async function timed<T>(
  kind: Sample["kind"],
  name: string,
  run: () => Promise<Response>,
  read?: (response: Response) => Promise<T>,
): Promise<T | null> {
  const started = performance.now();
  let ok = false;
  let detail: string | undefined;
  let value: T | null = null;
  try {
    const response = await run();
    ok = response.ok;
    if (ok && read) value = await read(response);
    else if (!ok) detail = `${response.status} ${(await response.text()).slice(0, 200)}`;
    else await response.arrayBuffer();
  } catch (error) {
    detail = String(error);
  }
  if (measuring) samples.push({ kind, name, ms: performance.now() - started, ok, detail });
  return ok ? value : null;
}

function client(cookie: string) {
  const input = (json: unknown) => encodeURIComponent(JSON.stringify({ json }));
  const data = async (response: Response) =>
    ((await response.json()) as { result: { data: { json: unknown } } }).result.data.json;
  return {
    query: <T>(name: string, value?: unknown) =>
      timed(
        "read",
        name,
        () =>
          fetch(`${BASE}/api/trpc/${name}?input=${input(value ?? null)}`, { headers: { cookie } }),
        data,
      ) as Promise<T | null>,
    mutate: <T>(name: string, value: unknown, kind: Sample["kind"] = "write") =>
      timed(
        kind,
        name,
        () =>
          fetch(`${BASE}/api/trpc/${name}`, {
            method: "POST",
            headers: { cookie, "content-type": "application/json" },
            body: JSON.stringify({ json: value }),
          }),
        data,
      ) as Promise<T | null>,
    page: (pathname: string) =>
      timed("read", `page ${pathname.split("/")[1]}`, () =>
        fetch(`${BASE}${pathname}`, { headers: { cookie } }),
      ),
    download: (pathname: string) =>
      timed("read", "extract download", () => fetch(`${BASE}${pathname}`, { headers: { cookie } })),
  };
}

type Api = ReturnType<typeof client>;
const pick = <T>(items: T[]) => items[Math.floor(Math.random() * items.length)]!;
const SEARCHES = ["diabetes", "blood pressure", "HbA1c", "hypertension vitals", ""];

async function signedAction(api: Api, action: unknown) {
  const prepared = await api.mutate<{ typedData: { message: unknown }; permit: unknown }>(
    "actions.prepare",
    { action },
  );
  if (!prepared) return;
  await api.mutate("actions.submit", {
    action,
    request: prepared.typedData.message,
    permit: prepared.permit ?? undefined,
  });
}

async function participantTurn(api: Api, world: LoadWorld) {
  const roll = Math.random();
  if (roll < 0.35) {
    type Item = {
      id: string;
      status: string;
      isDecisionQueued: boolean;
      request: { txHash: string | null };
    };
    const items = (await api.query<Item[]>("requests.incoming")) ?? [];
    const waiting = items.find(
      (item) => item.status === "PENDING" && !item.isDecisionQueued && item.request.txHash,
    );
    if (waiting)
      await signedAction(api, {
        type: "item.decide",
        itemId: waiting.id,
        approve: Math.random() < 0.8,
      });
  } else if (roll < 0.6) await api.query("listings.mine");
  else if (roll < 0.8) await api.query("ledger.mine");
  else await api.page(`/listings/${pick(world.listings).id}`);
}

async function researcherTurn(api: Api, world: LoadWorld, user: SessionUser) {
  const roll = Math.random();
  if (roll < 0.35)
    await api.query("listings.catalogue", {
      filter: { query: pick(SEARCHES) || undefined },
      sort: "newest",
      limit: 20,
    });
  else if (roll < 0.55) await api.query("listings.byId", { listingId: pick(world.listings).id });
  else if (roll < 0.7) {
    const extract = world.extracts.find((candidate) => candidate.researcherId === user.id)!;
    await api.download(`/api/extracts/${extract.extractId}/csv`);
  } else if (roll < 0.8) await api.query("requests.mine");
  else {
    const asking = world.listings.filter((listing) => !listing.autoApprove);
    const draft = await api.mutate<{ id: string }>("requests.createDraft", {
      listingIds: [
        pick(asking).id,
        pick(world.listings.filter((listing) => listing.autoApprove)).id,
      ],
      purpose: "ACADEMIC_RESEARCH",
      planText: "Blood pressure and HbA1c, pooled, for the load test.",
      accessDays: 30,
    });
    if (draft) await signedAction(api, { type: "request.create", requestId: draft.id });
  }
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
}

/** CPU seconds (user + system) a process has used so far. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** The embedded database server's process (it writes its pid beside its data folder). */
function databasePid(pgliteDir: string): number | null {
  const file = `${pgliteDir}.server.json`;
  return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as { pid: number }).pid : null;
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length
    ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!
    : 0;
};

async function main() {
  const work = await mkdtemp(path.join(tmpdir(), "bench-load-"));
  const chain = await startLocalChain({
    port: await portFromEnv("BENCH_CHAIN_PORT"),
    quiet: true,
  });
  let server: ChildProcess | undefined;
  try {
    const env = {
      ...process.env,
      NODE_ENV: "production" as const,
      NEXT_TELEMETRY_DISABLED: "1",
      DATA_DIR: work,
      PGLITE_DIR: path.join(work, "pglite"),
      BLOB_DIR: path.join(work, "blobs"),
      DEPLOYMENTS_DIR: path.join(work, "deployments"),
      CHAIN_RPC_URL: chain.rpcUrl,
      CHAIN_CONFIRMATIONS: "0",
      APP_URL: BASE,
      NEXTAUTH_URL: BASE,
      NEXTAUTH_SECRET: SECRET,
      MASTER_KEY: "33".repeat(32),
      RELAYER_PRIVATE_KEY: HARDHAT_ACCOUNT_0,
      LOG_LEVEL: "warn",
    };
    Object.assign(process.env, env);
    const provider = localProvider(chain.rpcUrl);
    await deployContracts(new Wallet(HARDHAT_ACCOUNT_0, provider), env.DEPLOYMENTS_DIR);
    provider.destroy();
    const seedStarted = performance.now();
    const world = await seedLoadWorld({ ...USERS, listingsEach: 2 });
    const seedSeconds = (performance.now() - seedStarted) / 1000;

    const next = path.join(root, "node_modules/next/dist/bin/next");
    const isBuilt = existsSync(path.join(root, ".next/BUILD_ID"));
    if (process.env.BENCH_SKIP_BUILD !== "1" && !(SMOKE && isBuilt))
      execFileSync(process.execPath, [next, "build"], { cwd: root, env, stdio: "ignore" });
    // LOAD_PROFILE=DIR writes a CPU profile of the server (open it in Chrome's DevTools).
    const profile = process.env.LOAD_PROFILE;
    server = spawn(process.execPath, [next, "start", "--port", String(PORT)], {
      cwd: root,
      env: profile ? { ...env, NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${profile}` } : env,
      stdio: ["ignore", "ignore", "inherit"],
    });
    await waitForHealth(`${BASE}/api/health`, server, 180_000);

    const users = [...world.participants, ...world.researchers];
    const apis = await Promise.all(
      users.map(async (user) => ({ user, api: client(await sessionCookie(user, SECRET, 0)) })),
    );
    let running = true;
    const loops = apis.map(async ({ user, api }) => {
      while (running) {
        if (user.role === "PARTICIPANT") await participantTurn(api, world);
        else await researcherTurn(api, world, user);
        await new Promise((resolve) => setTimeout(resolve, THINK_MS * (1 + Math.random() * 2)));
      }
    });
    await new Promise((resolve) => setTimeout(resolve, WARMUP_S * 1000));
    const rssAfterWarmup = rssMb(server.pid!);
    const dbPid = databasePid(env.PGLITE_DIR);
    const dbCpu = () => (dbPid ? cpuSeconds(dbPid) : 0);
    const cpuBefore = { app: cpuSeconds(server.pid!), db: dbCpu() };
    measuring = true;
    await new Promise((resolve) => setTimeout(resolve, DURATION_S * 1000));
    measuring = false;
    const cpu = {
      app: cpuSeconds(server.pid!) - cpuBefore.app,
      db: dbCpu() - cpuBefore.db,
    };
    running = false;
    await Promise.all(loops);
    const rssAtEnd = rssMb(server.pid!);
    const dbRss = dbPid ? rssMb(dbPid) : 0;

    const drainStarted = performance.now();
    let backlog = Infinity;
    while (backlog > 0 && performance.now() - drainStarted < 120_000) {
      const health = (await (await fetch(`${BASE}/api/health`)).json()) as {
        outbox: { pending: number; sent: number };
      };
      backlog = health.outbox.pending + health.outbox.sent;
      if (backlog > 0) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const drainSeconds = Number(((performance.now() - drainStarted) / 1000).toFixed(1));
    const failed = (await (await fetch(`${BASE}/api/health`)).json()) as {
      outbox: { failed: number };
    };

    const reads = samples.filter((sample) => sample.kind === "read");
    const writes = samples.filter((sample) => sample.kind === "write");
    const errors = samples.filter((sample) => !sample.ok);
    for (const error of errors.slice(0, 5)) console.error(`error: ${error.name}: ${error.detail}`);
    const p99Read = Math.round(
      percentile(
        reads.map((sample) => sample.ms),
        99,
      ),
    );
    const growth = Number((((rssAtEnd - rssAfterWarmup) / rssAfterWarmup) * 100).toFixed(1));
    const byName = [...new Set(samples.map((sample) => sample.name))].sort();
    const rows = [
      ["measure", "value", "target"],
      [
        "users (participants + researchers)",
        `${users.length} (${USERS.participants} + ${USERS.researchers})`,
        "50",
      ],
      [
        "seed (listings, extracts)",
        `${world.listings.length}, ${world.extracts.length} in ${seedSeconds.toFixed(0)} s`,
        "",
      ],
      [
        "requests in the measured window",
        `${samples.length} (${(samples.length / DURATION_S).toFixed(0)}/s)`,
        "",
      ],
      ...byName.map((name) => {
        const of = samples.filter((sample) => sample.name === name).map((sample) => sample.ms);
        return [
          `  ${name}: count, p50 / p99 ms`,
          `${of.length}, ${Math.round(percentile(of, 50))} / ${Math.round(percentile(of, 99))}`,
          "",
        ];
      }),
      ["errors", String(errors.length), `0 ${errors.length === 0 ? "met" : "MISSED"}`],
      ["p99 of reads, ms", String(p99Read), `< 200 ${p99Read < 200 ? "met" : "MISSED"}`],
      [
        "p99 of writes, ms",
        String(
          Math.round(
            percentile(
              writes.map((sample) => sample.ms),
              99,
            ),
          ),
        ),
        "",
      ],
      [
        "server RSS after warm-up / at end, MB",
        `${rssAfterWarmup.toFixed(0)} / ${rssAtEnd.toFixed(0)}`,
        "",
      ],
      ["memory growth, %", String(growth), `<= 20 ${growth <= 20 ? "met" : "MISSED"}`],
      ["database server RSS at end, MB", dbRss.toFixed(0), ""],
      [
        "CPU in the measured window, s (app / database)",
        `${cpu.app.toFixed(1)} / ${cpu.db.toFixed(1)}`,
        "",
      ],
      [
        "outbox drained after the load, s",
        String(drainSeconds),
        `<= 30 ${drainSeconds <= 30 && backlog === 0 ? "met" : "MISSED"}`,
      ],
      ["outbox writes failed", String(failed.outbox.failed), ""],
    ];
    printTable(rows);
    console.log(
      JSON.stringify({
        requests: samples.length,
        errors: errors.length,
        p99_read_ms: p99Read,
        mem_growth_pct: growth,
        drain_seconds: backlog === 0 ? drainSeconds : null,
        app_cpu_s: Number(cpu.app.toFixed(1)),
        db_cpu_s: Number(cpu.db.toFixed(1)),
      }),
    );
  } finally {
    await stopApp(server);
    // The app's database server stops with it, a moment later.
    await waitForEmbeddedDatabaseToStop(path.join(work, "pglite")).catch(() => undefined);
    await chain.stop();
    await rm(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
