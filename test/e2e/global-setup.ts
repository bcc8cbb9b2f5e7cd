import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { appendFileSync, existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Wallet } from "ethers";
import type { TestProject } from "vitest/node";
import { deployContracts } from "~/server/chain/deploy";
import { waitForEmbeddedDatabaseToStop } from "~/server/embedded/start-database";
import { waitForHealth } from "../../scripts/app-process";
import { localProvider, startLocalChain } from "../../scripts/local-chain";
import { freePort, portFromEnv } from "../../scripts/free-port";
import { startMailCatcher } from "../../scripts/mail-catcher";

/**
 * The real app for browser tests: a fresh local chain with the contracts, a production build
 * served by `next start` on an empty embedded database seeded with the demo data.
 */
const root = path.resolve(import.meta.dirname, "../..");
const HARDHAT_ACCOUNT_0 = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export default async function setup(project: TestProject) {
  if (!existsSync(CHROMIUM_PATH)) {
    project.provide("e2eSkipReason", `no Chromium at ${CHROMIUM_PATH} (apt-get install chromium)`);
    return;
  }
  const port = await portFromEnv("E2E_PORT");
  const appUrl = `http://localhost:${port}`;
  const chain = await startLocalChain({
    port: await portFromEnv("E2E_CHAIN_PORT"),
    quiet: true,
  });
  const work = await mkdtemp(path.join(tmpdir(), "trialshare-e2e-"));
  const appLog = path.join(work, "app.log");
  // The app's emails go to a real SMTP server whose messages tests read from this folder.
  const mailDir = path.join(work, "mail");
  const mailCatcher = await startMailCatcher({ port: await freePort(), folder: mailDir });

  const env = {
    ...process.env,
    NODE_ENV: "production" as const,
    NEXT_TELEMETRY_DISABLED: "1",
    CHAIN_RPC_URL: chain.rpcUrl,
    DEPLOYMENTS_DIR: path.join(work, "deployments"),
    PGLITE_DIR: path.join(work, "pglite"),
    BLOB_DIR: path.join(work, "blobs"),
    APP_URL: appUrl,
    NEXTAUTH_URL: appUrl,
    NEXTAUTH_SECRET: "e2e-secret-that-is-at-least-thirty-two-characters",
    MASTER_KEY: "11".repeat(32),
    RELAYER_PRIVATE_KEY: HARDHAT_ACCOUNT_0,
    SEED_DEMO: "true",
    // The local node mines only when sent a transaction: a depth above 0 would never arrive.
    CHAIN_CONFIRMATIONS: "0",
    OUTBOX_POLL_MS: "200",
    INDEXER_POLL_MS: "200",
    SMTP_URL: mailCatcher.url,
    NOTIFY_POLL_MS: "500",
  };
  let server: ChildProcess | undefined;
  const teardown = async () => {
    if (server && server.exitCode === null) {
      const running = server;
      const exited = new Promise((resolve) => running.once("exit", resolve));
      running.kill("SIGTERM");
      const timer = setTimeout(() => running.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    }
    // The app's database server stops with it, a moment later.
    await waitForEmbeddedDatabaseToStop(env.PGLITE_DIR);
    await chain.stop();
    await mailCatcher.close();
    await rm(work, { recursive: true, force: true, maxRetries: 50, retryDelay: 100 });
  };
  try {
    const provider = localProvider(chain.rpcUrl);
    await deployContracts(new Wallet(HARDHAT_ACCOUNT_0, provider), env.DEPLOYMENTS_DIR);
    provider.destroy();
    if (process.env.E2E_SKIP_BUILD !== "1") {
      const next = path.join(root, "node_modules/next/dist/bin/next");
      execFileSync(process.execPath, [next, "build"], { cwd: root, env, stdio: "inherit" });
    }
    server = spawn(
      process.execPath,
      [path.join(root, "node_modules/next/dist/bin/next"), "start", "--port", String(port)],
      { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] },
    );
    // Shown as usual, and kept so a test can check that nothing secret or personal is logged.
    for (const [stream, echo] of [
      [server.stdout, process.stdout],
      [server.stderr, process.stderr],
    ] as const) {
      stream?.on("data", (chunk: Buffer) => {
        echo.write(chunk);
        appendFileSync(appLog, chunk);
      });
    }
    // Migrations, the demo seed on chain and the first request: minutes on a busy machine.
    await waitForHealth(`${appUrl}/api/health`, server, 20 * 60_000);
  } catch (error) {
    await teardown();
    throw error;
  }
  project.provide("e2eSkipReason", "");
  project.provide("appUrl", appUrl);
  project.provide("chainRpcUrl", chain.rpcUrl);
  project.provide("appLog", appLog);
  project.provide("mailDir", mailDir);
  project.provide("appSecrets", [env.NEXTAUTH_SECRET, env.MASTER_KEY, env.RELAYER_PRIVATE_KEY]);
  return teardown;
}

declare module "vitest" {
  // Module augmentation merges only with an interface.
  // eslint-disable-next-line @typescript-eslint/consistent-type-definitions
  export interface ProvidedContext {
    e2eSkipReason: string;
    appUrl: string;
    appLog: string;
    mailDir: string;
    appSecrets: string[];
    chainRpcUrl: string;
  }
}
