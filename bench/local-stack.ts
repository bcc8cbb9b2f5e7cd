/**
 * The real stack a benchmark drives, without vitest: a local chain with the contracts deployed,
 * the embedded database (in memory), encrypted blobs in a temp folder, and the integration
 * tests' harness (procedures, signed actions, outbox and indexer). All of it is registered with
 * the benchmark's cleanup, so it stops on success, failure or a signal.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Wallet } from "ethers";
import { deployContracts } from "~/server/chain/deploy";
import { localProvider, startLocalChain } from "../scripts/local-chain";
import { portFromEnv } from "../scripts/free-port";
import { createHarness, type HarnessStack } from "../test/integration/harness";
import type { createCleanup } from "./cleanup";

const HARDHAT_ACCOUNT_0 = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

/**
 * The node sometimes drops a kept-alive connection just as the deploy's last one is reused
 * ("socket hang up" on the first call); a second try on a fresh connection goes through.
 */
async function connectHarness(stack: HarnessStack) {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await createHarness({ stack });
    } catch (error) {
      if (
        attempt >= 3 ||
        !(error instanceof Error && "code" in error && error.code === "UNAVAILABLE")
      )
        throw error;
    }
  }
}

export async function startBenchStack(cleanup: ReturnType<typeof createCleanup>, name: string) {
  const work = cleanup.add(
    "work folder",
    await mkdtemp(path.join(tmpdir(), `bench-${name}-`)),
    (dir) => rm(dir, { recursive: true, force: true }),
  );
  const chain = cleanup.add(
    "local chain",
    await startLocalChain({ port: await portFromEnv("BENCH_CHAIN_PORT"), quiet: true }),
    (started) => started.stop(),
  );
  Object.assign(process.env, { PGLITE_DIR: "memory://", LOG_LEVEL: "silent" });
  const deploymentsDir = path.join(work, "deployments");
  const provider = localProvider(chain.rpcUrl);
  await deployContracts(new Wallet(HARDHAT_ACCOUNT_0, provider), deploymentsDir);
  provider.destroy();
  const stack = {
    chainRpcUrl: chain.rpcUrl,
    deploymentsDir,
    blobDir: path.join(work, "blobs"),
    postgresUrl: "",
  };
  return cleanup.add("database and workers", await connectHarness(stack), (started) =>
    started.close(),
  );
}
