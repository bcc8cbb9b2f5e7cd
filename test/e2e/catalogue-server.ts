import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Wallet } from "ethers";
import { deployContracts } from "~/server/chain/deploy";
import { stopApp, waitForHealth } from "../../scripts/app-process";
import { portFromEnv } from "../../scripts/free-port";
import { localProvider } from "../../scripts/local-chain";
import { seedCatalogueSample } from "./catalogue-sample";

/**
 * An app of its own for the catalogue's browser test (the build the global setup made, the same
 * chain, contracts and database of its own), so its sample listings, which are not on chain,
 * never reach the other journeys' audit. It starts once to seed the demo data, then again with
 * the sample added (the embedded database has one process at a time).
 */
const root = path.resolve(import.meta.dirname, "../..");
// The local node's account #9: no other test signs with it.
const DEPLOYER = "0x2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6";

export async function startCatalogueServer(chainRpcUrl: string) {
  const work = await mkdtemp(path.join(tmpdir(), "trialshare-catalogue-e2e-"));
  const port = await portFromEnv("E2E_CATALOGUE_PORT");
  const appUrl = `http://localhost:${port}`;
  const env = {
    ...process.env,
    NODE_ENV: "production" as const,
    NEXT_TELEMETRY_DISABLED: "1",
    CHAIN_RPC_URL: chainRpcUrl,
    DEPLOYMENTS_DIR: path.join(work, "deployments"),
    PGLITE_DIR: path.join(work, "pglite"),
    BLOB_DIR: path.join(work, "blobs"),
    APP_URL: appUrl,
    NEXTAUTH_URL: appUrl,
    NEXTAUTH_SECRET: "e2e-catalogue-secret-at-least-thirty-two-characters",
    MASTER_KEY: "33".repeat(32),
    RELAYER_PRIVATE_KEY: DEPLOYER,
    SEED_DEMO: "true",
    CHAIN_CONFIRMATIONS: "0",
    OUTBOX_POLL_MS: "200",
    INDEXER_POLL_MS: "200",
    LOG_LEVEL: "warn",
  };
  let server: ChildProcess | undefined;
  const start = async () => {
    server = spawn(
      process.execPath,
      [path.join(root, "node_modules/next/dist/bin/next"), "start", "--port", String(port)],
      { cwd: root, env, stdio: ["ignore", "ignore", "inherit"] },
    );
    // The first start seeds the demo data on chain: minutes on a busy machine.
    await waitForHealth(`${appUrl}/api/health`, server, 600_000);
  };
  const stop = async () => {
    await stopApp(server);
    // The embedded database server stops on its own after the app and may still be writing.
    await rm(work, { recursive: true, force: true, maxRetries: 50, retryDelay: 100 });
  };
  try {
    const provider = localProvider(chainRpcUrl);
    await deployContracts(new Wallet(DEPLOYER, provider), env.DEPLOYMENTS_DIR);
    provider.destroy();
    await start();
    await stopApp(server);
    await seedCatalogueSample(env.PGLITE_DIR);
    await start();
  } catch (error) {
    await stop();
    throw error;
  }
  return { appUrl, stop };
}
