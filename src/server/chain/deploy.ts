import "server-only";
import { type JsonRpcProvider, NonceManager, type Wallet } from "ethers";
import {
  DataMarketplace__factory,
  RewardToken__factory,
  TrialRegistry__factory,
  TrialShareForwarder__factory,
} from "~/server/generated/contracts";
import { readDeployment, writeDeployment, type TDeployment } from "./deployments";

/**
 * Deploys the contract suite and writes deployments/<chainId>.json. Used by `npm run dev`
 * and the tests against a local node; production deploys run the same function once.
 */
export async function deployContracts(
  deployer: Wallet,
  directory?: string,
  operator: string = deployer.address,
): Promise<TDeployment> {
  const provider = deployer.provider as JsonRpcProvider;
  const chainId = Number((await provider.getNetwork()).chainId);
  const signer = new NonceManager(deployer);
  const startBlock = await provider.getBlockNumber();

  const forwarder = await new TrialShareForwarder__factory(signer).deploy();
  const token = await new RewardToken__factory(signer).deploy(deployer.address);
  const forwarderAddress = await forwarder.getAddress();
  const tokenAddress = await token.getAddress();
  const trialRegistry = await new TrialRegistry__factory(signer).deploy(
    forwarderAddress,
    tokenAddress,
  );
  // The deployer administers the marketplace (a two-step admin role) and receives fees; the
  // relayer is the operator that records data use (the admin can replace it).
  const marketplace = await new DataMarketplace__factory(signer).deploy(
    forwarderAddress,
    tokenAddress,
    await trialRegistry.getAddress(),
    deployer.address,
    operator,
    deployer.address,
  );
  await Promise.all(
    [forwarder, token, trialRegistry, marketplace].map((contract) => contract.waitForDeployment()),
  );
  // The registry tells the marketplace of amendments, re-consents and withdrawals.
  await (
    await trialRegistry.connect(signer).bindMarketplace(await marketplace.getAddress())
  ).wait();

  const deployment: TDeployment = {
    chainId,
    startBlock: startBlock + 1,
    deployedAt: new Date().toISOString(),
    contracts: {
      TrialShareForwarder: forwarderAddress,
      RewardToken: tokenAddress,
      TrialRegistry: await trialRegistry.getAddress(),
      DataMarketplace: await marketplace.getAddress(),
    },
  };
  await writeDeployment(deployment, directory);
  return deployment;
}

/** True when every contract of the recorded deployment has code on this chain. */
export async function isDeploymentLive(
  provider: JsonRpcProvider,
  directory?: string,
): Promise<boolean> {
  const chainId = Number((await provider.getNetwork()).chainId);
  const deployment = await readDeployment(chainId, directory);
  if (!deployment) return false;
  const codes = await Promise.all(
    Object.values(deployment.contracts).map((address) => provider.getCode(address)),
  );
  return codes.every((code) => code !== "0x");
}
