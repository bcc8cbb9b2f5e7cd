import type { Signer } from "ethers";
import {
  DataMarketplace__factory,
  RewardToken__factory,
  TrialRegistry__factory,
  TrialShareForwarder__factory,
} from "~/server/generated/contracts";
import { FORWARD_REQUEST_TYPES, forwarderDomain } from "~/server/chain/forward-request";
import { connect } from "./hre";

/** Deploys the suite on a fresh in-process chain; signers: admin, relayer, alice, bob. */
export async function deploySuite() {
  const { ethers, provider } = await connect();
  const [admin, relayer, alice, bob] = await ethers.getSigners();
  if (!admin || !relayer || !alice || !bob) throw new Error("Hardhat should provide test accounts");
  const forwarder = await new TrialShareForwarder__factory(admin).deploy();
  const forwarderAddress = await forwarder.getAddress();
  const token = await new RewardToken__factory(admin).deploy(admin.address);
  const trialRegistry = await new TrialRegistry__factory(admin).deploy(forwarderAddress);
  const marketplace = await new DataMarketplace__factory(admin).deploy(forwarderAddress);
  const chainId = Number((await ethers.provider.getNetwork()).chainId);

  /** Signs `data` for `to` as `signer` and returns the request the relayer submits. */
  async function signForward(
    signer: Signer,
    to: string,
    data: string,
    overrides: { deadline?: number; nonce?: bigint } = {},
  ) {
    const from = await signer.getAddress();
    const block = await ethers.provider.getBlock("latest");
    const message = {
      from,
      to,
      value: 0n,
      gas: 300_000n,
      nonce: overrides.nonce ?? (await forwarder.nonces(from)),
      deadline: overrides.deadline ?? block!.timestamp + 3_600,
      data,
    };
    const types = { ForwardRequest: [...FORWARD_REQUEST_TYPES.ForwardRequest] };
    const signature = await signer.signTypedData(
      forwarderDomain(chainId, forwarderAddress),
      types,
      message,
    );
    const { nonce: _nonce, ...request } = message;
    return { ...request, signature };
  }

  return {
    ethers,
    provider,
    admin,
    relayer,
    alice,
    bob,
    forwarder,
    token,
    trialRegistry,
    marketplace,
    signForward,
  };
}
