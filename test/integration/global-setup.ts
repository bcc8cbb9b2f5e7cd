import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Wallet } from "ethers";
import type { TestProject } from "vitest/node";
import { deployContracts } from "~/server/chain/deploy";
import { openDatabase } from "~/server/db";
import { dumpEmbeddedDatabase, startEmbeddedDatabase } from "~/server/embedded/start-database";
import { applyMigrations } from "~/server/migrate";
import { localProvider, startLocalChain } from "../../scripts/local-chain";
import { portFromEnv } from "../../scripts/free-port";

/** One real local node (Anvil) for all integration files, with the contracts deployed fresh. */
const HARDHAT_ACCOUNT_0 = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

export async function startTestChain(port: number) {
  const chain = await startLocalChain({ port, quiet: true });
  const deploymentsDir = await mkdtemp(path.join(tmpdir(), "trialshare-deployments-"));
  const blobDir = await mkdtemp(path.join(tmpdir(), "trialshare-blobs-"));
  const provider = localProvider(chain.rpcUrl);
  try {
    await deployContracts(new Wallet(HARDHAT_ACCOUNT_0, provider), deploymentsDir);
  } catch (error) {
    await chain.stop();
    throw error;
  } finally {
    provider.destroy();
  }
  return {
    rpcUrl: chain.rpcUrl,
    pid: chain.process.pid!,
    deploymentsDir,
    blobDir,
    stop: async () => {
      await chain.stop();
      await rm(deploymentsDir, { recursive: true, force: true });
      await rm(blobDir, { recursive: true, force: true });
    },
  };
}

/**
 * An embedded database with the migrations applied, copied once: each file's database server
 * starts from the copy instead of running initdb and the migrations again.
 */
async function createDatabaseTemplate(): Promise<{ file: string; remove(): Promise<void> }> {
  const work = await mkdtemp(path.join(tmpdir(), "trialshare-db-template-"));
  const server = await startEmbeddedDatabase({ dataDir: path.join(work, "pglite") });
  try {
    const database = openDatabase({ databaseUrl: server.url });
    await applyMigrations(database);
    await database.close();
    const file = path.join(work, "template.tar.gz");
    await writeFile(file, await dumpEmbeddedDatabase(server.info));
    return { file, remove: () => rm(work, { recursive: true, force: true }) };
  } finally {
    await server.stop();
  }
}

/** What each test file's harness needs (process.env is not shared between projects). */
export function provideTestChain(
  project: TestProject,
  chain: Awaited<ReturnType<typeof startTestChain>>,
  postgresUrl: string,
  databaseTemplate = "",
) {
  project.provide("chainRpcUrl", chain.rpcUrl);
  project.provide("chainPid", chain.pid);
  project.provide("deploymentsDir", chain.deploymentsDir);
  project.provide("blobDir", chain.blobDir);
  project.provide("postgresUrl", postgresUrl);
  project.provide("databaseTemplate", databaseTemplate);
}

export default async function setup(project: TestProject) {
  const [chain, template] = await Promise.all([
    startTestChain(await portFromEnv("TEST_CHAIN_PORT")),
    createDatabaseTemplate(),
  ]);
  provideTestChain(project, chain, "", template.file);
  return async () => {
    await chain.stop();
    await template.remove();
  };
}

declare module "vitest" {
  // Module augmentation merges only with an interface.
  // eslint-disable-next-line @typescript-eslint/consistent-type-definitions
  export interface ProvidedContext {
    chainRpcUrl: string;
    /** The node's process, for tests that freeze it. */
    chainPid: number;
    deploymentsDir: string;
    blobDir: string;
    /** Admin URL of the PostgreSQL server of the PostgreSQL pass; "" for embedded PGlite. */
    postgresUrl: string;
    /** A migrated embedded database to start each file's from ("" in the PostgreSQL pass). */
    databaseTemplate: string;
  }
}
