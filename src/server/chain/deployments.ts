import "server-only";
import { readFile, mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { getEnv } from "~/env";

/** deployments/<chainId>.json: where each contract lives on one chain. */
export const CONTRACT_NAMES = [
  "TrialShareForwarder",
  "RewardToken",
  "TrialRegistry",
  "DataMarketplace",
] as const;
export type ContractName = (typeof CONTRACT_NAMES)[number];

const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/);

export const ZDeploymentSchema = z.object({
  chainId: z.number().int().positive(),
  /** Block of the first deployment transaction: the indexer starts reading here. */
  startBlock: z.number().int().min(0),
  deployedAt: z.string(),
  contracts: z.object({
    TrialShareForwarder: address,
    RewardToken: address,
    TrialRegistry: address,
    DataMarketplace: address,
  }),
});
export type TDeployment = z.infer<typeof ZDeploymentSchema>;

export function deploymentPath(chainId: number, directory = getEnv().DEPLOYMENTS_DIR): string {
  return path.resolve(directory, `${chainId}.json`);
}

/** Where the embedded stack keeps the deployment on its own local chain, beside its state. */
export function localDeploymentsDir(env = getEnv()): string {
  return path.join(env.DATA_DIR, "deployments");
}

/**
 * The deployment for `chainId` from `directory`; by default from DEPLOYMENTS_DIR (deployments
 * to shared chains, committed), else from the embedded stack's own (its local chain's).
 */
export async function readDeployment(
  chainId: number,
  directory?: string,
): Promise<TDeployment | null> {
  if (directory) return readDeploymentFile(chainId, directory);
  return (
    (await readDeploymentFile(chainId, getEnv().DEPLOYMENTS_DIR)) ??
    (await readDeploymentFile(chainId, localDeploymentsDir()))
  );
}

async function readDeploymentFile(chainId: number, directory: string): Promise<TDeployment | null> {
  try {
    const raw = await readFile(deploymentPath(chainId, directory), "utf8");
    return ZDeploymentSchema.parse(JSON.parse(raw));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw new Error(`deployments/${chainId}.json is unreadable: ${(error as Error).message}`);
  }
}

export async function writeDeployment(deployment: TDeployment, directory?: string): Promise<void> {
  const file = deploymentPath(deployment.chainId, directory);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(deployment, null, 2)}\n`);
}
