import { hexlify, keccak256, randomBytes, toUtf8Bytes, type Signer } from "ethers";
import { FORWARD_REQUEST_TYPES, forwarderDomain } from "~/server/chain/forward-request";
import {
  DataMarketplace__factory,
  ReentrantToken__factory,
  RewardToken__factory,
  TrialRegistry__factory,
  TrialShareForwarder__factory,
} from "~/server/generated/contracts";
import { buildCohortTree } from "~/server/integrity/cohort-items";
import { connect } from "./hre";

export const PURPOSE = {
  ACADEMIC: 0,
  COMMERCIAL: 1,
  DRUG_DEVELOPMENT: 2,
  AI_TRAINING: 3,
  PUBLIC_HEALTH: 4,
} as const;
export const DAY = 24 * 60 * 60;
export const TOKEN = 10n ** 18n;

export function hashOf(text: string): string {
  return keccak256(toUtf8Bytes(text));
}

export function salt(): string {
  return hexlify(randomBytes(32));
}

/**
 * Deploys the suite on a fresh in-process chain. Signers: admin (deployer, fee recipient),
 * operator (records data use), relayer (pays gas for forwarded requests), alice and bob
 * (participants), carol (researcher), mallory (anyone else). Carol holds tokens and has
 * approved the marketplace.
 */
export async function deploySuite(options: { reentrantToken?: boolean } = {}) {
  const { ethers, provider } = await connect();
  const [admin, operator, relayer, alice, bob, carol, mallory] = await ethers.getSigners();
  if (!admin || !operator || !relayer || !alice || !bob || !carol || !mallory)
    throw new Error("Hardhat should provide 7 accounts");
  const forwarder = await new TrialShareForwarder__factory(admin).deploy();
  const forwarderAddress = await forwarder.getAddress();
  const rewardToken = await new RewardToken__factory(admin).deploy(admin.address);
  const attackToken = options.reentrantToken
    ? await new ReentrantToken__factory(admin).deploy()
    : null;
  const tokenAddress = attackToken
    ? await attackToken.getAddress()
    : await rewardToken.getAddress();
  const token = RewardToken__factory.connect(tokenAddress, admin);
  const trialRegistry = await new TrialRegistry__factory(admin).deploy(
    forwarderAddress,
    tokenAddress,
  );
  const marketplace = await new DataMarketplace__factory(admin).deploy(
    forwarderAddress,
    tokenAddress,
    admin.address,
    operator.address,
  );
  const marketplaceAddress = await marketplace.getAddress();
  const chainId = Number((await ethers.provider.getNetwork()).chainId);

  for (const account of [carol, alice, bob, admin]) {
    await (await token.mint(account.address, 1_000_000n * TOKEN)).wait();
    await (await token.connect(account).approve(marketplaceAddress, 2n ** 255n)).wait();
    await (
      await token.connect(account).approve(await trialRegistry.getAddress(), 2n ** 255n)
    ).wait();
  }

  async function now(): Promise<number> {
    return (await ethers.provider.getBlock("latest"))!.timestamp;
  }

  async function increaseTime(seconds: number): Promise<void> {
    await provider.request({ method: "evm_increaseTime", params: [seconds] });
    await provider.request({ method: "evm_mine", params: [] });
  }

  function terms(
    overrides: Partial<{
      purposes: number;
      expiresAt: number;
      protocolVersion: number;
      autoApprove: boolean;
      termsHash: string;
    }> = {},
  ) {
    return {
      purposes: 1 << PURPOSE.ACADEMIC,
      expiresAt: 0,
      protocolVersion: 1,
      autoApprove: true,
      termsHash: hashOf("terms"),
      ...overrides,
    };
  }

  /** Creates a listing owned by `owner`; returns its id. */
  async function createListing(
    owner: Signer,
    options: { price?: bigint; autoApprove?: boolean; purposes?: number } = {},
  ) {
    const listingSalt = salt();
    const consent = terms({
      expiresAt: (await now()) + 365 * DAY,
      autoApprove: options.autoApprove ?? true,
      ...(options.purposes ? { purposes: options.purposes } : {}),
    });
    const receipt = await (
      await marketplace
        .connect(owner)
        .createListing(
          listingSalt,
          hashOf(`root-${listingSalt}`),
          hashOf("report"),
          options.price ?? 10n * TOKEN,
          consent,
        )
    ).wait();
    const id = await marketplace.listingIdFor(await owner.getAddress(), listingSalt);
    return { id, receipt };
  }

  /** Opens a request by `researcher` over `listingIds` (sorted here); returns id, items and tree. */
  async function openRequest(
    researcher: Signer,
    listingIds: string[],
    options: { purpose?: number; accessDays?: number } = {},
  ) {
    const sorted = [...listingIds].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
    const requestSalt = salt();
    const purpose = options.purpose ?? PURPOSE.ACADEMIC;
    const accessUntil = (await now()) + (options.accessDays ?? 30) * DAY;
    const prices = await Promise.all(
      sorted.map(async (id) => (await marketplace.getListing(id))[2]),
    );
    const tx = await marketplace
      .connect(researcher)
      .requestAccess(requestSalt, sorted, purpose, hashOf("plan"), accessUntil);
    const receipt = await tx.wait();
    const requestId = await marketplace.requestIdFor(await researcher.getAddress(), requestSalt);
    const items = sorted.map((listingId, index) => ({ listingId, price: prices[index]!, index }));
    const tree = buildCohortTree(items);
    return {
      requestId,
      items,
      tree,
      receipt,
      proof: (index: number) => tree.getProof(index),
      accessUntil,
      purpose,
    };
  }

  /** Signs `data` for `to` as `signer`; returns what the relayer submits to the forwarder. */
  async function signForward(
    signer: Signer,
    to: string,
    data: string,
    overrides: { deadline?: number; nonce?: bigint; gas?: bigint } = {},
  ) {
    const from = await signer.getAddress();
    const message = {
      from,
      to,
      value: 0n,
      gas: overrides.gas ?? 1_000_000n,
      nonce: overrides.nonce ?? (await forwarder.nonces(from)),
      deadline: overrides.deadline ?? (await now()) + 3_600,
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
    operator,
    relayer,
    alice,
    bob,
    carol,
    mallory,
    forwarder,
    token,
    attackToken,
    trialRegistry,
    marketplace,
    marketplaceAddress,
    now,
    increaseTime,
    terms,
    createListing,
    openRequest,
    signForward,
  };
}

export type Suite = Awaited<ReturnType<typeof deploySuite>>;
