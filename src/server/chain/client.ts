import "server-only";
import { FetchRequest, JsonRpcProvider, Wallet } from "ethers";
import { getEnv } from "~/env";
import { AppError } from "~/server/errors";
import {
  DataMarketplace__factory,
  RewardToken__factory,
  TrialRegistry__factory,
  TrialShareForwarder__factory,
} from "~/server/generated/contracts";
import { readDeployment, type TDeployment } from "./deployments";

/**
 * The process's view of the chain: one provider, the relayer wallet, the deployment and
 * typed contract handles. Everything else reaches contracts through here.
 */
export type Chain = Awaited<ReturnType<typeof connectChain>>;

export function createProvider(
  rpcUrl: string,
  chainId?: number,
  timeoutMs = 10_000,
): JsonRpcProvider {
  // Batching adds ~10 ms per call against a local node and buys nothing for one-at-a-time use.
  // Once the chain id is known it is fixed: no network detection before each call, and a node
  // outage fails calls at once instead of retrying detection in the background. A hung node
  // fails them after `timeoutMs` (ethers would wait five minutes).
  const request = new FetchRequest(rpcUrl);
  request.timeout = timeoutMs;
  return new JsonRpcProvider(request, chainId, {
    batchMaxCount: 1,
    cacheTimeout: -1,
    staticNetwork: chainId !== undefined,
  });
}

export async function connectChain(
  options: { rpcUrl?: string; deploymentsDir?: string; timeoutMs?: number } = {},
) {
  const env = getEnv();
  const rpcUrl = options.rpcUrl ?? env.CHAIN_RPC_URL;
  const timeoutMs = options.timeoutMs ?? env.CHAIN_RPC_TIMEOUT_MS;
  const probe = createProvider(rpcUrl, undefined, timeoutMs);
  let chainId: number;
  try {
    chainId = Number((await probe.getNetwork()).chainId);
  } catch (error) {
    throw new AppError("UNAVAILABLE", "The blockchain node is not reachable; try again shortly.", {
      cause: error,
    });
  } finally {
    probe.destroy();
  }
  const provider = createProvider(rpcUrl, chainId, timeoutMs);
  const deployment = await readDeployment(chainId, options.deploymentsDir);
  if (!deployment) {
    provider.destroy();
    throw new AppError(
      "UNAVAILABLE",
      `No contracts are deployed for chain ${chainId}: run "npm run dev" locally, or deploy and commit deployments/${chainId}.json.`,
    );
  }
  const relayer = new Wallet(env.RELAYER_PRIVATE_KEY, provider);
  return { provider, chainId, deployment, relayer, contracts: bindContracts(deployment, relayer) };
}

export function bindContracts(deployment: TDeployment, runner: Wallet | JsonRpcProvider) {
  const { contracts } = deployment;
  return {
    forwarder: TrialShareForwarder__factory.connect(contracts.TrialShareForwarder, runner),
    token: RewardToken__factory.connect(contracts.RewardToken, runner),
    trialRegistry: TrialRegistry__factory.connect(contracts.TrialRegistry, runner),
    marketplace: DataMarketplace__factory.connect(contracts.DataMarketplace, runner),
  };
}

const globalForChain = globalThis as { __trialshareChain?: Promise<Chain> };

/** The shared connection; a failed connect is forgotten so the next call retries. */
export function getChain(): Promise<Chain> {
  if (!globalForChain.__trialshareChain) {
    const pending = connectChain();
    pending.catch(() => {
      if (globalForChain.__trialshareChain === pending)
        globalForChain.__trialshareChain = undefined;
    });
    globalForChain.__trialshareChain = pending;
  }
  return globalForChain.__trialshareChain;
}

export function setChain(chain: Chain | undefined): void {
  globalForChain.__trialshareChain = chain ? Promise.resolve(chain) : undefined;
}

export async function disconnectChain(): Promise<void> {
  const pending = globalForChain.__trialshareChain;
  globalForChain.__trialshareChain = undefined;
  const chain = await pending?.catch(() => undefined);
  chain?.provider.destroy();
}
