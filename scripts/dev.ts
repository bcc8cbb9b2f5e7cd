/**
 * `npm run dev`: the whole stack on one machine. Starts a local Hardhat node (unless
 * CHAIN_RPC_URL is set), deploys the contracts when needed, then starts Next.js, which
 * migrates the database, seeds the demo data and runs the chain workers. Ctrl-C stops all.
 */
import { spawn } from "node:child_process";
import { rm } from "node:fs/promises";
import path from "node:path";
import { Wallet } from "ethers";
import { getEnv } from "~/env";
import { deployContracts, isDeploymentLive } from "~/server/chain/deploy";
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from "~/server/seed/demo-accounts";
import { localProvider, startLocalChain, type LocalChain } from "./local-chain";

const root = path.resolve(import.meta.dirname, "..");
const port = Number(process.env.PORT ?? 3000);
const startedAt = Date.now();

function say(message: string) {
  console.log(`[dev] ${message}`);
}

async function main() {
  let chain: LocalChain | undefined;
  let rpcUrl = process.env.CHAIN_RPC_URL;
  if (!rpcUrl) {
    chain = await startLocalChain({ port: Number(process.env.CHAIN_PORT ?? 8545) });
    rpcUrl = chain.rpcUrl;
    say(`local Hardhat node on ${rpcUrl}`);
    if (!process.env.DATABASE_URL) {
      // The local node starts empty every time, so the embedded database that indexed the
      // previous chain would point at nothing: start it fresh too.
      const env = getEnv();
      await rm(path.resolve(root, env.PGLITE_DIR), { recursive: true, force: true });
      await rm(path.resolve(root, env.BLOB_DIR), { recursive: true, force: true });
    }
  }
  const provider = localProvider(rpcUrl);
  if (!(await isDeploymentLive(provider))) {
    const deployment = await deployContracts(new Wallet(getEnv().RELAYER_PRIVATE_KEY, provider));
    say(`contracts deployed on chain ${deployment.chainId}`);
  }
  provider.destroy();

  const next = spawn(
    process.execPath,
    [path.join(root, "node_modules/next/dist/bin/next"), "dev", "--port", String(port)],
    {
      cwd: root,
      stdio: "inherit",
      env: {
        ...process.env,
        CHAIN_RPC_URL: rpcUrl,
        SEED_DEMO: process.env.SEED_DEMO ?? "true",
        NEXT_TELEMETRY_DISABLED: "1",
      },
    },
  );

  let isStopping = false;
  const stop = async (code: number) => {
    if (isStopping) return;
    isStopping = true;
    say("stopping…");
    if (next.exitCode === null) {
      next.kill("SIGTERM");
      await new Promise((resolve) => {
        const timer = setTimeout(() => {
          next.kill("SIGKILL");
          resolve(undefined);
        }, 15_000);
        next.once("exit", () => {
          clearTimeout(timer);
          resolve(undefined);
        });
      });
    }
    await chain?.stop();
    say("stopped");
    process.exit(code);
  };
  process.on("SIGINT", () => void stop(0));
  process.on("SIGTERM", () => void stop(0));
  next.once("exit", (code) => void stop(code ?? 1));

  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline && !isStopping) {
    try {
      const response = await fetch(`http://localhost:${port}/api/health`);
      if (response.ok) {
        say(`ready in ${Math.round((Date.now() - startedAt) / 1000)} s: http://localhost:${port}`);
        say(
          `demo accounts (password "${DEMO_PASSWORD}"): ${DEMO_ACCOUNTS.map((account) => account.email).join(", ")}`,
        );
        return;
      }
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  if (!isStopping) say("the app did not report healthy within 3 minutes; see the log above.");
}

main().catch((error: unknown) => {
  console.error(`[dev] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
