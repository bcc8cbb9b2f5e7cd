/**
 * `npm run --silent bench:session`: what checking a session costs on every request. Serves
 * the production build with `next start` on an embedded database and sends, with 10
 * connections, a fixed number of each: `account.me` signed in (decode the JWT, check the
 * user's session version, answer), the same with a different user each request (so the
 * version is read from the database every time, never from the process's few-second memory),
 * `system.ping` signed in (session work, no procedure work) and `system.ping` anonymous (no
 * session work: the yardstick).
 * Besides req/s it reports the server's own CPU time per request (from /proc), which a busy
 * shared machine disturbs far less than throughput. BENCH_SMOKE=1: 200 requests each, and the
 * existing build when there is one. Last line: JSON.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
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

const isSmoke = process.env.BENCH_SMOKE === "1";
const REQUESTS_EACH = isSmoke ? 200 : 4_000;
/** Clock ticks per second of /proc's CPU times (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;
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
    sql.exec(`INSERT INTO "User" (id, role, "displayName", "walletAddress")
      SELECT 'bench-user-' || g, 'RESEARCHER', 'Bench user ' || g, '0x' || lpad(to_hex(g), 40, '0')
      FROM generate_series(0, ${REQUESTS_EACH * 2}) AS g`),
  );
  await database.close();
}

/** User + system CPU milliseconds the server process has used so far. */
function serverCpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  // After "pid (comm) ", utime and stime are the 12th and 13th fields.
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
}

/** `cookie`: one for every request, or a different one for each request in turn. */
async function load(pid: number, url: string, cookie?: string | string[]) {
  const cpuBefore = serverCpuMs(pid);
  let sent = 0;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    autocannon(
      {
        url,
        connections: 10,
        amount: REQUESTS_EACH,
        // A smoke run only checks that the benchmark works: a busy machine may answer slowly.
        timeout: isSmoke ? 600 : 10,
        headers: typeof cookie === "string" ? { cookie } : {},
        requests: Array.isArray(cookie)
          ? [
              {
                setupRequest: (request) => ({
                  ...request,
                  headers: { ...request.headers, cookie: cookie[sent++ % cookie.length]! },
                }),
              },
            ]
          : undefined,
      },
      (error, done) =>
        error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve(done),
    );
  });
  return { result, cpuMsPerRequest: (serverCpuMs(pid) - cpuBefore) / REQUESTS_EACH };
}

async function main() {
  const work = await mkdtemp(path.join(tmpdir(), "bench-session-"));
  const chain = await startLocalChain({ port: await portFromEnv("BENCH_CHAIN_PORT"), quiet: true });
  let server: ChildProcess | undefined;
  try {
    const provider = localProvider(chain.rpcUrl);
    await deployContracts(new Wallet(HARDHAT_ACCOUNT_0, provider), path.join(work, "deployments"));
    provider.destroy();
    await seed(path.join(work, "pglite"));
    const base = `http://localhost:${PORT}`;
    const env = {
      ...process.env,
      NODE_ENV: "production" as const,
      NEXT_TELEMETRY_DISABLED: "1",
      PGLITE_DIR: path.join(work, "pglite"),
      BLOB_DIR: path.join(work, "blobs"),
      DEPLOYMENTS_DIR: path.join(work, "deployments"),
      CHAIN_RPC_URL: chain.rpcUrl,
      CHAIN_CONFIRMATIONS: "0",
      APP_URL: base,
      NEXTAUTH_SECRET: SECRET,
      MASTER_KEY: "22".repeat(32),
      RELAYER_PRIVATE_KEY: HARDHAT_ACCOUNT_0,
      RUN_WORKERS: "false",
      LOG_LEVEL: "warn",
    };
    const next = path.join(root, "node_modules/next/dist/bin/next");
    const hasBuild = existsSync(path.join(root, ".next/BUILD_ID"));
    if (process.env.BENCH_SKIP_BUILD !== "1" && !(isSmoke && hasBuild))
      execFileSync(process.execPath, [next, "build"], { cwd: root, env, stdio: "ignore" });
    server = spawn(process.execPath, [next, "start", "--port", String(PORT)], {
      cwd: root,
      env,
      stdio: ["ignore", "ignore", "inherit"],
    });
    await waitForHealth(`${base}/api/health`, server, 180_000);

    const cookieOf = async (index: number) =>
      `next-auth.session-token=${await encode({
        token: {
          sub: `bench-user-${index}`,
          role: "RESEARCHER",
          walletAddress: `0x${index.toString(16).padStart(40, "0")}`,
          displayName: `Bench user ${index}`,
          sessionVersion: 0,
        },
        secret: SECRET,
      })}`;
    const cookie = await cookieOf(0);
    const everyUser = await Promise.all(
      Array.from({ length: REQUESTS_EACH * 2 }, (_, index) => cookieOf(index + 1)),
    );
    const meUrl = `${base}/api/trpc/account.me`;
    const pingUrl = `${base}/api/trpc/system.ping`;
    // Retried: a kept-alive socket the server has just closed fails the first fetch at times.
    const check = await fetch(meUrl, { headers: { cookie } }).catch(() =>
      fetch(meUrl, { headers: { cookie } }),
    );
    if (!check.ok) throw new Error(`account.me failed: ${check.status} ${await check.text()}`);

    const pid = server.pid!;
    // One round first, unmeasured (its users are not used again): the routes warm up.
    await load(pid, meUrl, everyUser.slice(REQUESTS_EACH));
    const anonymous = await load(pid, pingUrl);
    const ping = await load(pid, pingUrl, cookie);
    const me = await load(pid, meUrl, cookie);
    const newUsers = await load(pid, meUrl, everyUser.slice(0, REQUESTS_EACH));
    const runs = [anonymous, ping, me, newUsers];
    const failures = runs.reduce((sum, run) => sum + run.result.errors + run.result.non2xx, 0);
    if (failures > 0) throw new Error(`${failures} requests failed under load`);
    const row = (name: string, run: (typeof runs)[number]) => [
      name,
      run.cpuMsPerRequest.toFixed(2),
      String(Math.round(run.result.requests.average)),
      String(run.result.latency.p50),
      String(run.result.latency.p99),
    ];
    printTable([
      [
        `request (${REQUESTS_EACH} each, 10 connections)`,
        "server CPU ms/req",
        "req/s",
        "p50 ms",
        "p99 ms",
      ],
      row("system.ping, anonymous", anonymous),
      row("system.ping, signed in", ping),
      row("account.me, signed in", me),
      row("account.me, a new user each request", newUsers),
    ]);
    console.log(
      JSON.stringify({
        requests_each: REQUESTS_EACH,
        anonymous_ping_cpu_ms: Number(anonymous.cpuMsPerRequest.toFixed(3)),
        session_ping_cpu_ms: Number(ping.cpuMsPerRequest.toFixed(3)),
        session_me_cpu_ms: Number(me.cpuMsPerRequest.toFixed(3)),
        session_me_new_user_cpu_ms: Number(newUsers.cpuMsPerRequest.toFixed(3)),
        session_me_rps: Math.round(me.result.requests.average),
        session_me_p99_ms: me.result.latency.p99,
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
