import {
  hexlify,
  keccak256,
  randomBytes,
  toUtf8Bytes,
  Wallet,
  ZeroHash,
  type ContractTransactionResponse,
  type Signer,
} from "ethers";
import { FORWARD_REQUEST_TYPES, forwarderDomain } from "~/server/chain/forward-request";
import {
  INVITATION_TYPES,
  REDEMPTION_TYPES,
  trialRegistryDomain,
} from "~/server/chain/invitation-typed-data";
import {
  DataMarketplace__factory,
  FeeOnTransferToken__factory,
  ReentrantToken__factory,
  RewardToken__factory,
  TrialRegistry__factory,
  TrialShareForwarder__factory,
} from "~/server/generated/contracts";
import { buildCohortTree, settlementArgs } from "~/server/integrity/cohort-items";
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
export const ITEM = { EXCLUDED: 0n, PENDING: 1n, APPROVED: 2n, REJECTED: 3n, EXPIRED: 4n };

export function hashOf(text: string): string {
  return keccak256(toUtf8Bytes(text));
}

export function salt(): string {
  return hexlify(randomBytes(32));
}

export async function mined(send: Promise<ContractTransactionResponse>) {
  return (await send).wait();
}

/**
 * Deploys the suite on a fresh in-process chain. Signers: admin (deployer, fee recipient, a
 * sponsor), operator (records data use), relayer (pays gas for forwarded requests), alice and
 * bob (participants), carol (researcher), mallory (anyone else). Carol, alice, bob and admin
 * hold tokens and approved both contracts. `token: "reentrant" | "feeOnTransfer"` swaps in an
 * adversarial token.
 */
export async function deploySuite(options: { token?: "reentrant" | "feeOnTransfer" } = {}) {
  const { ethers, provider } = await connect();
  const [admin, operator, relayer, alice, bob, carol, mallory] = await ethers.getSigners();
  if (!admin || !operator || !relayer || !alice || !bob || !carol || !mallory)
    throw new Error("Hardhat should provide 7 accounts");
  const forwarder = await new TrialShareForwarder__factory(admin).deploy();
  const forwarderAddress = await forwarder.getAddress();
  const rewardToken = await new RewardToken__factory(admin).deploy(admin.address);
  const attackToken =
    options.token === "reentrant" ? await new ReentrantToken__factory(admin).deploy() : null;
  const feeToken =
    options.token === "feeOnTransfer"
      ? await new FeeOnTransferToken__factory(admin).deploy()
      : null;
  const tokenAddress = await (attackToken ?? feeToken ?? rewardToken).getAddress();
  const token = RewardToken__factory.connect(tokenAddress, admin);
  const trialRegistry = await new TrialRegistry__factory(admin).deploy(
    forwarderAddress,
    tokenAddress,
  );
  const registryAddress = await trialRegistry.getAddress();
  const marketplace = await new DataMarketplace__factory(admin).deploy(
    forwarderAddress,
    tokenAddress,
    registryAddress,
    admin.address,
    operator.address,
    admin.address,
  );
  const marketplaceAddress = await marketplace.getAddress();
  await mined(trialRegistry.bindMarketplace(marketplaceAddress));
  const chainId = Number((await ethers.provider.getNetwork()).chainId);

  for (const account of [carol, alice, bob, admin]) {
    await mined(token.mint(account.address, 1_000_000n * TOKEN));
    await mined(token.connect(account).approve(marketplaceAddress, 2n ** 255n));
    await mined(token.connect(account).approve(registryAddress, 2n ** 255n));
  }

  async function now(): Promise<number> {
    return (await ethers.provider.getBlock("latest"))!.timestamp;
  }

  async function increaseTime(seconds: number): Promise<void> {
    await provider.request({ method: "evm_increaseTime", params: [seconds] });
    await provider.request({ method: "evm_mine", params: [] });
  }

  type Terms = {
    purposes: number;
    expiresAt: number;
    trialId: string;
    protocolVersion: number;
    autoApprove: boolean;
    termsHash: string;
    /** Privacy budget for analyses, centi-ε (0: no analyses). */
    epsilonBudget: number;
  };
  function terms(overrides: Partial<Terms> = {}): Terms {
    return {
      purposes: 1 << PURPOSE.ACADEMIC,
      expiresAt: 0,
      trialId: ZeroHash,
      protocolVersion: 0,
      autoApprove: true,
      termsHash: hashOf("terms"),
      epsilonBudget: 0,
      ...overrides,
    };
  }

  /** Registers a trial sponsored by `sponsor` (admin by default); returns its id. */
  async function registerTrial(sponsor: Signer = admin!) {
    const trialSalt = salt();
    await mined(trialRegistry.connect(sponsor).registerTrial(trialSalt, hashOf(`p-${trialSalt}`)));
    return trialRegistry.trialIdFor(await sponsor.getAddress(), trialSalt);
  }

  /** An invitation to `trialId` signed by `issuer` for a fresh key (the code a subject gets). */
  async function issueInvitation(trialId: string, issuer: Signer = admin!, validDays = 30) {
    const key = Wallet.createRandom();
    const invitation = {
      issuer: await issuer.getAddress(),
      invitationKey: key.address,
      expiresAt: (await now()) + validDays * DAY,
    };
    const issuerSignature = await issuer.signTypedData(
      trialRegistryDomain(chainId, registryAddress),
      INVITATION_TYPES,
      { trialId, invitationKey: key.address, expiresAt: invitation.expiresAt },
    );
    return { key, invitation, issuerSignature };
  }

  /** What the holder of an invitation's key signs to enrol `participant` with `commitment`. */
  function redeem(
    invite: Awaited<ReturnType<typeof issueInvitation>>,
    trialId: string,
    participant: string,
    commitment: string,
  ) {
    return invite.key.signTypedData(
      trialRegistryDomain(chainId, registryAddress),
      REDEMPTION_TYPES,
      { trialId, participant, subjectCommitment: commitment },
    );
  }

  /** Enrols `participant` in `trialId` under a fresh invitation from the sponsor. */
  async function enroll(participant: Signer, trialId: string, commitment = salt()) {
    const invite = await issueInvitation(trialId);
    const [, version] = await trialRegistry.getTrial(trialId);
    const address = await participant.getAddress();
    const redemption = await redeem(invite, trialId, address, commitment);
    const receipt = await mined(
      trialRegistry
        .connect(participant)
        .enrollWithInvitation(
          trialId,
          commitment,
          version,
          invite.invitation,
          invite.issuerSignature,
          redemption,
        ),
    );
    return { receipt, invite, commitment };
  }

  /** Creates a listing owned by `owner` (linked to `trialId` if given); returns its id. */
  async function createListing(
    owner: Signer,
    options: {
      price?: bigint;
      autoApprove?: boolean;
      purposes?: number;
      trialId?: string;
      expiresInDays?: number;
      epsilonBudget?: number;
    } = {},
  ) {
    const listingSalt = salt();
    const version = options.trialId
      ? Number((await trialRegistry.getTrial(options.trialId))[1])
      : 0;
    const consent = terms({
      expiresAt: (await now()) + (options.expiresInDays ?? 365) * DAY,
      autoApprove: options.autoApprove ?? true,
      epsilonBudget: options.epsilonBudget ?? 0,
      ...(options.purposes ? { purposes: options.purposes } : {}),
      ...(options.trialId ? { trialId: options.trialId, protocolVersion: version } : {}),
    });
    const receipt = await mined(
      marketplace
        .connect(owner)
        .createListing(
          listingSalt,
          hashOf(`root-${listingSalt}`),
          hashOf("report"),
          options.price ?? 10n * TOKEN,
          consent,
        ),
    );
    const id = await marketplace.listingIdFor(await owner.getAddress(), listingSalt);
    return { id, receipt, consent };
  }

  /** Opens a request by `researcher` over `listingIds` (sorted here); returns id, items and tree. */
  async function openRequest(
    researcher: Signer,
    listingIds: string[],
    options: { purpose?: number; accessDays?: number; maxTotal?: bigint } = {},
  ) {
    const sorted = [...listingIds].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
    const requestSalt = salt();
    const purpose = options.purpose ?? PURPOSE.ACADEMIC;
    const accessUntil = (await now()) + (options.accessDays ?? 30) * DAY;
    const prices = await Promise.all(
      sorted.map(async (id) => (await marketplace.getListing(id))[2]),
    );
    const maxTotal = options.maxTotal ?? prices.reduce((sum, price) => sum + price, 0n);
    const receipt = await mined(
      marketplace
        .connect(researcher)
        .requestAccess(requestSalt, sorted, purpose, hashOf("plan"), accessUntil, maxTotal),
    );
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
  type Opened = Awaited<ReturnType<typeof openRequest>>;

  /** The owner decides item `index` of `request`. */
  function decide(owner: Signer, request: Opened, index: number, approve: boolean) {
    const item = request.items[index]!;
    return marketplace
      .connect(owner)
      .decide(request.requestId, index, item.listingId, item.price, request.proof(index), approve);
  }

  /** The operator records a data use of item `index`. */
  function recordUse(request: Opened, index: number, caller: Signer = operator!) {
    return marketplace.connect(caller).recordDataUse(request.requestId, index, hashOf(salt()));
  }

  /** Settles the items at `indices` (every escrowed item by default) with a multiproof. */
  async function settle(request: Opened, indices?: number[], caller: Signer = mallory!) {
    let chosen = indices;
    if (!chosen) {
      chosen = [];
      for (const item of request.items) {
        if ((await marketplace.itemStatus(request.requestId, item.index)) !== ITEM.EXCLUDED)
          chosen.push(item.index);
      }
    }
    const args = settlementArgs(request.tree, chosen);
    return marketplace
      .connect(caller)
      .settleItems(
        request.requestId,
        args.indices,
        args.listingIds,
        args.prices,
        args.proof,
        args.proofFlags,
      );
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

  /** A fresh wallet with no ETH that acts only through the forwarder, relayed by `relayer`. */
  function gaslessWallet() {
    const wallet = Wallet.createRandom().connect(ethers.provider);
    return {
      wallet,
      address: wallet.address,
      async send(to: string, data: string) {
        return mined(forwarder.connect(relayer).execute(await signForward(wallet, to, data)));
      },
    };
  }

  return {
    ethers,
    provider,
    chainId,
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
    feeToken,
    trialRegistry,
    registryAddress,
    marketplace,
    marketplaceAddress,
    now,
    increaseTime,
    terms,
    registerTrial,
    issueInvitation,
    redeem,
    enroll,
    createListing,
    openRequest,
    decide,
    recordUse,
    settle,
    signForward,
    gaslessWallet,
  };
}

export type Suite = Awaited<ReturnType<typeof deploySuite>>;
