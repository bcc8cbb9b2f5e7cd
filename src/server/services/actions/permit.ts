import "server-only";
import { Signature, verifyTypedData } from "ethers";
import type { Chain } from "~/server/chain/client";
import { isTransportError } from "~/server/chain/revert-reasons";
import type { DbClient } from "~/server/db";
import type { OutboxStatus } from "~/server/generated/prisma/enums";
import { AppError } from "~/server/errors";

/**
 * EIP-2612 permits: the signer lets the marketplace (or the trial registry) pull `value` tokens,
 * by signature, so an escrow needs no approve transaction (and no ETH). The permit travels inside
 * the user's own call (requestAccessWithPermit, fundRewardsWithPermit), which tries it and goes on
 * if it was already used: a permit copied from the mempool and front-run cannot block the call.
 */
export const PERMIT_TYPES = {
  Permit: [
    { name: "owner", type: "address" },
    { name: "spender", type: "address" },
    { name: "value", type: "uint256" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
} as const;

export type PermitMessage = {
  owner: string;
  spender: string;
  value: string;
  nonce: string;
  deadline: number;
};

export type PermitTypedData = {
  domain: { name: string; version: string; chainId: number; verifyingContract: string };
  types: typeof PERMIT_TYPES;
  primaryType: "Permit";
  message: PermitMessage;
};

/** Outbox kinds of calls that carry a permit end with this. */
export const PERMIT_KIND_SUFFIX = ":permit";
/** The outbox kind of a permit relayed alone, before a call that has no permit variant. */
export const PERMIT_APART_KIND = "token.permit";

/** Permits the outbox holds for `owner` in the given states (alone, or inside a call). */
function queuedPermits(db: DbClient, owner: string, statuses: OutboxStatus[]) {
  return db.chainOutbox.count({
    where: {
      OR: [{ kind: PERMIT_APART_KIND }, { kind: { endsWith: PERMIT_KIND_SUFFIX } }],
      signer: owner.toLowerCase(),
      status: { in: statuses },
    },
  });
}

const tokenNames = new Map<string, string>();

/**
 * Allowance, next permit nonce and token name, as the queue will leave them. Permits we relay
 * count towards the nonce whatever their state (the chain's own count lags while one is being
 * mined), and while any write of the owner waits, the allowance it sees may be spent by it, so
 * a fresh permit is asked for. When the node cannot be reached, a permit is assumed needed, so
 * the action is queued rather than refused.
 */
async function readPermitState(db: DbClient, chain: Chain, owner: string, spender: string) {
  const token = chain.contracts.token;
  const address = chain.deployment.contracts.RewardToken;
  const [relayed, waiting] = await Promise.all([
    queuedPermits(db, owner, ["CONFIRMED", "PENDING", "SENT"]),
    db.chainOutbox.count({
      where: { signer: owner.toLowerCase(), status: { in: ["PENDING", "SENT"] } },
    }),
  ]);
  try {
    const [allowance, onChainNonce, name] = await Promise.all([
      token.allowance(owner, spender),
      token.nonces(owner),
      tokenNames.get(address) ?? token.name(),
    ]);
    tokenNames.set(address, name);
    const nonce = onChainNonce > BigInt(relayed) ? onChainNonce : BigInt(relayed);
    return { allowance: waiting > 0 ? 0n : allowance, nonce, name };
  } catch (error) {
    const name = tokenNames.get(address);
    if (!isTransportError(error) || !name) throw error;
    return { allowance: 0n, nonce: BigInt(relayed), name };
  }
}

export async function preparePermit(
  db: DbClient,
  chain: Chain,
  owner: string,
  value: bigint,
  deadline: number,
  spenderContract: "DataMarketplace" | "TrialRegistry" = "DataMarketplace",
): Promise<PermitTypedData | null> {
  const spender = chain.deployment.contracts[spenderContract];
  const state = await readPermitState(db, chain, owner, spender);
  if (state.allowance >= value) return null;
  const { nonce, name } = state;
  return {
    domain: {
      name,
      version: "1",
      chainId: chain.chainId,
      verifyingContract: chain.deployment.contracts.RewardToken,
    },
    types: PERMIT_TYPES,
    primaryType: "Permit",
    message: { owner, spender, value: value.toString(), nonce: nonce.toString(), deadline },
  };
}

/** A permit as a call carries it. */
export type SignedPermit = { value: bigint; deadline: number; v: number; r: string; s: string };

/**
 * The message to sign when `needed` asks for a permit: ours, or the one the client signed if it
 * is the same permit (only its deadline may differ, within the signature lifetime).
 */
export function acceptPermitMessage(
  needed: PermitTypedData,
  message: PermitMessage | undefined,
  lifetimeSeconds: number,
): PermitMessage {
  if (!message) return needed.message;
  const now = Math.floor(Date.now() / 1000);
  const isSamePermit =
    message.owner.toLowerCase() === needed.message.owner.toLowerCase() &&
    message.spender.toLowerCase() === needed.message.spender.toLowerCase() &&
    message.value === needed.message.value &&
    message.nonce === needed.message.nonce &&
    message.deadline > now + 60 &&
    message.deadline <= now + lifetimeSeconds + 300;
  if (!isSamePermit)
    throw new AppError(
      "BAD_INPUT",
      "The payment authorisation does not match this request; prepare it again.",
    );
  return message;
}

/** The v, r, s of a permit signature, after checking that the permit's owner signed it. */
export function toSignedPermit(permit: PermitTypedData, signature: string): SignedPermit {
  const types = { Permit: [...permit.types.Permit] };
  let signer: string;
  try {
    signer = verifyTypedData(permit.domain, types, permit.message, signature);
  } catch {
    throw new AppError(
      "BAD_INPUT",
      "The payment authorisation (permit) signature is malformed; sign again.",
    );
  }
  if (signer.toLowerCase() !== permit.message.owner.toLowerCase()) {
    throw new AppError("BAD_INPUT", "The payment authorisation is not signed by your wallet.");
  }
  const { v, r, s } = Signature.from(signature);
  return { value: BigInt(permit.message.value), deadline: permit.message.deadline, v, r, s };
}
