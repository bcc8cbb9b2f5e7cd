/**
 * `npm run --silent bench:session`: what checking a session costs on every request. Serves
 * the production build with `next start` on an embedded database and drives, with 10
 * connections each: `account.me` signed in (decode the JWT, check the user's session version
 * in the database, answer), `system.ping` signed in (the same session work, no procedure
 * work) and `system.ping` anonymous (no session work: the yardstick). BENCH_SMOKE=1: one
 * second each, and the existing build when there is one. Last line: JSON.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
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
const DURATION_SECONDS = isSmoke ? 1 : 15;
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
      VALUES ('bench-user', 'RESEARCHER', 'Bench user', '0x00000000000000000000000000000000000000b3')`),
  );
  await database.close();
}

function load(url: string, cookie?: string) {
  return new Promise<autocannon.Result>((resolve, reject) => {
    autocannon(
      {
        url,
        connections: 10,
        duration: DURATION_SECONDS,
        headers: cookie ? { cookie } : {},
      },
      (error, result) =>
        error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve(result),
    );
  });
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

    const token = await encode({
      token: {
        sub: "bench-user",
        role: "RESEARCHER",
        walletAddress: "0x00000000000000000000000000000000000000b3",
        displayName: "Bench user",
        sessionVersion: 0,
      },
      secret: SECRET,
    });
    const cookie = `next-auth.session-token=${token}`;
    const meUrl = `${base}/api/trpc/account.me`;
    const pingUrl = `${base}/api/trpc/system.ping`;
    const check = await fetch(meUrl, { headers: { cookie } });
    if (!check.ok) throw new Error(`account.me failed: ${check.status} ${await check.text()}`);

    const anonymous = await load(pingUrl);
    const ping = await load(pingUrl, cookie);
    const me = await load(meUrl, cookie);
    const failures = [anonymous, ping, me].reduce((sum, run) => sum + run.errors + run.non2xx, 0);
    if (failures > 0) throw new Error(`${failures} requests failed under load`);
    const row = (name: string, run: autocannon.Result) => [
      name,
      String(Math.round(run.requests.average)),
      String(run.latency.p50),
      String(run.latency.p99),
    ];
    printTable([
      ["request (10 connections)", "req/s", "p50 ms", "p99 ms"],
      row("system.ping, anonymous", anonymous),
      row("system.ping, signed in", ping),
      row("account.me, signed in", me),
    ]);
    console.log(
      JSON.stringify({
        seconds_each: DURATION_SECONDS,
        anonymous_ping_rps: Math.round(anonymous.requests.average),
        session_ping_rps: Math.round(ping.requests.average),
        session_me_rps: Math.round(me.requests.average),
        session_me_p99_ms: me.latency.p99,
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
